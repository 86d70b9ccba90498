"""Reads of the core app (DESIGN.md rule 2)."""

from django.db.models import Q, QuerySet

from portal.choices import MembershipStatus
from portal.models import Department, Enterprise, Membership, Notification, User


def enterprise_list(*, user: User, q: str = "") -> QuerySet[Enterprise]:
    """The enterprises the user sees; ``q`` finds them by name (any part), 统一社会信用代码 (its start, so a
    clerk typing the code narrows as they type) or 法定代表人 (any part)."""
    qs = Enterprise.objects.visible_to(user).select_related("region")
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(uscc__startswith=q.upper()) | Q(name__icontains=q) | Q(legal_representative__icontains=q))
    return qs.order_by("name")


def enterprise_get(*, user: User, pk: int) -> Enterprise:
    """The enterprise if visible to the user, else Enterprise.DoesNotExist (a 404)."""
    return (
        Enterprise.objects.visible_to(user)
        .select_related("region")
        .prefetch_related("certifications", "licenses")
        .get(pk=pk)
    )


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("enterprise", "enterprise__region")


def membership_pending(*, user: User) -> QuerySet[Membership]:
    """Pending claims the user may decide: all for clerks, their own enterprises' for 法定代表人."""
    qs = Membership.objects.filter(status=MembershipStatus.PENDING).select_related("user", "enterprise")
    if user.is_portal_staff:
        return qs.order_by("created_at")
    return qs.filter(
        enterprise__memberships__user=user,
        enterprise__memberships__kind="legal_rep",
        enterprise__memberships__status=MembershipStatus.VERIFIED,
    ).exclude(user=user)


def department_list(*, kind: str = "", region: str = "", q: str = "") -> QuerySet[Department]:
    qs = Department.objects.active().select_related("region")
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(region__code=region)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return qs


def inbox(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.inbox_for(user).order_by("-created_at", "-id")


def inbox_sources(*, user: User) -> list[str]:
    """The parts of the portal (app labels: the first part of a dotted ``kind``) the user has messages
    from, for the inbox's filter; one query."""
    kinds = Notification.objects.inbox_for(user).order_by().values_list("kind", flat=True).distinct()
    return sorted({kind.split(".", 1)[0] for kind in kinds})


def api_token_list(*, user: User):
    """The user's own API tokens, newest first (active and ended alike)."""
    from portal.models import ApiToken

    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
