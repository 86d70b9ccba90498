"""A condition that cannot be evaluated is refused when saved, with a clear message; the preview wording."""

import pytest
from django.core.exceptions import ValidationError

from policies import actions
from policies.models import Condition, Policy
from tests.policies.factories import HIGH_TECH_CONDITIONS, PolicyFactory, region_tree


def errors_of(**row):
    condition = Condition(policy=PolicyFactory(), **row)
    with pytest.raises(ValidationError) as info:
        condition.full_clean()
    return " ".join(info.value.messages)


@pytest.mark.django_db
def test_unknown_fact_is_refused():
    assert "条件所用的事实“profit”不存在" in errors_of(fact="profit", operator="gte", value="5")


@pytest.mark.django_db
def test_text_against_a_number_is_refused():
    message = errors_of(fact="revenue", operator="gte", value="五千万")
    assert "“五千万”不是数字" in message


@pytest.mark.django_db
def test_between_with_reversed_bounds_is_refused():
    message = errors_of(fact="revenue", operator="between", value="20000", value2="5000")
    assert "区间上下限颠倒：下限 20000 大于上限 5000" in message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"fact": "certifications", "operator": "gte", "value": "1"}, "不能用运算符"),
        ({"fact": "certifications", "operator": "in", "value": "iso9001"}, "不是“资质”的可选值"),
        ({"fact": "industry", "operator": "in", "value": "C99"}, "行业代码“C99”不正确"),
        ({"fact": "region", "operator": "in", "value": "999999"}, "区划代码“999999”不存在"),
        ({"fact": "is_sme", "operator": "is_true", "value": "yes"}, "不需要填写数值"),
        ({"fact": "established_years", "operator": "gte", "value": "1.5"}, "整数年"),
        (
            {
                "fact": "rd_ratio",
                "operator": "gte",
                "value": "5",
                "guard_fact": "revenue",
                "guard_operator": "lte",
                "guard_value": "abc",
            },
            "不是数字",
        ),
    ],
)
def test_other_unevaluable_conditions(row, expected):
    assert expected in errors_of(**row)


@pytest.mark.django_db
def test_labels_are_normalised_to_codes_on_save():
    condition = Condition(policy=PolicyFactory(), fact="certifications", operator="in", value="高新技术企业、tech_sme")
    condition.full_clean()
    assert condition.value == "high_tech,tech_sme"


@pytest.mark.django_db
def test_plain_language_preview():
    policy = PolicyFactory()
    rows = [Condition(policy=policy, **row) for row in HIGH_TECH_CONDITIONS]
    texts = [row.plain_text() for row in rows]
    assert texts == [
        "成立满 1 年",
        "研发费用占销售收入比例 ≥ 5%（年销售收入 ≤ 5000 万元）",
        "研发费用占销售收入比例 ≥ 4%（年销售收入 > 5000 且 ≤ 20000 万元）",
        "研发费用占销售收入比例 ≥ 3%（年销售收入 > 20000 万元）",
        "高新技术产品收入占总收入比例 ≥ 60%",
        "科技人员占职工总数比例 ≥ 10%",
    ]


@pytest.mark.django_db
def test_policy_create_with_a_bad_condition_saves_nothing(admin_user, department):
    # given one good and one bad condition; when creating; then nothing at all is saved
    regions = region_tree()
    with pytest.raises(ValidationError) as info:
        actions.policy_create(
            actor=admin_user,
            title="测试",
            department=department,
            region=regions["330500"],
            benefit="奖励",
            conditions=[
                {"group": 1, "fact": "staff", "operator": "gte", "value": "10"},
                {"group": 2, "fact": "revenue", "operator": "between", "value": "9", "value2": "1"},
            ],
        )
    assert "第 2 条条件" in " ".join(info.value.messages)
    assert Policy.objects.count() == 0
    assert Condition.objects.count() == 0


@pytest.mark.django_db
def test_policy_versions_are_recorded(admin_user, department):
    regions = region_tree()
    policy = actions.policy_create(
        actor=admin_user,
        title="测试",
        department=department,
        region=regions["330500"],
        benefit="奖励",
        conditions=[{"group": 1, "fact": "staff", "operator": "gte", "value": "10"}],
    )
    actions.policy_update(
        actor=admin_user,
        policy=policy,
        benefit="奖励 20 万元",
        conditions=[{"group": 1, "fact": "staff", "operator": "gte", "value": "20"}],
    )
    actions.policy_publish(actor=admin_user, policy=policy)
    versions = list(policy.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    assert versions[0].snapshot["conditions"][0]["value"] == "10"
    assert versions[1].snapshot["conditions"][0]["value"] == "20"
    assert versions[2].snapshot["status"] == "published"
    # and the copy matching reads follows every change of the conditions
    policy.refresh_from_db()
    assert policy.rules == "1|staff|gte|20|||||"
