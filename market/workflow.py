"""The market's state machines, declared once (DESIGN.md rule 3; :mod:`portal.workflow`): facility
bookings (run by ``actions.booking_transition``) and 中介超市 purchases (``actions.purchases``) — their
moves and who may make them. The actions' guards, the pages' buttons and the API's ``available_moves``
ask these."""

from market.choices import BookingStatus as S
from market.choices import PurchaseStatus as P
from portal.models.enterprises import enterprise_ids_for
from portal.permissions import is_clerk, is_enterprise_user
from portal.workflow import Move, Workflow


def own_enterprise_ids(user) -> frozenset[int]:
    """The user's verified enterprises, read once per request (cached on the user object)."""
    if not hasattr(user, "_market_enterprise_ids"):
        user._market_enterprise_ids = frozenset(enterprise_ids_for(user))
    return user._market_enterprise_ids


def is_booking_member(user, booking) -> bool:
    return is_enterprise_user(user) and booking.enterprise_id in own_enterprise_ids(user)


def is_facility_owner(user, facility) -> bool:
    """The owner's side: staff of the owning department, verified members of the owning enterprise, or a
    clerk/supervisor/administrator of the service centre."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_clerk(user):
        return True
    if facility.owner_department_id and user.is_portal_staff:
        return user.department_id == facility.owner_department_id
    if facility.owner_enterprise_id:
        return facility.owner_enterprise_id in own_enterprise_ids(user)
    return False


def is_facility_owner_of_booking(user, booking) -> bool:
    return is_facility_owner(user, booking.facility)


def is_booking_member_or_clerk(user, booking) -> bool:
    return is_booking_member(user, booking) or is_clerk(user)


BOOKING = Workflow(
    "market.facilitybooking",
    permission_first=True,
    moves=[
        Move("approve", sources={S.CONFIRMED}, target=S.APPROVED, allowed=is_facility_owner_of_booking),
        Move(
            "decline",
            sources={S.CONFIRMED, S.QUEUED},
            target=S.DECLINED,
            allowed=is_facility_owner_of_booking,
            needs_input=True,
        ),
        Move(
            "cancel",
            sources={S.QUEUED, S.CONFIRMED, S.APPROVED},
            target=S.CANCELLED,
            allowed=is_booking_member_or_clerk,
        ),
    ],
)


# --- purchases in the 中介超市 -----------------------------------------------------------------------------


def is_purchase_member(user, purchase) -> bool:
    return is_enterprise_user(user) and purchase.enterprise_id in own_enterprise_ids(user)


def is_purchase_member_or_clerk(user, purchase) -> bool:
    return is_purchase_member(user, purchase) or is_clerk(user)


PURCHASE = Workflow(
    "market.purchase",
    permission_first=True,
    moves=[
        # the enterprise, a clerk, or (actor None) the scheduled run at the deadline; no qualified quote
        # ends it 流标 (failed) instead
        Move("select", sources={P.OPEN}, target=P.SELECTED, allowed=is_purchase_member_or_clerk),
        Move("contract", sources={P.SELECTED}, target=P.CONTRACTED, allowed=is_purchase_member),
        Move("deliver", sources={P.CONTRACTED}, target=P.DELIVERED, allowed=is_purchase_member),
        Move("rate", sources={P.DELIVERED}, target=P.RATED, allowed=is_purchase_member),
        Move("cancel", sources={P.OPEN}, target=P.CANCELLED, allowed=is_purchase_member_or_clerk, needs_input=True),
    ],
)
