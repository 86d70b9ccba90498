"""Factories of the market app."""

import datetime as dt
from zoneinfo import ZoneInfo

import factory

from market.choices import BookingUnit, FacilityKind
from market.models import Facility
from tests.portal.factories import DepartmentFactory, RegionFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def day(year: int, month: int, d: int, hour: int = 0) -> dt.datetime:
    """A local (Asia/Shanghai) moment, aware."""
    return dt.datetime(year, month, d, hour, tzinfo=SHANGHAI)


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    name = factory.Sequence(lambda n: f"中试线{n}")
    kind = FacilityKind.PILOT_LINE
    owner_department = factory.SubFactory(DepartmentFactory)
    region = factory.SubFactory(RegionFactory)
    capacity = 1
    unit = BookingUnit.DAY
    max_units = 10
