"""晾晒 rollups: the ranking's figures per department × day of first dispatch (:class:`RankingDay`).

A ranking sums the rollup rows of its period (a query proportional to departments × days, whatever the
number of problems), and recounts from the raw rows only the days touched since the refresh before the
last one (``RankingRollupState.delta_from_id``): so a ranking is always exactly the recount of the open
rows, and the rollup only saves the work. Without usable rollups (never built, or counted with another
working-day calendar) a ranking is counted from the raw rows, as before.

Counting, one definition for both: :func:`count_raw` counts days (or a whole period) from the raw rows
with the conditions of :func:`insights.rankings.metric_filters`; :func:`refresh` writes its per-day
result into the rollup, :func:`period_rows` reads rollup + raw for a ranking.

Kept up to date by the scheduled :func:`insights.tasks.refresh_ranking_rollups` (every 5 minutes: the
days of the problems whose events are newer than the watermark; every night: a full rebuild) and by
``manage.py rankings_rebuild``.
"""

import datetime as dt
import hashlib
import importlib.metadata
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from insights import rankings
from insights.models import RankingDay, RankingRollupState
from issues.models import ExtensionRequest, Issue, IssueEvent
from portal.models import CalendarOverride
from portal.workdays import WorkingDayCounter

COUNTED = (
    "accepted",
    "accepted_on_time",
    "replied",
    "replied_on_time",
    "closed",
    "followed_up",
    "rated",
    "satisfied",
    "reopened",
    "follow_up_rated",
    "follow_up_satisfied",
)
# every additive figure a rollup row holds (and a Row sums)
FIELDS = (
    "received",
    *COUNTED,
    "rating_sum",
    "returns",
    "extensions",
    "reply_days",
    "reply_count",
    "close_days",
    "close_count",
)
REBUILD_CHUNK_DAYS = 31
RANGES_PER_QUERY = 60

Ranges = list[tuple[dt.date, dt.date]]


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=rankings.TZ)


def day_ranges(days: Iterable[dt.date]) -> Ranges:
    """Half-open [start, end) ranges covering exactly ``days`` (consecutive days merged)."""
    ranges: Ranges = []
    for day in sorted(set(days)):
        if ranges and ranges[-1][1] == day:
            ranges[-1] = (ranges[-1][0], day + dt.timedelta(days=1))
        else:
            ranges.append((day, day + dt.timedelta(days=1)))
    return ranges


def count_raw(
    ranges: Ranges, *, by: str, region: int | None = None, per_day: bool = False, with_days: bool = True
) -> dict:
    """Count the figures of the problems first dispatched in ``ranges`` from the raw rows, grouped
    ``by`` department or region (and by day when ``per_day``: keys are then ``(key, day)``).

    Queries: one aggregate over the problems, one over return events, one over extension requests,
    and with ``with_days`` two over (dispatch date, reply/close date) pairs and one for the calendar.
    """
    result: dict = {}
    if not ranges:
        return result
    key = rankings.GROUPINGS[by]
    event_key = rankings.EVENT_GROUPINGS[by]
    conditions = rankings.metric_filters()
    qs = rankings.cohort_in(ranges)
    if region:
        qs = qs.filter(lead_department__region_id=region)
    group = (key, "day") if per_day else (key,)

    def cell(row: dict) -> rankings.Row:
        group_key = (row[key], row["day"]) if per_day else row[key]
        return result.setdefault(group_key, rankings.Row(key=row[key], name=""))

    grouped = qs.annotate(day=TruncDate("first_dispatched_at", tzinfo=rankings.TZ)) if per_day else qs
    # Annotation names get a prefix: ``accepted_on_time`` is also a field, and an annotation of the
    # same name would shadow it inside the other filters.
    for row in (
        grouped.values(*group)
        .annotate(
            n_received=Count("id"),
            n_rating_sum=Sum("rating", filter=conditions["rated"], default=0),
            **{f"n_{name}": Count("id", filter=conditions[name]) for name in COUNTED},
        )
        .order_by(*group)
    ):
        target = cell(row)
        for name, value in row.items():
            if name.startswith("n_"):
                setattr(target, name[2:], value)

    # of the days' problems (the cohort), attributed to the department that returned / asked
    in_cohort = rankings.cohort_in(ranges).values("pk")
    returns = IssueEvent.objects.filter(action="return", department__isnull=False, issue__in=in_cohort)
    extensions = ExtensionRequest.objects.filter(issue__in=in_cohort)
    if region:
        returns = returns.filter(department__region_id=region)
        extensions = extensions.filter(department__region_id=region)
    for name, events in (("returns", returns), ("extensions", extensions)):
        if per_day:
            events = events.annotate(day=TruncDate("issue__first_dispatched_at", tzinfo=rankings.TZ))
        event_group = (event_key, "day") if per_day else (event_key,)
        for row in events.values(*event_group).annotate(n=Count("id")).order_by(*event_group):
            setattr(cell({key: row[event_key], **row}), name, row["n"])

    if with_days:
        _count_working_days(qs, key, per_day, result)
    return result


def _count_working_days(qs, key: str, per_day: bool, result: dict) -> None:
    """Working days first dispatch → reply and → 办结, summed per group (and day), from (group, date,
    date, count) triples (two queries) and one calendar-override query, counted with a prefix sum."""
    pairs = {}
    for name, field_name in (("reply", "replied_at"), ("close", "closed_at")):
        pairs[name] = list(
            qs.filter(**{f"{field_name}__isnull": False})
            .annotate(
                d1=TruncDate("first_dispatched_at", tzinfo=rankings.TZ), d2=TruncDate(field_name, tzinfo=rankings.TZ)
            )
            .values(key, "d1", "d2")
            .annotate(n=Count("id"))
            .order_by(key, "d1", "d2")
        )
    dates = [row[d] for rows in pairs.values() for row in rows for d in ("d1", "d2")]
    if not dates:
        return
    counter = WorkingDayCounter(min(dates), max(dates))
    for name, rows in pairs.items():
        for row in rows:
            target = result[(row[key], row["d1"]) if per_day else row[key]]
            days = counter.between(row["d1"], row["d2"]) * row["n"]
            setattr(target, f"{name}_days", getattr(target, f"{name}_days") + days)
            setattr(target, f"{name}_count", getattr(target, f"{name}_count") + row["n"])


def _add(into: rankings.Row, other: rankings.Row) -> None:
    for name in FIELDS:
        setattr(into, name, getattr(into, name) + getattr(other, name))


# ---------------------------------------------------------------------------------------- reading


def calendar_fingerprint() -> str:
    """The working-day calendar the day sums depend on: chinese-calendar's version and every override
    (one query over the small override table)."""
    digest = hashlib.sha256(importlib.metadata.version("chinesecalendar").encode())
    for day, working in CalendarOverride.objects.order_by("date").values_list("date", "is_working_day"):
        digest.update(f"{day}:{int(working)};".encode())
    return digest.hexdigest()


def usable_state() -> RankingRollupState | None:
    """The rollup's state if the rollup can be read (built, same calendar), else None."""
    state = RankingRollupState.objects.filter(pk=1).first()
    if state is None or not state.calendar_fingerprint or state.calendar_fingerprint != calendar_fingerprint():
        return None
    return state


def dirty_days(state: RankingRollupState, start: dt.date, end: dt.date) -> set[dt.date]:
    """The days in [start, end) whose problems had an event after ``state.delta_from_id`` (recounted
    from the raw rows): one query over the newest events (primary key range)."""
    return set(
        IssueEvent.objects.filter(
            id__gt=state.delta_from_id,
            issue__first_dispatched_at__gte=_at(start),
            issue__first_dispatched_at__lt=_at(end),
        )
        .annotate(day=TruncDate("issue__first_dispatched_at", tzinfo=rankings.TZ))
        .order_by("day")
        .values_list("day", flat=True)
        .distinct()
    )


def period_rows(
    period,
    *,
    by: str,
    region: int | None = None,
    with_days: bool = True,
    state: RankingRollupState | None = None,
    dirty: set[dt.date] = frozenset(),
) -> dict[int, rankings.Row]:
    """The figures of ``period`` per group: the rollup rows of its clean days plus the raw count of its
    dirty days (or everything raw without a usable ``state``). Sets the working-day means when
    ``with_days``."""
    if state is None:
        rows = count_raw([(period.start, period.end)], by=by, region=region, with_days=with_days)
    else:
        key = "department_id" if by == "department" else "department__region_id"
        dirty = sorted(day for day in dirty if period.start <= day < period.end)
        qs = RankingDay.objects.filter(day__gte=period.start, day__lt=period.end)
        if dirty:
            qs = qs.exclude(day__in=dirty)
        if region:
            qs = qs.filter(department__region_id=region)
        rows = {}
        for row in qs.values(key).annotate(**{f"s_{name}": Sum(name) for name in FIELDS}).order_by(key):
            rows[row[key]] = rankings.Row(key=row[key], name="", **{name: row[f"s_{name}"] for name in FIELDS})
        for group, raw in count_raw(day_ranges(dirty), by=by, region=region, with_days=with_days).items():
            _add(rows.setdefault(group, rankings.Row(key=group, name="")), raw)
    if with_days:
        for row in rows.values():
            if row.reply_count:
                row.mean_days_to_reply = round(row.reply_days / row.reply_count, 1)
            if row.close_count:
                row.mean_days_to_close = round(row.close_days / row.close_count, 1)
    return rows


# ---------------------------------------------------------------------------------------- writing


def _write(cells: dict) -> int:
    """Insert the rows of ``cells`` ({(department, day): Row}): COPY on PostgreSQL (a rebuild writes
    tens of thousands of rows), bulk_create elsewhere."""
    rows = [
        (day, department, *(getattr(row, name) for name in FIELDS))
        for (department, day), row in cells.items()
        if department is not None
    ]
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        columns = ", ".join(quote(name) for name in ("day", "department_id", *FIELDS))
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {quote(RankingDay._meta.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        names = ("day", "department_id", *FIELDS)
        RankingDay.objects.bulk_create(
            [RankingDay(**dict(zip(names, row, strict=True))) for row in rows], batch_size=2000
        )
    return len(rows)


def _recount_days(ranges: Ranges) -> int:
    written = 0
    for i in range(0, len(ranges), RANGES_PER_QUERY):
        chunk = ranges[i : i + RANGES_PER_QUERY]
        within = Q()
        for start, end in chunk:
            within |= Q(day__gte=start, day__lt=end)
        RankingDay.objects.filter(within).delete()
        written += _write(count_raw(chunk, by="department", per_day=True, with_days=True))
    return written


@transaction.atomic
def refresh(*, rebuild: bool = False, now: dt.datetime | None = None) -> dict:
    """Bring the rollup up to date: recount the days of the problems that had an event since the
    refresh before the last one (one refresh of overlap, so a transaction that committed after the
    last refresh looked is not missed), or everything when ``rebuild``, when never built or when the
    working-day calendar changed. Safe to run twice or concurrently (the state row is locked)."""
    now = now or timezone.now()
    RankingRollupState.objects.get_or_create(pk=1)
    state = RankingRollupState.objects.select_for_update().get(pk=1)
    top = IssueEvent.objects.aggregate(top=Max("id"))["top"] or 0
    fingerprint = calendar_fingerprint()
    if rebuild or state.calendar_fingerprint != fingerprint:
        RankingDay.objects.all().delete()
        span = Issue.objects.aggregate(lo=Min("first_dispatched_at"), hi=Max("first_dispatched_at"))
        ranges: Ranges = []
        if span["lo"] is not None:
            day = timezone.localtime(span["lo"], rankings.TZ).date()
            last = timezone.localtime(span["hi"], rankings.TZ).date()
            while day <= last:
                ranges.append((day, min(day + dt.timedelta(days=REBUILD_CHUNK_DAYS), last + dt.timedelta(days=1))))
                day = ranges[-1][1]
        written = sum(_write(count_raw([r], by="department", per_day=True, with_days=True)) for r in ranges)
        state.delta_from_id = top
        state.rebuilt_at = now
        kind, days = "rebuild", sum((end - start).days for start, end in ranges)
    else:
        touched = set(
            IssueEvent.objects.filter(id__gt=state.delta_from_id, issue__first_dispatched_at__isnull=False)
            .annotate(day=TruncDate("issue__first_dispatched_at", tzinfo=rankings.TZ))
            .order_by("day")
            .values_list("day", flat=True)
            .distinct()
        )
        written = _recount_days(day_ranges(touched))
        state.delta_from_id = state.event_id
        kind, days = "refresh", len(touched)
    state.event_id = top
    state.calendar_fingerprint = fingerprint
    state.refreshed_at = now
    state.save()
    return {"kind": kind, "days": days, "rows": written, "event_id": top}
