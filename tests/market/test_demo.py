"""The market demo: 60 intermediaries across the service types, 15 purchases covering every state, 6
facilities with bookings and a queue; seeding twice changes nothing."""

import random
from io import StringIO

import pytest

from market import demo as market_demo
from market import selectors
from market.choices import BookingStatus, PurchaseStatus, ServiceType
from market.models import Facility, FacilityBooking, Intermediary, Purchase
from portal import demo as portal_demo

pytestmark = pytest.mark.django_db


def test_the_demo_covers_every_state_and_is_idempotent():
    out = StringIO()
    context = portal_demo.seed(rng=random.Random(2026), password="Demo-pass-123!", stdout=out)
    market_demo.seed(rng=random.Random(2026), context=context, stdout=out)
    assert Intermediary.objects.count() == 60
    assert {t for firm in Intermediary.objects.all() for t in firm.service_types} == set(ServiceType.values)
    assert Purchase.objects.count() == 15
    assert set(Purchase.objects.values_list("status", flat=True)) == set(PurchaseStatus.values)
    assert Facility.objects.count() == 6
    assert FacilityBooking.objects.filter(status=BookingStatus.QUEUED).count() >= 3
    line = Facility.objects.get(name="锂电池中试线")
    stats = selectors.facility_stats([line])[line.pk]
    assert stats["queue_length"] == 3 and stats["average_wait_days"] is not None
    assert Purchase.objects.filter(status=PurchaseStatus.SELECTED, draw_seed__gt="").exists()
    assert selectors.intermediary_stats(str(Purchase.objects.exclude(contracted_at=None).first().contracted_at.year))
    market_demo.seed(rng=random.Random(2026), context=context, stdout=out)
    assert (Intermediary.objects.count(), Purchase.objects.count(), Facility.objects.count()) == (60, 15, 6)
