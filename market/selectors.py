"""Reads of the market app (DESIGN.md rule 2): slot arithmetic, queues and the published figures."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from market.choices import HOLDING_STATUSES, BookingStatus, BookingUnit
from market.models import Facility, FacilityBooking


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
