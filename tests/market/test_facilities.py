"""Facility booking rules: a free slot confirms, a full facility queues with position and estimated
start, the owner decides, cancelling moves the queue with notices, published figures recount."""

import datetime as dt

import pytest

from market import actions, selectors
from market.choices import BookingStatus, BookingUnit
from market.models import FacilityBooking
from portal.choices import Certification
from portal.exceptions import ActionError, PermissionDeniedError, TransitionNotAllowed
from portal.models import AuditLog, EnterpriseCertification, Notification
from tests.market.factories import FacilityFactory, day
from tests.portal.factories import EnterpriseFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


def book(user, facility, start, end, **kwargs):
    return actions.booking_create(actor=user, facility=facility, start=start, end=end, **kwargs)


def members(n):
    return [member_of(EnterpriseFactory(), user=UserFactory()) for _ in range(n)]


def test_a_free_slot_confirms_and_a_full_facility_queues_with_position_and_estimate(facility, period):
    # given a facility with two parallel slots
    first, second, third, fourth = members(4)
    start, end = period
    # when three enterprises book the same two days
    a = book(first, facility, start, end)
    b = book(second, facility, start, end)
    c = book(third, facility, start, end)
    d = book(fourth, facility, start, end)
    # then the first two get a slot, the others queue in order, starting when a slot frees (12 Dec)
    assert [a.status, b.status] == [BookingStatus.CONFIRMED, BookingStatus.CONFIRMED]
    assert [c.status, d.status] == [BookingStatus.QUEUED, BookingStatus.QUEUED]
    assert [selectors.queue_position(c), selectors.queue_position(d)] == [1, 2]
    assert c.estimated_start == end
    assert a.units == 2
    assert AuditLog.objects.filter(action="market.booking.queued").count() == 2


def test_a_slot_must_be_free_for_the_whole_period(department):
    # given a single-slot instrument booked on the 11th
    facility = FacilityFactory(owner_department=department, capacity=1)
    first, second = members(2)
    book(first, facility, day(2036, 12, 11), day(2036, 12, 12))
    # when another enterprise books the 10th to the 13th
    booking = book(second, facility, day(2036, 12, 10), day(2036, 12, 13))
    # then it queues, and the estimate is the day the other booking ends
    assert booking.status == BookingStatus.QUEUED
    assert booking.estimated_start == day(2036, 12, 12)


def test_half_day_bookings_use_noon_boundaries(department):
    facility = FacilityFactory(owner_department=department, unit=BookingUnit.HALF_DAY, max_units=3)
    (member,) = members(1)
    booking = book(member, facility, day(2036, 12, 10, 12), day(2036, 12, 11, 0))
    assert booking.units == 1 and booking.status == BookingStatus.CONFIRMED
    with pytest.raises(ActionError, match="半天"):
        book(member, facility, day(2036, 12, 10, 9), day(2036, 12, 10, 12))


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (day(2036, 12, 10, 8), day(2036, 12, 11), "0:00"),
        (day(2036, 12, 12), day(2036, 12, 10), "晚于"),
        (day(2036, 12, 1), day(2036, 12, 20), "最多预约 10 个单位"),
        (day(2020, 1, 1), day(2020, 1, 2), "过去"),
    ],
)
def test_bad_periods_are_refused_and_change_nothing(facility, member, start, end, message):
    with pytest.raises(ActionError, match=message):
        book(member, facility, start, end)
    assert FacilityBooking.objects.count() == 0


def test_eligibility_rules(department, member, enterprise, period):
    # given a facility only for 高新技术企业 of 湖州 that are small or micro
    facility = FacilityFactory(
        owner_department=department,
        eligible_certification=Certification.HIGH_TECH,
        eligible_size_classes=["small", "micro"],
    )
    enterprise.size_class = "small"
    enterprise.save()
    # then an enterprise without the certification is refused, with the rule named
    with pytest.raises(ActionError, match="高新技术企业"):
        book(member, facility, *period)
    EnterpriseCertification.objects.create(enterprise=enterprise, code=Certification.HIGH_TECH)
    assert book(member, facility, *period).status == BookingStatus.CONFIRMED
    enterprise.size_class = "large"
    enterprise.save()
    with pytest.raises(ActionError, match="规模"):
        book(member, facility, *period)


def test_only_enterprise_members_book(facility, handler, period):
    with pytest.raises(PermissionDeniedError):
        book(handler, facility, *period)


def test_cancelling_frees_the_slot_and_moves_the_queue_with_notices(facility, period):
    # given two slots taken and two bookings queued
    holders = members(2)
    waiting = members(2)
    held = [book(user, facility, *period) for user in holders]
    queued = [book(user, facility, *period) for user in waiting]
    Notification.objects.all().delete()
    # when one holder cancels
    actions.booking_transition(actor=holders[0], booking=held[0], event="cancel")
    # then the first in the queue gets the slot, the second moves up to position 1, each is told
    for booking in queued:
        booking.refresh_from_db()
    assert queued[0].status == BookingStatus.CONFIRMED and queued[0].confirmed_at is not None
    assert queued[1].status == BookingStatus.QUEUED and selectors.queue_position(queued[1]) == 1
    kinds = set(Notification.objects.values_list("recipient__username", "kind"))
    assert (waiting[0].username, "market.booking.promoted") in kinds
    assert (waiting[1].username, "market.booking.queue_moved") in kinds
    assert AuditLog.objects.filter(action="market.booking.promoted").count() == 1


def test_a_queued_booking_leaving_moves_the_others_up(facility, period):
    holders = members(2)
    waiting = members(2)
    for user in holders:
        book(user, facility, *period)
    queued = [book(user, facility, *period) for user in waiting]
    actions.booking_transition(actor=waiting[0], booking=queued[0], event="cancel")
    queued[1].refresh_from_db()
    assert queued[1].status == BookingStatus.QUEUED and selectors.queue_position(queued[1]) == 1


def test_the_owner_approves_or_declines_with_a_reason(facility, handler, other_handler, period):
    first, second = members(2)
    a = book(first, facility, *period)
    b = book(second, facility, *period)
    # a handler of another department is not the owner
    with pytest.raises(PermissionDeniedError):
        actions.booking_transition(actor=other_handler, booking=a, event="approve")
    # the member cannot approve their own booking
    with pytest.raises(PermissionDeniedError):
        actions.booking_transition(actor=first, booking=a, event="approve")
    actions.booking_transition(actor=handler, booking=a, event="approve")
    assert a.status == BookingStatus.APPROVED and a.decided_by == handler
    with pytest.raises(ActionError, match="理由"):
        actions.booking_transition(actor=handler, booking=b, event="decline")
    b.refresh_from_db()
    assert b.status == BookingStatus.CONFIRMED
    actions.booking_transition(actor=handler, booking=b, event="decline", reason="设备检修")
    assert b.status == BookingStatus.DECLINED and b.reason == "设备检修"
    with pytest.raises(TransitionNotAllowed):
        actions.booking_transition(actor=handler, booking=b, event="approve")
    assert AuditLog.objects.filter(action="market.booking.decline", data__reason="设备检修").count() == 1


def test_an_enterprise_owned_facility_is_decided_by_its_members(department, period):
    owner_enterprise = EnterpriseFactory(name="衢州某研究院")
    owner = member_of(owner_enterprise, user=UserFactory())
    facility = FacilityFactory(owner_department=None, owner_enterprise=owner_enterprise)
    (member,) = members(1)
    booking = book(member, facility, *period)
    actions.booking_transition(actor=owner, booking=booking, event="approve")
    assert booking.status == BookingStatus.APPROVED


def test_utilisation_and_waiting_time_recount_from_the_bookings(department):
    # given a one-slot facility, a 30-day window ending 31 December, 6 days held and one wait of 2 days
    facility = FacilityFactory(owner_department=department, capacity=1)
    first, second = members(2)
    booked_at = day(2036, 11, 20, 9)
    a = book(first, facility, day(2036, 12, 1), day(2036, 12, 4), now=booked_at)
    b = book(second, facility, day(2036, 12, 1), day(2036, 12, 4), now=booked_at)
    assert b.status == BookingStatus.QUEUED
    actions.booking_transition(actor=first, booking=a, event="cancel", now=day(2036, 11, 22, 9))
    book(first, facility, day(2036, 12, 10), day(2036, 12, 13), now=booked_at)
    stats = selectors.facility_stats([facility], now=day(2036, 12, 31), days=30)[facility.pk]
    # then 6 held days of 30 = 20 %, nobody waiting now, mean wait 2.0 days
    held = sum(
        (
            min(x.end, day(2036, 12, 31)) - max(x.start, day(2036, 12, 1))
            for x in FacilityBooking.objects.filter(
                facility=facility, status__in=[BookingStatus.CONFIRMED, BookingStatus.APPROVED]
            )
        ),
        dt.timedelta(),
    )
    assert held == dt.timedelta(days=6)
    assert str(stats["utilisation"]) == "20.00"
    assert stats["queue_length"] == 0
    assert str(stats["average_wait_days"]) == "2.0"


def test_a_booking_still_queued_when_its_period_begins_is_closed_with_a_notice(department):
    facility = FacilityFactory(owner_department=department, capacity=1)
    first, second = members(2)
    book(first, facility, day(2036, 12, 10), day(2036, 12, 11))
    queued = book(second, facility, day(2036, 12, 10), day(2036, 12, 11))
    assert actions.bookings_expire_stale(now=day(2036, 12, 9)) == 0
    assert actions.bookings_expire_stale(now=day(2036, 12, 10, 1)) == 1
    queued.refresh_from_db()
    assert queued.status == BookingStatus.CANCELLED and "开始时间已过" in queued.reason
    assert Notification.objects.filter(kind="market.booking.expired", recipient=second).exists()
    assert actions.bookings_expire_stale(now=day(2036, 12, 10, 1)) == 0
