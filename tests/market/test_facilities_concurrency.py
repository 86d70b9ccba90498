"""Two enterprises booking the last slot at the same moment, in their own threads and connections: exactly
one is confirmed, the other queued. Runs on SQLite (immediate transactions) and on PostgreSQL (the
per-facility lock row)."""

import pytest

from market import actions
from market.choices import BookingStatus
from market.models import Facility, FacilityBooking
from tests.concurrency import race
from tests.market.factories import FacilityFactory, day
from tests.portal.factories import EnterpriseFactory, UserFactory, member_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_bookings_of_the_last_slot_at_once_confirm_exactly_one(department):
    # given a facility with two slots, one already taken
    facility = FacilityFactory(owner_department=department, capacity=2)
    start, end = day(2036, 12, 10), day(2036, 12, 12)
    users = [member_of(EnterpriseFactory(), user=UserFactory()) for _ in range(3)]
    actions.booking_create(actor=users[0], facility=facility, start=start, end=end)

    def booking_by(user):
        return lambda: (
            actions.booking_create(
                actor=user, facility=Facility.objects.get(pk=facility.pk), start=start, end=end
            ).status
        )

    for _round in range(3):
        # when two enterprises book the last slot at the same moment
        outcomes = race(booking_by(users[1]), booking_by(users[2]))
        # then exactly one is confirmed and the other queued
        assert sorted(outcomes) == [BookingStatus.CONFIRMED, BookingStatus.QUEUED], outcomes
        held = FacilityBooking.objects.filter(facility=facility, status=BookingStatus.CONFIRMED)
        assert held.count() == 2
        # (reset the round: the two new bookings go)
        FacilityBooking.objects.filter(facility=facility).exclude(booked_by=users[0]).delete()
