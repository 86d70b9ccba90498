"""晾晒评价: the published evaluation of departments and regions over a period, by SQL aggregation.

Who is evaluated: the problem's lead department (牵头部门) at the time of counting — or its region.
Which problems: those first dispatched (首次交办) inside the period, withdrawn ones excluded (a problem
enters a department's figures when the department's clock starts, never at signing).

Figures per row (rates are shares in [0, 1], ``None`` when nothing could be measured):
- ``received``: problems in the cohort;
- ``on_time_accept_rate``: 签收 on time / problems signed (``accepted_on_time`` set by issues);
- ``on_time_reply_rate``: replied on time / problems replied;
- ``closure_rate``: closed (办结) / received;
- ``follow_up_rate``: problems followed up at least once / problems replied;
- ``satisfaction_rate``: rated ≥ 4 / rated — the enterprise's own 好差评 of the current round only (a
  rating whose appeal was upheld is left out); ``ratings_count`` the number rated, ``mean_rating``
  their mean. A level stated on a follow-up call is staff's record, published apart:
  ``follow_up_satisfaction_rate`` (≥ 4 / recorded) over ``follow_up_ratings_count``; it is not in
  the score;
- ``mean_days_to_reply`` / ``mean_days_to_close``: mean working days from first dispatch to the
  reply / to 办结 (Chinese calendar with 调休 and the override table);
- ``reopen_rate``: problems reopened for 重办 at least once / received;
- ``returns``: 退回 of the period's problems by the department (issue events); ``extensions``:
  extension requests the department filed on the period's problems (so the open rows recount them).
- ``score`` (0–100, the ranking key): 15 × on-time 签收 + 25 × on-time reply + 20 × closure +
  10 × follow-up + 30 × satisfaction (a missing rate counts as 0) − 10 × 重办 rate, rounded to 2
  decimals, in every row.
- ``rank``: competition ranking by score (equal scores share a rank: 1, 2, 2, 4), among the groups
  with at least ``IssueSettings.ranking_min_sample`` problems (default 5); the others are listed with
  their figures, ``rank`` null and ``insufficient_sample`` (「样本不足」).
- ``last_twice``: the group holds the last rank (alone or tied, with at least two ranks) in this period
  and in the previous one, both ranked under the same minimum.

Working days come from ``portal.workdays`` (its public ``WorkingDayCounter``): one calendar.
The rows behind every figure are public (:func:`open_rows`, ``/api/v1/rankings/rows/``); the
methodology page gives the formulas to recount them.

Counted by :mod:`insights.rollups`: the daily rollup (``RankingDay``) summed over the period's days,
plus a recount from the raw rows of the days changed since the last refreshes, so the figures always
equal the recount of the open rows. Queries with a built rollup: the settings, the rollup's state,
the calendar overrides (its fingerprint), the changed days, one sum per period, the names — plus, for
changed days in the period, the raw count of those days (one aggregate over problems, one over return
events, one over extension requests, two over (dispatch date, reply/close date) pairs and one for the
calendar overrides). The cost follows the period's departments × days, not the number of problems.
"""

import calendar
import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from issues.choices import AppealStatus, IssueStatus
from issues.models import Appeal, Issue, IssueSettings, ever_overdue_condition
from portal.i18n import localized_name
from portal.models import Department, Region

TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)
WEIGHTS = {
    "on_time_accept_rate": 15,
    "on_time_reply_rate": 25,
    "closure_rate": 20,
    "follow_up_rate": 10,
    "satisfaction_rate": 30,
}
REOPEN_PENALTY = 10


# --------------------------------------------------------------------------------------------- period


@dataclass(frozen=True)
class Period:
    """A half-open range of dates [start, end) with its label (``2026-05``, ``2026-Q2``, ``2026``)."""

    start: dt.date
    end: dt.date
    label: str
    kind: str  # month, quarter, year, custom

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=TZ)

    @property
    def end_at(self) -> dt.datetime:
        return dt.datetime.combine(self.end, dt.time.min, tzinfo=TZ)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def previous(self) -> "Period":
        if self.kind == "month":
            year, month = (self.start.year, self.start.month - 1) if self.start.month > 1 else (self.start.year - 1, 12)
            return month_period(year, month)
        if self.kind == "quarter":
            quarter = (self.start.month - 1) // 3 + 1
            year, quarter = (self.start.year, quarter - 1) if quarter > 1 else (self.start.year - 1, 4)
            return quarter_period(year, quarter)
        if self.kind == "year":
            return year_period(self.start.year - 1)
        length = self.end - self.start
        return Period(
            self.start - length, self.start, f"{self.start - length}..{self.start - dt.timedelta(days=1)}", "custom"
        )

    def following(self) -> "Period | None":
        """The next period of the same kind (month, quarter, year); ``None`` for a custom range."""
        if self.kind == "month":
            return month_period(self.end.year, self.end.month)
        if self.kind == "quarter":
            return quarter_period(self.end.year, (self.end.month - 1) // 3 + 1)
        if self.kind == "year":
            return year_period(self.end.year)
        return None


def month_period(year: int, month: int) -> Period:
    days = calendar.monthrange(year, month)[1]
    start = dt.date(year, month, 1)
    return Period(start, start + dt.timedelta(days=days), f"{year:04d}-{month:02d}", "month")


def quarter_period(year: int, quarter: int) -> Period:
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return Period(start, end, f"{year:04d}-Q{quarter}", "quarter")


def year_period(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year + 1, 1, 1), f"{year:04d}", "year")


def local_today() -> dt.date:
    """Today in the portal's time zone (one place, so tests can fix the date)."""
    return dt.datetime.now(TZ).date()


def last_complete_month(today: dt.date) -> Period:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return month_period(first.year, first.month)


class PeriodError(ValueError):
    pass


def parse_period(value: str | None, *, start: str | None = None, end: str | None = None, today=None) -> Period:
    """``YYYY-MM`` | ``YYYY-Qn`` | ``YYYY`` | custom ``start``/``end`` dates (inclusive end);
    nothing → the last complete month (the current one is still filling). Raises
    :class:`PeriodError` with a Chinese message."""
    today = today or local_today()
    value = (value or "").strip()
    if start or end:
        try:
            first = dt.date.fromisoformat(start or "")
            last = dt.date.fromisoformat(end or "")
        except ValueError:
            raise PeriodError(_("自定义区间的起止日期格式应为 YYYY-MM-DD。")) from None
        if last < first:
            raise PeriodError(_("结束日期不能早于开始日期。"))
        if (last - first).days > 3660:
            raise PeriodError(_("自定义区间最长十年。"))
        return Period(first, last + dt.timedelta(days=1), f"{first}..{last}", "custom")
    if not value:
        return last_complete_month(today)
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return month_period(year, month)
    match = re.fullmatch(r"(\d{4})-?[Qq]([1-4])", value)
    if match and 2000 <= int(match[1]) <= 2100:
        return quarter_period(int(match[1]), int(match[2]))
    match = re.fullmatch(r"(\d{4})", value)
    if match and 2000 <= int(match[1]) <= 2100:
        return year_period(int(match[1]))
    raise PeriodError(_("统计周期格式应为 YYYY-MM（月）、YYYY-Qn（季度）或 YYYY（年）。"))


# ------------------------------------------------------------------------------------------ metrics


def _upheld_current_rating():
    return Exists(
        Appeal.objects.filter(
            issue=OuterRef("pk"), status=AppealStatus.UPHELD, rating__round=OuterRef("reopen_count") + 1
        )
    )


def metric_filters() -> dict[str, Q]:
    """The condition behind each drill-down number (the same the aggregation counts)."""
    rated = Q(rating__isnull=False) & ~_upheld_current_rating()
    return {
        "received": Q(),
        "accepted": Q(accepted_on_time__isnull=False),
        "accepted_on_time": Q(accepted_on_time=True),
        "accepted_late": Q(accepted_on_time=False),
        "replied": Q(replied_on_time__isnull=False),
        "replied_on_time": Q(replied_on_time=True),
        "replied_late": Q(replied_on_time=False),
        "closed": Q(status=IssueStatus.CLOSED),
        "followed_up": Q(followup_count__gt=0) & Q(replied_on_time__isnull=False),
        "not_followed_up": Q(followup_count=0) & Q(replied_on_time__isnull=False),
        "rated": rated,
        "satisfied": rated & Q(rating__gte=4),
        "unsatisfied": rated & Q(rating__lte=3),
        "follow_up_rated": Q(follow_up_satisfaction__isnull=False),
        "follow_up_satisfied": Q(follow_up_satisfaction__gte=4),
        "reopened": Q(reopen_count__gt=0),
        "returned": Q(returns_count__gt=0),
        "extended": Q(extensions_count__gt=0),
        # was or is late: the sweep's record, a late reply or a step late now (sweep or not)
        "overdue": ever_overdue_condition(),
    }


METRIC_LABELS = {
    "received": "受理问题",
    "accepted_late": "超时签收",
    "replied_late": "超时答复",
    "closed": "已办结",
    "not_followed_up": "未回访",
    "satisfied": "满意",
    "unsatisfied": "不满意",
    "reopened": "重办",
    "returned": "有退回",
    "extended": "有延期",
    "overdue": "曾超期",
}


def cohort_in(ranges: list[tuple[dt.date, dt.date]]):
    """The problems counted for the days in ``ranges`` (half-open [start, end) date pairs): first
    dispatched on one of those days, with a lead department, not withdrawn."""
    within = Q()
    for start, end in ranges:
        within |= Q(
            first_dispatched_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=TZ),
            first_dispatched_at__lt=dt.datetime.combine(end, dt.time.min, tzinfo=TZ),
        )
    return Issue.objects.filter(within, lead_department__isnull=False).exclude(status=IssueStatus.WITHDRAWN)


def cohort(period: Period):
    """The problems a period counts (first dispatched inside it, not withdrawn)."""
    return cohort_in([(period.start, period.end)])


@dataclass
class Row:
    key: int
    name: str
    received: int = 0
    accepted: int = 0
    accepted_on_time: int = 0
    replied: int = 0
    replied_on_time: int = 0
    closed: int = 0
    followed_up: int = 0
    rated: int = 0
    satisfied: int = 0
    rating_sum: int = 0
    follow_up_rated: int = 0
    follow_up_satisfied: int = 0
    reopened: int = 0
    returns: int = 0
    extensions: int = 0
    # working days first dispatch → reply / → 办结, summed over that many problems (the means' parts)
    reply_days: int = 0
    reply_count: int = 0
    close_days: int = 0
    close_count: int = 0
    mean_days_to_reply: float | None = None
    mean_days_to_close: float | None = None
    rank: int | None = None
    insufficient_sample: bool = False
    previous_rank: int | None = None
    last_twice: bool = False
    extra: dict = field(default_factory=dict)

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def on_time_accept_rate(self):
        return self._rate(self.accepted_on_time, self.accepted)

    @property
    def on_time_reply_rate(self):
        return self._rate(self.replied_on_time, self.replied)

    @property
    def closure_rate(self):
        return self._rate(self.closed, self.received)

    @property
    def follow_up_rate(self):
        return self._rate(self.followed_up, self.replied)

    @property
    def satisfaction_rate(self):
        return self._rate(self.satisfied, self.rated)

    @property
    def mean_rating(self):
        return self.rating_sum / self.rated if self.rated else None

    @property
    def ratings_count(self) -> int:
        return self.rated

    @property
    def follow_up_satisfaction_rate(self):
        return self._rate(self.follow_up_satisfied, self.follow_up_rated)

    @property
    def follow_up_ratings_count(self) -> int:
        return self.follow_up_rated

    @property
    def reopen_rate(self):
        return self._rate(self.reopened, self.received)

    @property
    def score(self) -> float:
        total = sum(weight * (getattr(self, name) or 0) for name, weight in WEIGHTS.items())
        return round(total - REOPEN_PENALTY * (self.reopen_rate or 0), 2)

    @property
    def arrow(self) -> str:
        """up / down / same / new — the rank against the previous period (smaller is better)."""
        if self.rank is None or self.previous_rank is None:
            return "new"
        if self.rank < self.previous_rank:
            return "up"
        if self.rank > self.previous_rank:
            return "down"
        return "same"


GROUPINGS = {"department": "lead_department_id", "region": "lead_department__region_id"}
EVENT_GROUPINGS = {"department": "department_id", "region": "department__region_id"}


def _rank(rows: dict[int, Row], min_sample: int) -> list[Row]:
    """Competition ranking by score among the groups with at least ``min_sample`` problems: equal
    scores share a rank and the next rank skips (1, 2, 2, 4). Returns the ranked rows in order."""
    ranked = sorted(
        (row for row in rows.values() if row.received >= min_sample), key=lambda r: (-r.score, -r.received, r.key)
    )
    for position, row in enumerate(ranked, start=1):
        previous = ranked[position - 2] if position > 1 else None
        row.rank = previous.rank if previous is not None and previous.score == row.score else position
    for row in rows.values():
        row.insufficient_sample = 0 < row.received < min_sample
    return ranked


def _last_place(ranked: list[Row]) -> set[int]:
    """The keys holding the last rank (alone or tied); nobody is last when all share one rank."""
    if not ranked or ranked[-1].rank == 1:
        return set()
    return {row.key for row in ranked if row.rank == ranked[-1].rank}


@dataclass
class Ranking:
    period: Period
    previous: Period
    by: str
    rows: list[Row]  # ranked rows (by rank), then too few problems (样本不足), then no problems received
    min_sample: int = 5
    as_of: dt.datetime | None = None  # the figures count every change committed before this moment
    rollup_refreshed_at: dt.datetime | None = None  # the daily rollup's last refresh (None: counted raw)

    @property
    def ranked(self) -> list[Row]:
        return [row for row in self.rows if row.rank is not None]

    @property
    def totals(self) -> Row:
        total = Row(key=0, name=_("合计"))
        for row in self.rows:
            for name in [
                "received",
                "accepted",
                "accepted_on_time",
                "replied",
                "replied_on_time",
                "closed",
                "followed_up",
                "rated",
                "satisfied",
                "rating_sum",
                "follow_up_rated",
                "follow_up_satisfied",
                "reopened",
                "returns",
                "extensions",
            ]:
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total


def ranking(*, period: Period, by: str = "department", filters: dict | None = None) -> Ranking:
    """The evaluation of ``period`` grouped ``by`` department or region, ranked, with arrows against
    the previous period and the "last place two periods running" flag."""
    if by not in GROUPINGS:
        raise PeriodError(_("分组方式应为 department 或 region。"))
    from insights import rollups

    filters = filters or {}
    region = filters.get("region")
    min_sample = IssueSettings.current().ranking_min_sample
    as_of = timezone.now()
    previous_period = period.previous()
    state = rollups.usable_state()
    dirty = rollups.dirty_days(state, previous_period.start, period.end) if state is not None else set()
    current = rollups.period_rows(period, by=by, region=region, with_days=True, state=state, dirty=dirty)
    previous = rollups.period_rows(previous_period, by=by, region=region, with_days=False, state=state, dirty=dirty)
    ranked = _rank(current, min_sample)
    _rank(previous, min_sample)
    last_now = _last_place(ranked)
    last_before = _last_place(sorted((r for r in previous.values() if r.rank), key=lambda r: (r.rank, r.key)))
    for row in ranked:
        prior = previous.get(row.key)
        row.previous_rank = prior.rank if prior else None
        row.last_twice = row.key in last_now and row.key in last_before
    thin = sorted((row for row in current.values() if row.insufficient_sample), key=lambda r: (-r.score, r.key))
    others = sorted((row for row in current.values() if not row.received), key=lambda r: r.key)
    rows = ranked + thin + others
    model = Department if by == "department" else Region
    names = {obj.pk: localized_name(obj) for obj in model.objects.filter(pk__in=[row.key for row in rows])}
    for row in rows:
        row.name = names.get(row.key, "—")
    return Ranking(
        period=period,
        previous=previous_period,
        by=by,
        rows=rows,
        min_sample=min_sample,
        as_of=as_of,
        rollup_refreshed_at=state.refreshed_at if state is not None else None,
    )


def drilldown(*, period: Period, by: str, key: int, metric: str):
    """The problems behind one number of the ranking (staff only)."""
    conditions = metric_filters()
    if metric not in conditions or by not in GROUPINGS:
        raise PeriodError(_("未知的统计指标。"))
    qs = cohort(period).filter(**{GROUPINGS[by]: key}).filter(conditions[metric])
    return qs.select_related("enterprise", "lead_department", "category").order_by(F("first_dispatched_at").asc(), "id")
