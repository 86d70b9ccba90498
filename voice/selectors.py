"""Reads of the voice app (DESIGN.md rule 2): session pages, series statistics, tallies, service scores."""

import datetime as dt

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from issues.choices import IssueStatus
from issues.models import Issue
from portal.permissions import is_portal_staff

from .choices import REVIEW_DIMENSIONS, BallotChoice, InquiryStatus
from .models import BallotCount, Inquiry, InquiryDepartment, MeetingSeries, MeetingSession, ServiceReview


def may_see_full_session(user) -> bool:
    """Staff see a session's full record (people, problems); everybody else its public summary."""
    return is_portal_staff(user)


def session_list():
    """Sessions newest first, with the figures of the public summary (no names of people)."""
    return (
        MeetingSession.objects.select_related("series")
        .annotate(
            enterprise_count=Count("attendees", filter=Q(attendees__attended=True), distinct=True),
            problem_count=Count("problems", distinct=True),
            answered_count=Count(
                "problems",
                filter=Q(problems__issue__replied_at__isnull=False) | Q(problems__issue__status=IssueStatus.CLOSED),
                distinct=True,
            ),
        )
        .order_by("-held_at", "-id")
    )


def session_detail(pk: int) -> MeetingSession:
    return session_list().get(pk=pk)


def session_problems(session: MeetingSession):
    """The problems raised at a session, each with its step, deadline and rating (staff only)."""
    return (
        Issue.objects.filter(meeting_link__session=session)
        .select_related("enterprise", "category", "lead_department", "channel")
        .order_by("id")
    )


def session_attendees(session: MeetingSession):
    return session.attendees.select_related("enterprise").order_by("id")


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def series_stats(series: MeetingSeries) -> dict:
    """Sessions, enterprises that came, problems, replied on time and closure rates (recounted from the
    problems' own rows, so they match the issues app)."""
    sessions = series.sessions.count()
    enterprises = series.sessions.filter(attendees__attended=True).values("attendees__enterprise").distinct().count()
    problems = Issue.objects.filter(meeting_link__session__series=series).aggregate(
        total=Count("id"),
        replied=Count("id", filter=Q(replied_on_time__isnull=False)),
        on_time=Count("id", filter=Q(replied_on_time=True)),
        closed=Count("id", filter=Q(status=IssueStatus.CLOSED)),
    )
    return {
        "sessions": sessions,
        "enterprises": enterprises,
        "problems": problems["total"],
        "replied": problems["replied"],
        "on_time_rate": _rate(problems["on_time"], problems["replied"]),
        "closed": problems["closed"],
        "closure_rate": _rate(problems["closed"], problems["total"]),
    }


def series_with_stats():
    return [(series, series_stats(series)) for series in MeetingSeries.objects.order_by("name", "id")]


# -------------------------------------------------------------------------------------- inquiries


def inquiry_detail(pk: int) -> Inquiry:
    return Inquiry.objects.prefetch_related("common_issues").get(pk=pk)


def tally_published(inquiry: Inquiry) -> bool:
    """The tally is published when the ballot closes (announced on the spot); while it is open only the
    number of ballots is shown, so a running count cannot reveal how the last voter voted."""
    return inquiry.status == InquiryStatus.CLOSED


def inquiry_departments(inquiry: Inquiry) -> list[dict]:
    """Each questioned department with its answer, the number of ballots and (once published) the tally:
    counts and percentages per choice."""
    rows = list(InquiryDepartment.objects.filter(inquiry=inquiry).select_related("department"))
    counts = {}
    for row in BallotCount.objects.filter(inquiry_department__inquiry=inquiry).values(
        "inquiry_department_id", "choice", "count"
    ):
        counts.setdefault(row["inquiry_department_id"], {})[row["choice"]] = row["count"]
    published = tally_published(inquiry)
    result = []
    for row in rows:
        per_choice = counts.get(row.pk, {})
        total = sum(per_choice.values())
        tally = None
        if published:
            tally = [
                {
                    "choice": choice,
                    "label": str(label),
                    "count": per_choice.get(choice, 0),
                    "percent": _rate(per_choice.get(choice, 0), total),
                }
                for choice, label in BallotChoice.choices
            ]
        result.append(
            {"row": row, "department": row.department, "answer": row.answer, "ballots": total, "tally": tally}
        )
    return result


def inquiry_tallies_for_common(common_issue) -> list[dict]:
    """The published inquiries on a common problem with their tallies (for the common problem's page)."""
    inquiries = Inquiry.objects.filter(common_issues=common_issue, status=InquiryStatus.CLOSED).order_by("-held_on")
    return [{"inquiry": inquiry, "departments": inquiry_departments(inquiry)} for inquiry in inquiries]


def ballots_total(inquiry: Inquiry) -> int:
    return BallotCount.objects.filter(inquiry_department__inquiry=inquiry).aggregate(n=Sum("count"))["n"] or 0


# ------------------------------------------------------------------------------ experience officers

DIMENSION_FIELDS = [field for field, _label in REVIEW_DIMENSIONS]


def service_scores(*, service_item_id: int | None = None, months: int = 6, today: dt.date | None = None) -> list[dict]:
    """Per service item: average stars per dimension, number of reviews and the monthly trend of the
    overall average over the last ``months`` months (oldest first)."""
    reviews = ServiceReview.objects.all()
    if service_item_id is not None:
        reviews = reviews.filter(service_item_id=service_item_id)
    averages = {f"avg_{f}": Avg(f) for f in DIMENSION_FIELDS}
    rows = (
        reviews.values("service_item_id", "service_item__code", "service_item__name")
        .annotate(count=Count("id"), **averages)
        .order_by("service_item__code")
    )
    today = today or timezone.localdate()
    since = (today.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    trend = {}
    for row in (
        reviews.filter(reviewed_at__date__gte=since)
        .annotate(month=TruncMonth("reviewed_at"))
        .values("service_item_id", "month")
        .annotate(count=Count("id"), **averages)
        .order_by("service_item_id", "month")
    ):
        overall = sum(row[f"avg_{f}"] for f in DIMENSION_FIELDS) / len(DIMENSION_FIELDS)
        trend.setdefault(row["service_item_id"], []).append(
            {"month": row["month"].strftime("%Y-%m"), "count": row["count"], "average": round(overall, 2)}
        )
    result = []
    for row in rows:
        stars = {f: round(row[f"avg_{f}"], 2) for f in DIMENSION_FIELDS}
        result.append(
            {
                "service": row["service_item_id"],
                "code": row["service_item__code"],
                "name": row["service_item__name"],
                "count": row["count"],
                "stars": stars,
                "average": round(sum(stars.values()) / len(stars), 2),
                "trend": trend.get(row["service_item_id"], []),
            }
        )
    return result


def officer_reviews(user):
    """An officer's own reviews, with what became of each finding (the problem's status)."""
    return ServiceReview.objects.filter(officer=user).select_related("service_item", "issue").order_by("-reviewed_at")
