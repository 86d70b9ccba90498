"""Factories and helpers of the policies app's tests."""

import datetime as dt
from decimal import Decimal

import factory

from policies.actions import policy_rules_refresh
from policies.choices import PolicyMode, PolicyStatus
from policies.facts import Facts
from policies.models import Condition, Policy
from tests.portal.factories import DepartmentFactory, RegionFactory


def region_tree() -> dict:
    """浙江省 > 湖州市 > 吴兴区 / 德清县, 浙江省 > 衢州市 > 柯城区, with parents set."""
    province = RegionFactory(code="330000", name="浙江省", level="province")
    out = {"330000": province}
    for code, name, level, parent in [
        ("330500", "湖州市", "city", "330000"),
        ("330502", "吴兴区", "county", "330500"),
        ("330521", "德清县", "county", "330500"),
        ("330800", "衢州市", "city", "330000"),
        ("330802", "柯城区", "county", "330800"),
    ]:
        region = RegionFactory(code=code, name=name, level=level)
        region.parent = out[parent]
        region.save()
        out[code] = region
    return out


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    title = factory.Sequence(lambda n: f"测试政策{n}")
    doc_number = factory.Sequence(lambda n: f"湖政发〔2026〕{n}号")
    department = factory.SubFactory(DepartmentFactory)
    region = factory.LazyFunction(lambda: RegionFactory(code="330500", name="湖州市", level="city"))
    benefit = "一次性奖励 10 万元"
    benefit_amount = Decimal("10")
    mode = PolicyMode.APPLY
    status = PolicyStatus.PUBLISHED
    guide_contact = "0572-2398933"


class ConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Condition

    policy = factory.SubFactory(PolicyFactory)
    group = 1
    fact = "revenue"
    operator = "gte"
    value = "1000"


HIGH_TECH_CONDITIONS = [
    {"group": 1, "fact": "established_years", "operator": "gte", "value": "1"},
    {
        "group": 2,
        "fact": "rd_ratio",
        "operator": "gte",
        "value": "5",
        "guard_fact": "revenue",
        "guard_operator": "lte",
        "guard_value": "5000",
    },
    {
        "group": 2,
        "fact": "rd_ratio",
        "operator": "gte",
        "value": "4",
        "guard_fact": "revenue",
        "guard_operator": "gt_lte",
        "guard_value": "5000",
        "guard_value2": "20000",
    },
    {
        "group": 2,
        "fact": "rd_ratio",
        "operator": "gte",
        "value": "3",
        "guard_fact": "revenue",
        "guard_operator": "gt",
        "guard_value": "20000",
    },
    {"group": 3, "fact": "high_tech_revenue_ratio", "operator": "gte", "value": "60"},
    {"group": 4, "fact": "tech_staff_ratio", "operator": "gte", "value": "10"},
]


def policy_with(conditions: list[dict], **kwargs) -> Policy:
    """A published policy with the given condition rows (validated through full_clean)."""
    policy = PolicyFactory(**kwargs)
    for row in conditions:
        condition = Condition(policy=policy, **row)
        condition.full_clean()
        condition.save()
    policy_rules_refresh(policy=policy)
    return policy


TODAY = dt.date(2026, 11, 23)


def facts(**overrides) -> Facts:
    """The facts of a small manufacturer in 吴兴区 (湖州市), with ``overrides``."""
    base = {
        "today": TODAY,
        "region": "330502",
        "region_chain": ("330502", "330500", "330000"),
        "industry": "C38",
        "size_class": "small",
        "established": dt.date(2018, 6, 1),
        "registered_capital": Decimal(1000),
        "staff": Decimal(100),
        "tech_staff": Decimal(20),
        "revenue": Decimal(6000),
        "rd_expense": Decimal(300),
        "high_tech_revenue": Decimal(4000),
        "export_revenue": Decimal(0),
        "certifications": frozenset(),
        "tax_credit_grade": "A",
    }
    base.update(overrides)
    return Facts(**base)


def calculator_policies():
    """The calculator's browser tests' policies: one for every SME (province), the 高新技术企业 rule (city)."""
    regions = region_tree()
    policy_with(
        [{"group": 1, "fact": "is_sme", "operator": "is_true"}],
        title="小微企业“六税两费”减半征收",
        region=regions["330000"],
        benefit_amount=None,
    )
    policy_with(
        HIGH_TECH_CONDITIONS,
        title="湖州市高新技术企业首次认定奖励",
        region=regions["330500"],
        benefit_amount=Decimal(30),
    )
