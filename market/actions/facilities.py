"""Facility booking: book (a slot or the queue), approve, decline, cancel; the queue moves after every
freed slot. Every action that takes or frees a slot first takes the facility's lock row
(:func:`_lock_facility`), so two bookings of the last slot at once give exactly one confirmation."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from market import selectors
from market.choices import HOLDING_STATUSES, BookingStatus
from market.models import Facility, FacilityBooking
from market.workflow import BOOKING
from portal.audit import audit_record
from portal.choices import MembershipStatus
from portal.exceptions import ActionError, PermissionDeniedError, TransitionNotAllowed
from portal.models import Enterprise, Membership, User
from portal.models.enterprises import enterprise_ids_for
from portal.notifications import notify
from portal.permissions import is_enterprise_user
from portal.statemachine import apply_transition


def _lock_facility(facility_id: int) -> Facility:
    """Take the per-facility lock: an UPDATE of its row (PostgreSQL holds the row lock until commit; SQLite
    runs immediate transactions, one writer at a time), then read the facility fresh."""
    Facility.objects.filter(pk=facility_id).update(lock_version=F("lock_version") + 1)
    return Facility.objects.get(pk=facility_id)


def _members(enterprise_id: int) -> list[User]:
    rows = Membership.objects.filter(enterprise_id=enterprise_id, status=MembershipStatus.VERIFIED)
    return [m.user for m in rows.select_related("user")]


def _owners(facility: Facility) -> list[User]:
    if facility.owner_enterprise_id:
        return _members(facility.owner_enterprise_id)
    return list(User.objects.filter(department_id=facility.owner_department_id, is_active=True))


def _url() -> str:
    return reverse("market:bookings")


def check_eligibility(facility: Facility, enterprise: Enterprise) -> None:
    """Raise an ActionError naming the first eligibility rule the enterprise does not meet."""
    if facility.eligible_region_id:
        prefix = facility.eligible_region.code.rstrip("0") or facility.eligible_region.code
        if not enterprise.region.code.startswith(prefix):
            raise ActionError(
                {"facility": _("该设施仅向注册在%(region)s的企业开放。") % {"region": facility.eligible_region.name}}
            )
    if facility.eligible_size_classes and enterprise.size_class not in facility.eligible_size_classes:
        raise ActionError({"facility": _("该设施不向您企业所属规模的企业开放。")})
    if (
        facility.eligible_certification
        and not enterprise.certifications.filter(code=facility.eligible_certification).exists()
    ):
        raise ActionError(
            {
                "facility": _("该设施仅向持有“%(cert)s”资质的企业开放。")
                % {"cert": facility.get_eligible_certification_display()}
            }
        )


def _validate_period(facility: Facility, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> int:
    if start is None or end is None:
        raise ActionError({"start": _("请填写开始和结束时间。")})
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ActionError({"start": _("时间须带时区。")})
    if end <= start:
        raise ActionError({"end": _("结束时间须晚于开始时间。")})
    if start < now:
        raise ActionError({"start": _("不能预约已经过去的时间。")})
    if not (selectors.is_aligned(start, facility.unit) and selectors.is_aligned(end, facility.unit)):
        if facility.unit == "half_day":
            raise ActionError({"start": _("该设施按半天预约：开始和结束须在 0:00 或 12:00。")})
        raise ActionError({"start": _("该设施按天预约：开始和结束须在当天 0:00。")})
    units = (end - start) // selectors.unit_length(facility.unit)
    if units > facility.max_units:
        raise ActionError(
            {"end": _("单次最多预约 %(max)d 个单位，您申请了 %(n)d 个。") % {"max": facility.max_units, "n": units}}
        )
    return units


@transaction.atomic
def booking_create(
    *,
    actor: User,
    facility: Facility,
    start: dt.datetime,
    end: dt.datetime,
    enterprise: Enterprise | None = None,
    purpose: str = "",
    now: dt.datetime | None = None,
) -> FacilityBooking:
    """An enterprise member books a period: confirmed if a slot is free for the whole period, otherwise
    queued (its position and an estimated start are shown)."""
    now = now or timezone.now()
    if not is_enterprise_user(actor):
        raise PermissionDeniedError(_("只有企业用户可以预约设施。"))
    own = enterprise_ids_for(actor)
    if enterprise is None and len(own) == 1:
        enterprise = Enterprise.objects.get(pk=own[0])
    if enterprise is None:
        raise ActionError({"enterprise": _("请选择预约的企业。")})
    if enterprise.pk not in own:
        raise PermissionDeniedError(_("您不是该企业的已核验成员，不能代表该企业预约。"))
    if not facility.is_active:
        raise ActionError({"facility": _("该设施暂不开放预约。")})
    units = _validate_period(facility, start, end, now)
    check_eligibility(facility, enterprise)
    facility = _lock_facility(facility.pk)
    free = selectors.slot_free(facility, start, end)
    booking = FacilityBooking(
        facility=facility,
        enterprise=enterprise,
        booked_by=actor,
        start=start,
        end=end,
        units=units,
        purpose=(purpose or "").strip()[:200],
        status=BookingStatus.CONFIRMED if free else BookingStatus.QUEUED,
        created_at=now,
        confirmed_at=now if free else None,
        queued_at=None if free else now,
        estimated_start=None if free else selectors.estimated_start(facility, start, end),
    )
    booking.full_clean()
    booking.save()
    audit_record(
        actor=actor,
        action=f"market.booking.{booking.status}",
        target=booking,
        data={"facility": facility.pk, "start": start.isoformat(), "end": end.isoformat()},
    )
    notify(
        recipients=_owners(facility),
        kind="market.booking.new",
        title=_("【设施预约】%(enterprise)s 预约 %(facility)s") % {"enterprise": enterprise.name, "facility": facility},
        url=_url(),
    )
    return booking


def _promote_queue(
    facility: Facility, *, actor: User, now: dt.datetime, queue_changed: bool = False
) -> list[FacilityBooking]:
    """After a slot is freed: queued bookings, in queue order, get a slot where one is now free for their
    whole period; those still waiting get their new position and estimated start. Caller holds the lock."""
    promoted = []
    waiting = []
    for booking in selectors.queue(facility.pk):
        if selectors.slot_free(facility, booking.start, booking.end):
            apply_transition(
                booking,
                to_status=BookingStatus.CONFIRMED,
                allowed_from={BookingStatus.QUEUED},
                actor=actor,
                action="market.booking.promoted",
                changes={"confirmed_at": now, "estimated_start": None},
            )
            promoted.append(booking)
            notify(
                recipients=_members(booking.enterprise_id),
                kind="market.booking.promoted",
                title=_("【设施预约】排队已转为确认：%(booking)s") % {"booking": booking},
                url=_url(),
            )
        else:
            waiting.append(booking)
    if promoted or queue_changed:
        for position, booking in enumerate(waiting, start=1):
            estimate = selectors.estimated_start(facility, booking.start, booking.end)
            FacilityBooking.objects.filter(pk=booking.pk).update(estimated_start=estimate)
            notify(
                recipients=_members(booking.enterprise_id),
                kind="market.booking.queue_moved",
                title=_("【设施预约】排队前移，当前第 %(position)d 位：%(booking)s")
                % {"position": position, "booking": booking},
                url=_url(),
            )
    return promoted


@transaction.atomic
def booking_transition(
    *, actor: User, booking: FacilityBooking, event: str, reason: str = "", now: dt.datetime | None = None
) -> FacilityBooking:
    """The one transition function of bookings: approve, decline (with a reason), cancel. A declined or
    cancelled booking that held a slot moves the queue."""
    now = now or timezone.now()
    move = BOOKING.moves.get(event)
    if move is None:
        raise TransitionNotAllowed()
    if not move.allowed(actor, booking):
        raise PermissionDeniedError()
    reason = (reason or "").strip()
    if move.needs_input and not reason:
        raise ActionError({"reason": _("请填写理由。")})
    facility = _lock_facility(booking.facility_id)
    held_slot = booking.status in HOLDING_STATUSES
    changes = {"reason": reason[:300]}
    if event == "approve":
        changes |= {"decided_by": actor, "decided_at": now}
    elif event == "decline":
        changes |= {"decided_by": actor, "decided_at": now, "closed_at": now}
    else:
        changes |= {"closed_at": now}
    apply_transition(
        booking,
        to_status=move.target,
        allowed_from=move.sources,
        actor=actor,
        action=f"market.booking.{event}",
        changes=changes,
        data={"reason": reason} if reason else None,
    )
    recipients = _members(booking.enterprise_id) if event != "cancel" else _owners(facility)
    notify(
        recipients=recipients,
        kind=f"market.booking.{event}",
        title=_("【设施预约】%(status)s：%(booking)s") % {"status": booking.get_status_display(), "booking": booking},
        body=reason,
        url=_url(),
    )
    if move.target in {BookingStatus.DECLINED, BookingStatus.CANCELLED}:
        _promote_queue(facility, actor=actor, now=now, queue_changed=not held_slot)
    return booking


@transaction.atomic
def facility_save(*, actor: User, facility: Facility) -> Facility:
    """Create or edit a facility (back office); audited."""
    created = facility.pk is None
    facility.full_clean()
    facility.save()
    audit_record(
        actor=actor, action="market.facility.created" if created else "market.facility.changed", target=facility
    )
    return facility


def facility_admin_save(*, actor: User, instance: Facility, form, formsets=(), change: bool) -> Facility:
    """The back office's save of a facility (its change form has no inline rows)."""
    return facility_save(actor=actor, facility=instance)


def bookings_expire_stale(*, now: dt.datetime | None = None) -> int:
    """Scheduled: a booking still queued when its period has begun will not get a slot any more; it is
    closed (cancelled, with the reason) and its enterprise told. Each in its own transaction."""
    now = now or timezone.now()
    closed = 0
    for booking in FacilityBooking.objects.filter(status=BookingStatus.QUEUED, start__lte=now):
        with transaction.atomic():
            _lock_facility(booking.facility_id)
            reason = _("排队期间预约开始时间已过，未能安排。")
            try:
                apply_transition(
                    booking,
                    to_status=BookingStatus.CANCELLED,
                    allowed_from={BookingStatus.QUEUED},
                    actor=None,
                    action="market.booking.expired",
                    changes={"closed_at": now, "reason": reason},
                )
            except TransitionNotAllowed:  # promoted or cancelled meanwhile
                continue
            notify(
                recipients=_members(booking.enterprise_id),
                kind="market.booking.expired",
                title=_("【设施预约】%(booking)s：%(reason)s") % {"booking": booking, "reason": reason},
                url=_url(),
            )
            closed += 1
    return closed
