"""Factories of the market app."""

import datetime as dt
from zoneinfo import ZoneInfo

import factory

from market.choices import BookingUnit, FacilityKind, IntermediaryStatus, ServiceType
from market.models import Facility, Intermediary, Qualification
from portal.models import User
from tests.portal.factories import DepartmentFactory, RegionFactory, UserFactory, valid_uscc

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


class IntermediaryFactory(factory.django.DjangoModelFactory):
    """A verified intermediary offering 环评 with an unexpired qualification (``qualified_until``)."""

    class Meta:
        model = Intermediary
        skip_postgeneration_save = True

    uscc = factory.LazyFunction(valid_uscc)
    name = factory.Sequence(lambda n: f"浙江测试环评咨询有限公司{n}")
    region = factory.SubFactory(RegionFactory)
    service_types = factory.LazyFunction(lambda: [ServiceType.EIA])
    fee_standard = "按《建设项目环境影响评价收费标准》下浮 20%"
    status = IntermediaryStatus.VERIFIED

    @factory.post_generation
    def qualified_until(self, create, extracted, **kwargs):
        if create:
            for service_type in self.service_types:
                Qualification.objects.create(
                    intermediary=self,
                    service_type=service_type,
                    name="资质证书",
                    number=f"Q-{self.pk}-{service_type}",
                    expires_on=extracted or dt.date(2040, 12, 31),
                )


def intermediary_member(intermediary) -> User:
    user = UserFactory()
    intermediary.members.add(user)
    return user
