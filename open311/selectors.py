"""Reads of the open311 app: what a key may read (deny by default: its own channel's problems)."""

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet

from issues.models import Category, Issue, IssueEvent, OwnerlessKind
from issues.workflow import ISSUE

from .models import ApiKey, key_digest


def catch_all_category_code() -> str:
    """The category whose service definition asks for the 三不管 kind (the 兜底 service)."""
    return getattr(settings, "OPEN311_CATCH_ALL_CATEGORY", "other")


def api_key_for(key: str) -> ApiKey | None:
    """The active key with this value, or None (looked up by digest: the key is never stored)."""
    if not key:
        return None
    return ApiKey.objects.active().select_related("channel", "account").filter(digest=key_digest(key)).first()


def service_list() -> QuerySet[Category]:
    return Category.objects.active().select_related("parent").order_by("order", "code")


def service_get(code: str) -> Category | None:
    return service_list().filter(code=code).first()


def ownerless_kinds() -> QuerySet[OwnerlessKind]:
    return OwnerlessKind.objects.active().order_by("order", "code")


def request_visible_to(api_key: ApiKey) -> QuerySet[Issue]:
    """The problems a key may read: those its channel created, or all when the administrator granted it."""
    issues = Issue.objects.select_related("category", "lead_department")
    if not api_key.read_all_channels:
        issues = issues.filter(channel_id=api_key.channel_id)
    return issues


def request_list(
    *,
    api_key: ApiKey,
    ids: list[str] | None = None,
    service_codes: list[str] | None = None,
    statuses: list[str] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> QuerySet[Issue]:
    """Newest first, filtered as GeoReport v2 ``GET requests`` describes."""
    issues = request_visible_to(api_key)
    if ids:
        issues = issues.filter(reference__in=ids)
    if service_codes:
        issues = issues.filter(category__code__in=service_codes)
    if statuses and set(statuses) != {"open", "closed"}:
        open_only = statuses == ["open"]
        issues = (
            issues.filter(status__in=ISSUE.group("open"))
            if open_only
            else issues.exclude(status__in=ISSUE.group("open"))
        )
    if start:
        issues = issues.filter(registered_at__gte=start)
    if end:
        issues = issues.filter(registered_at__lte=end)
    return issues.order_by("-registered_at", "-id")


def update_list(*, api_key: ApiKey, start: dt.datetime | None, end: dt.datetime | None) -> QuerySet[IssueEvent]:
    """The public timeline events of the problems the key may read, oldest first (the extension
    ``servicerequestupdates``)."""
    events = IssueEvent.objects.filter(public=True).select_related("issue")
    if not api_key.read_all_channels:
        events = events.filter(issue__channel_id=api_key.channel_id)
    if start:
        events = events.filter(at__gte=start)
    if end:
        events = events.filter(at__lte=end)
    return events.order_by("at", "id")
