"""Factories of the core app. Other apps' factories build on these."""

import datetime as dt
import itertools
from decimal import Decimal

import factory
from stdnum.cn import uscc as stdnum_uscc

from portal.choices import DepartmentKind, MembershipKind, MembershipStatus, Role
from portal.models import Department, Enterprise, Membership, Region, User

_org_codes = itertools.count(100000001)


def valid_uscc(region_code: str = "330502") -> str:
    body = f"91{region_code}{next(_org_codes):09d}"
    return body + stdnum_uscc.calc_check_digit(body)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "330500"
    name = "湖州市"
    level = "city"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"测试部门{n}")
    kind = DepartmentKind.GOVERNMENT
    region = factory.SubFactory(RegionFactory)
    phone = "0572-2398000"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.invalid")
    phone = "13812345678"
    role = Role.ENTERPRISE
    password = factory.django.Password("Test-pass-123!")


class StaffFactory(UserFactory):
    role = Role.HANDLER
    department = factory.SubFactory(DepartmentFactory)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.LazyFunction(valid_uscc)
    name = factory.Sequence(lambda n: f"湖州测试企业{n}有限公司")
    legal_representative = "张三"
    region = factory.LazyFunction(lambda: RegionFactory(code="330502", name="吴兴区", level="county"))
    industry = "C38"
    size_class = "small"
    established = dt.date(2018, 6, 1)
    registered_capital = Decimal("1000")
    staff = 100
    tech_staff = 20
    revenue = Decimal("6000")
    rd_expense = Decimal("300")
    contact_phone = "13900001111"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = MembershipKind.LEGAL_REP
    status = MembershipStatus.VERIFIED


def member_of(enterprise: Enterprise, **kwargs) -> User:
    """A user who is a verified member of ``enterprise``."""
    return MembershipFactory(enterprise=enterprise, **kwargs).user
