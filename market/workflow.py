"""The booking state machine, declared once (DESIGN.md rule 3): moves, who may make them, and the
action that performs them (``actions.booking_transition``)."""

from collections.abc import Callable
from dataclasses import dataclass

from market.choices import BookingStatus as S
from market.choices import PurchaseStatus as P
from portal.models.enterprises import enterprise_ids_for
from portal.permissions import is_clerk, is_enterprise_user


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


@dataclass(frozen=True)
class Move:
    allowed_from: frozenset
    to: str
    allowed: Callable
    needs_reason: bool = False


BOOKING_MOVES: dict[str, Move] = {
    "approve": Move(frozenset({S.CONFIRMED}), S.APPROVED, lambda u, b: is_facility_owner(u, b.facility)),
    "decline": Move(
        frozenset({S.CONFIRMED, S.QUEUED}),
        S.DECLINED,
        lambda u, b: is_facility_owner(u, b.facility),
        needs_reason=True,
    ),
    "cancel": Move(
        frozenset({S.QUEUED, S.CONFIRMED, S.APPROVED}),
        S.CANCELLED,
        lambda u, b: is_booking_member(u, b) or is_clerk(u),
    ),
}


def available_moves(user, booking) -> list[str]:
    moves = BOOKING_MOVES.items()
    return [name for name, move in moves if booking.status in move.allowed_from and move.allowed(user, booking)]


# --- purchases in the 中介超市 -----------------------------------------------------------------------------


def is_purchase_member(user, purchase) -> bool:
    return is_enterprise_user(user) and purchase.enterprise_id in own_enterprise_ids(user)


def is_purchase_member_or_clerk(user, purchase) -> bool:
    return is_purchase_member(user, purchase) or is_clerk(user)


PURCHASE_MOVES: dict[str, Move] = {
    # the enterprise, a clerk, or (actor None) the scheduled run at the deadline
    "select": Move(frozenset({P.OPEN}), P.SELECTED, is_purchase_member_or_clerk),
    "contract": Move(frozenset({P.SELECTED}), P.CONTRACTED, is_purchase_member),
    "deliver": Move(frozenset({P.CONTRACTED}), P.DELIVERED, is_purchase_member),
    "rate": Move(frozenset({P.DELIVERED}), P.RATED, is_purchase_member),
    "cancel": Move(frozenset({P.OPEN}), P.CANCELLED, is_purchase_member_or_clerk, needs_reason=True),
}


def purchase_moves(user, purchase) -> list[str]:
    moves = PURCHASE_MOVES.items()
    return [name for name, move in moves if purchase.status in move.allowed_from and move.allowed(user, purchase)]
