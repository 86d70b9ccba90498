"""Two at once, in their own threads and connections: two enterprises booking the last slot (exactly one
confirmed, the other queued), two colleagues quoting for one intermediary (one quote kept). Runs on SQLite
(immediate transactions) and on PostgreSQL (the per-facility lock row, the unique quote)."""

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


def test_the_same_intermediary_quoting_twice_at_once_keeps_one_quote(member):
    from decimal import Decimal

    from market.models import Quote
    from portal.exceptions import ActionError
    from tests.market.factories import IntermediaryFactory, intermediary_member

    purchase = actions.purchase_create(
        actor=member,
        title="环评",
        service_type="eia",
        scope="s",
        budget=Decimal(100000),
        quote_deadline=day(2036, 3, 10),
        selection_method="lowest_price",
        now=day(2036, 3, 1),
    )
    firm = IntermediaryFactory()
    colleagues = [intermediary_member(firm), intermediary_member(firm)]

    def quoting(user, price):
        return lambda: actions.quote_submit(actor=user, purchase=purchase, price=Decimal(price), now=day(2036, 3, 2))

    outcomes = race(quoting(colleagues[0], 90000), quoting(colleagues[1], 85000))
    assert sum(isinstance(o, Quote) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, ActionError) for o in outcomes) == 1, outcomes
    assert Quote.objects.filter(purchase=purchase).count() == 1
