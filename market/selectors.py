"""Reads of the market app (DESIGN.md rule 2): slot arithmetic, queues and the published figures."""

import datetime as dt
import hashlib
import re
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from market.choices import HOLDING_STATUSES, BookingStatus, BookingUnit, IntermediaryStatus, ServiceType
from market.models import Facility, FacilityBooking, Intermediary, Purchase
from portal.models.enterprises import enterprise_ids_for


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def unit_length(unit: str) -> dt.timedelta:
    return dt.timedelta(hours=12) if unit == BookingUnit.HALF_DAY else dt.timedelta(days=1)


def is_aligned(moment: dt.datetime, unit: str) -> bool:
    """Day bookings run midnight to midnight (local time); half-day bookings start at 00:00 or 12:00."""
    local = moment.astimezone(local_tz())
    allowed_hours = {0, 12} if unit == BookingUnit.HALF_DAY else {0}
    return local.hour in allowed_hours and local.minute == 0 and local.second == 0 and local.microsecond == 0


def peak_overlap(periods, start: dt.datetime, end: dt.datetime) -> int:
    """The largest number of ``periods`` (start, end) running at one moment inside [start, end)."""
    events = []
    for p_start, p_end in periods:
        s, e = max(p_start, start), min(p_end, end)
        if s < e:
            events += [(s, 1), (e, -1)]
    peak = running = 0
    for _moment, delta in sorted(events, key=lambda ev: (ev[0], ev[1])):
        running += delta
        peak = max(peak, running)
    return peak


def holding_periods(facility_id: int, start: dt.datetime, end: dt.datetime, exclude_id: int | None = None) -> list:
    rows = FacilityBooking.objects.filter(
        facility_id=facility_id, status__in=HOLDING_STATUSES, start__lt=end, end__gt=start
    ).exclude(pk=exclude_id)
    return list(rows.values_list("start", "end"))


def slot_free(facility: Facility, start: dt.datetime, end: dt.datetime, exclude_id: int | None = None) -> bool:
    """Whether one of the facility's parallel slots is free for the whole period."""
    return peak_overlap(holding_periods(facility.pk, start, end, exclude_id), start, end) < facility.capacity


def estimated_start(facility: Facility, start: dt.datetime, end: dt.datetime) -> dt.datetime | None:
    """The earliest moment from ``start`` at which a period of the same length would find a free slot,
    given the bookings holding slots now: the requested start or the end of one of them."""
    length = end - start
    rows = FacilityBooking.objects.filter(facility_id=facility.pk, status__in=HOLDING_STATUSES, end__gt=start)
    periods = list(rows.values_list("start", "end"))
    for candidate in sorted({start, *(p_end for _s, p_end in periods)}):
        if peak_overlap(periods, candidate, candidate + length) < facility.capacity:
            return candidate
    return None


def queue_position_subquery():
    """1-based place of a queued booking in its facility's queue (order of queueing, then id)."""
    ahead = FacilityBooking.objects.filter(facility_id=OuterRef("facility_id"), status=BookingStatus.QUEUED).filter(
        Q(queued_at__lt=OuterRef("queued_at")) | Q(queued_at=OuterRef("queued_at"), pk__lt=OuterRef("pk"))
    )
    return Coalesce(Subquery(ahead.values("facility_id").annotate(n=Count("pk")).values("n")[:1]), 0) + 1


def queue(facility_id: int) -> list[FacilityBooking]:
    return list(
        FacilityBooking.objects.filter(facility_id=facility_id, status=BookingStatus.QUEUED).order_by("queued_at", "pk")
    )


def queue_position(booking: FacilityBooking) -> int | None:
    if booking.status != BookingStatus.QUEUED:
        return None
    ahead = FacilityBooking.objects.filter(facility_id=booking.facility_id, status=BookingStatus.QUEUED).filter(
        Q(queued_at__lt=booking.queued_at) | Q(queued_at=booking.queued_at, pk__lt=booking.pk)
    )
    return ahead.count() + 1


def booking_list(*, user):
    return (
        FacilityBooking.objects.visible_to(user)
        .select_related("facility", "enterprise")
        .annotate(position=queue_position_subquery())
        .order_by("-created_at", "-id")
    )


def facility_list():
    return Facility.objects.active().select_related("owner_department", "owner_enterprise", "region")


def facility_stats(facilities, *, now: dt.datetime | None = None, days: int = 30) -> dict[int, dict]:
    """Published per facility (two queries for any number of facilities):

    - ``utilisation``: slot time held by confirmed/approved bookings in the last ``days`` days, divided by
      capacity × the window (percent, two decimals);
    - ``queue_length``: bookings waiting now;
    - ``average_wait_days``: for bookings that waited and then got a slot, mean days from queueing to
      confirmation (all time); ``None`` when none has waited.
    """
    now = now or timezone.now()
    window_start = now - dt.timedelta(days=days)
    ids = [f.pk for f in facilities]
    held: dict[int, dt.timedelta] = defaultdict(dt.timedelta)
    rows = FacilityBooking.objects.filter(
        facility_id__in=ids, status__in=HOLDING_STATUSES, start__lt=now, end__gt=window_start
    ).values_list("facility_id", "start", "end")
    for facility_id, start, end in rows:
        held[facility_id] += min(end, now) - max(start, window_start)
    queued: dict[int, int] = defaultdict(int)
    waits: dict[int, list] = defaultdict(list)
    rows = FacilityBooking.objects.filter(facility_id__in=ids, queued_at__isnull=False).values_list(
        "facility_id", "status", "queued_at", "confirmed_at"
    )
    for facility_id, status, queued_at, confirmed_at in rows:
        if status == BookingStatus.QUEUED:
            queued[facility_id] += 1
        if confirmed_at is not None:
            waits[facility_id].append(confirmed_at - queued_at)
    window = dt.timedelta(days=days)
    stats = {}
    for facility in facilities:
        share = held[facility.pk] / (window * facility.capacity)
        wait = waits[facility.pk]
        stats[facility.pk] = {
            "utilisation": Decimal(share * 100).quantize(Decimal("0.01")),
            "queue_length": queued[facility.pk],
            "average_wait_days": (
                Decimal(sum(wait, dt.timedelta()) / len(wait) / dt.timedelta(days=1)).quantize(Decimal("0.1"))
                if wait
                else None
            ),
        }
    return stats


# --- the 中介超市 ----------------------------------------------------------------------------------------


def draw_winner(seed: str, quote_ids: list[int]) -> int:
    """The random draw, replayable by anyone from the published seed and candidate list: the candidates
    are the qualified quotes' ids in ascending order; the winner is the one at index
    ``int(sha256("<seed>:<id1>,<id2>,…"), 16) mod n``."""
    ordered = sorted(quote_ids)
    digest = hashlib.sha256(f"{seed}:{','.join(str(i) for i in ordered)}".encode()).hexdigest()
    return ordered[int(digest, 16) % len(ordered)]


def is_qualified(intermediary: Intermediary, service_type: str, on: dt.date, region_code: str = "") -> bool:
    """Verified, offering the service, holding a qualification for it not expired on ``on``, and serving
    the region (when it lists regions). Uses prefetched qualifications when there are any."""
    if intermediary.status != IntermediaryStatus.VERIFIED or service_type not in intermediary.service_types:
        return False
    if region_code and intermediary.service_regions:
        prefixes = [code.rstrip("0") or code for code in intermediary.service_regions]
        if not any(region_code.startswith(prefix) for prefix in prefixes):
            return False
    return any(q.service_type == service_type and q.expires_on >= on for q in intermediary.qualifications.all())


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(local_tz()).date()


def intermediary_list():
    return Intermediary.objects.verified()


def purchase_list(*, user):
    return (
        Purchase.objects.visible_to(user)
        .select_related("enterprise", "winning_quote__intermediary")
        .annotate(quote_count=Count("quotes", distinct=True))
        .order_by("-created_at", "-id")
    )


def purchase_results():
    return (
        Purchase.objects.results()
        .select_related("enterprise", "winning_quote__intermediary")
        .annotate(quote_count=Count("quotes", distinct=True))
        .order_by("-selected_at", "-id")
    )


def parse_period(period: str) -> tuple[dt.date, dt.date]:
    """``2026`` (a year), ``2026-Q3`` (a quarter) or ``2026-07`` (a month) → [first day, day after)."""
    match = re.fullmatch(r"(\d{4})(?:-(?:Q([1-4])|(0[1-9]|1[0-2])))?", (period or "").strip())
    if not match:
        raise ValueError(period)
    year = int(match.group(1))
    if match.group(2):
        first = dt.date(year, 3 * int(match.group(2)) - 2, 1)
        months = 3
    elif match.group(3):
        first, months = dt.date(year, int(match.group(3)), 1), 1
    else:
        first, months = dt.date(year, 1, 1), 12
    month_index = first.month - 1 + months
    return first, dt.date(year + month_index // 12, month_index % 12 + 1, 1)


def _rate(saved: Decimal, budget: Decimal) -> Decimal | None:
    return (saved / budget * 100).quantize(Decimal("0.01")) if budget else None


def intermediary_stats(period: str) -> dict:
    """节约资金 and 节约率 of the purchases contracted in ``period`` (signing date, Asia/Shanghai): budget total,
    contract total, saved = budget − contract, saving rate = saved ÷ budget (percent); overall and per
    service type. Only contracted purchases count: a failed or cancelled purchase saved nothing."""
    first, after = parse_period(period)
    tz = local_tz()
    start = dt.datetime.combine(first, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(after, dt.time(), tzinfo=tz)
    rows = (
        Purchase.objects.filter(contracted_at__gte=start, contracted_at__lt=end, contract_price__isnull=False)
        .values("service_type")
        .annotate(count=Count("pk"), budget_total=Sum("budget"), contract_total=Sum("contract_price"))
        .order_by("service_type")
    )
    labels = dict(ServiceType.choices)
    by_type = []
    total_budget = total_contract = Decimal(0)
    count = 0
    for row in rows:
        saved = row["budget_total"] - row["contract_total"]
        total_budget += row["budget_total"]
        total_contract += row["contract_total"]
        count += row["count"]
        by_type.append(
            {
                "service_type": row["service_type"],
                "label": str(labels.get(row["service_type"], row["service_type"])),
                "count": row["count"],
                "budget_total": row["budget_total"],
                "contract_total": row["contract_total"],
                "saved": saved,
                "saving_rate": _rate(saved, row["budget_total"]),
            }
        )
    saved = total_budget - total_contract
    return {
        "period": period,
        "count": count,
        "budget_total": total_budget,
        "contract_total": total_contract,
        "saved": saved,
        "saving_rate": _rate(saved, total_budget),
        "by_service_type": by_type,
    }


def quotes_visible(*, user, purchase: Purchase) -> list:
    """Quotes are sealed until the deadline: an intermediary's member sees their own quote only; the
    purchasing enterprise and staff see every quote once quoting has closed."""
    quotes = list(purchase.quotes.select_related("intermediary"))
    closed = purchase.status != "open" or timezone.now() >= purchase.quote_deadline
    if user.is_portal_staff or purchase.enterprise_id in set(enterprise_ids_for(user)):
        return quotes if closed else []
    mine = set(user.intermediaries.values_list("pk", flat=True))
    return [q for q in quotes if q.intermediary_id in mine]
