"""Open data behind the published evaluation: one row per problem of a period's cohort, without
anything that identifies the enterprise, so that anyone can recount every figure of the ranking
(docs/insights.md and the methodology page give the formulas).

A row carries the raw facts (dates, deadlines, flags, the enterprise's own rating) plus the two
working-day counts and the departments that returned the problem or asked for an extension. Rows are
read in pages: a page costs a constant number of queries (the rows, their return events, their
extension requests, one calendar query), whatever its size.
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Exists, OuterRef

from issues.choices import AppealStatus, IssueStatus
from issues.models import Appeal, ExtensionRequest, IssueEvent
from portal.workdays import WorkingDayCounter

from .rankings import TZ, Period, cohort

FIELDS = (
    "problem",
    "reference",
    "department",
    "category",
    "first_dispatched_at",
    "accept_due",
    "accepted_at",
    "accepted_on_time",
    "reply_due",
    "replied_at",
    "replied_on_time",
    "closed_at",
    "status",
    "followed_up",
    "rating",
    "appeal_upheld",
    "follow_up_satisfaction",
    "reopen_count",
    "withdrawn",
    "days_to_reply",
    "days_to_close",
    "returns",
    "extensions",
)


def rows_queryset(period: Period):
    """The period's cohort in id order, with what the rows need (no enterprise, no people)."""
    upheld = Appeal.objects.filter(
        issue=OuterRef("pk"), status=AppealStatus.UPHELD, rating__round=OuterRef("reopen_count") + 1
    )
    return (
        cohort(period)
        .select_related("lead_department__region", "category")
        .annotate(appeal_upheld=Exists(upheld))
        .only(
            "pk",
            "reference",
            "lead_department__id",
            "lead_department__code",
            "lead_department__name",
            "lead_department__region__id",
            "lead_department__region__code",
            "lead_department__region__name",
            "category__code",
            "first_dispatched_at",
            "accept_due",
            "accepted_at",
            "accepted_on_time",
            "reply_due",
            "replied_at",
            "replied_on_time",
            "closed_at",
            "status",
            "followup_count",
            "rating",
            "follow_up_satisfaction",
            "reopen_count",
        )
        .order_by("id")
    )


def _local(moment: dt.datetime | None) -> dt.date | None:
    return moment.astimezone(TZ).date() if moment else None


def build_rows(issues) -> list[dict]:
    """The open rows of a page of problems (from :func:`rows_queryset`)."""
    issues = list(issues)
    if not issues:
        return []
    ids = [issue.pk for issue in issues]
    returns, extensions = defaultdict(list), defaultdict(list)
    for issue_id, department_id, region_id in (
        IssueEvent.objects.filter(issue_id__in=ids, action="return", department__isnull=False)
        .order_by("at", "id")
        .values_list("issue_id", "department_id", "department__region_id")
    ):
        returns[issue_id].append({"department": department_id, "region": region_id})
    for issue_id, department_id, region_id in (
        ExtensionRequest.objects.filter(issue_id__in=ids)
        .order_by("requested_at", "id")
        .values_list("issue_id", "department_id", "department__region_id")
    ):
        extensions[issue_id].append({"department": department_id, "region": region_id})
    dates = [
        day
        for issue in issues
        for day in (_local(issue.first_dispatched_at), _local(issue.replied_at), _local(issue.closed_at))
        if day
    ]
    counter = WorkingDayCounter(min(dates), max(dates))
    rows = []
    for issue in issues:
        dispatched = _local(issue.first_dispatched_at)
        department = issue.lead_department
        region = department.region
        rows.append(
            {
                "problem": issue.pk,
                "reference": issue.reference,
                "department": {
                    "id": department.pk,
                    "code": department.code,
                    "name": department.name,
                    "region": {"id": region.pk, "code": region.code, "name": region.name},
                },
                "category": issue.category.code,
                "first_dispatched_at": issue.first_dispatched_at,
                "accept_due": issue.accept_due,
                "accepted_at": issue.accepted_at,
                "accepted_on_time": issue.accepted_on_time,
                "reply_due": issue.reply_due,
                "replied_at": issue.replied_at,
                "replied_on_time": issue.replied_on_time,
                "closed_at": issue.closed_at,
                "status": issue.status,
                "followed_up": issue.followup_count > 0,
                "rating": issue.rating,
                "appeal_upheld": issue.appeal_upheld,
                "follow_up_satisfaction": issue.follow_up_satisfaction,
                "reopen_count": issue.reopen_count,
                "withdrawn": issue.status == IssueStatus.WITHDRAWN,
                "days_to_reply": counter.between(dispatched, _local(issue.replied_at)) if issue.replied_at else None,
                "days_to_close": counter.between(dispatched, _local(issue.closed_at)) if issue.closed_at else None,
                "returns": returns.get(issue.pk, []),
                "extensions": extensions.get(issue.pk, []),
            }
        )
    return rows


def iter_rows(period: Period, *, chunk: int = 2000):
    """Every open row of the period, in id order, read ``chunk`` problems at a time (for the CSV)."""
    qs = rows_queryset(period)
    last = 0
    while True:
        page = list(qs.filter(pk__gt=last)[:chunk])
        if not page:
            return
        yield from build_rows(page)
        last = page[-1].pk


# The CSV has the API's fields, with the department (and its region) flattened into columns.
_FLAT = {"department": ("department_id", "department_code", "department_name", "region_id", "region_code")}
CSV_COLUMNS = tuple(column for name in FIELDS for column in _FLAT.get(name, (name,)))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.astimezone(TZ).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def csv_record(row: dict) -> list[str]:
    """One CSV line: the row flattened; returns/extensions as ``department:region`` joined by ``;``."""
    department = row["department"]
    flat = {
        **row,
        "department_id": department["id"],
        "department_code": department["code"],
        "department_name": department["name"],
        "region_id": department["region"]["id"],
        "region_code": department["region"]["code"],
        "returns": ";".join(f"{r['department']}:{r['region']}" for r in row["returns"]),
        "extensions": ";".join(f"{e['department']}:{e['region']}" for e in row["extensions"]),
    }
    return [_cell(flat[name]) for name in CSV_COLUMNS]
