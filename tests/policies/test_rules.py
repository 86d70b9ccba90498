"""The evaluator: the 高新技术企业 rule at its revenue-band boundaries, unknown facts, gap wording.

Boundary semantics (as in 《高新技术企业认定管理办法》 第十一条, "5,000 万元（含）以下"): revenue ≤ 5000 万元 →
R&D ≥ 5%; 5000 < revenue ≤ 20000 万元 → ≥ 4%; revenue > 20000 万元 → ≥ 3%. So exactly 5000 万 is in the 5%
band and exactly 2 亿 in the 4% band.
"""

import datetime as dt
from decimal import Decimal

import pytest

from policies.rules import ELIGIBLE, NEAR, NOT_APPLICABLE, UNKNOWN, evaluate_policy
from policies.selectors import compile_policies
from tests.policies.factories import HIGH_TECH_CONDITIONS, facts

EMPTY = {"value2": "", "guard_fact": "", "guard_operator": "", "guard_value": "", "guard_value2": ""}


def compiled(conditions, region_code="330500"):
    rows = [{**EMPTY, **row, "policy_id": 1} for row in conditions]
    return compile_policies(
        [{"id": 1, "region__code": region_code, "title": "t", "mode": "apply", "benefit_amount": None}], rows
    )[0]


HIGH_TECH = compiled(HIGH_TECH_CONDITIONS)


def high_tech(revenue, rd):
    # high-tech revenue kept at 70% of revenue so only the R&D band decides
    return evaluate_policy(
        HIGH_TECH, facts(revenue=Decimal(revenue), rd_expense=Decimal(rd), high_tech_revenue=Decimal(revenue) * 7 / 10)
    )


@pytest.mark.parametrize(
    ("revenue", "rd", "expected"),
    [
        ("4999", "249.95", ELIGIBLE),  # below 5000万: 5% exactly
        ("4999", "249", NEAR),
        ("5000", "250", ELIGIBLE),  # exactly 5000万 is in the 5% band
        ("5000", "249.99", NEAR),
        ("5000", "200", NEAR),  # 4% is not enough at exactly 5000万
        ("5000.01", "200.01", ELIGIBLE),  # just above 5000万: 4% band
        ("5000.01", "200", NEAR),
        ("20000", "800", ELIGIBLE),  # exactly 2亿 is in the 4% band
        ("20000", "600", NEAR),  # 3% is not enough at exactly 2亿
        ("20000.01", "600.01", ELIGIBLE),  # above 2亿: 3% band
        ("20000.01", "599", NEAR),
    ],
)
def test_high_tech_rd_threshold_depends_on_revenue_band(revenue, rd, expected):
    # given an enterprise meeting every other 高企 condition; when matched; then the band decides
    assert high_tech(revenue, rd).status == expected


def test_gap_at_exactly_5000_wan_names_the_5_percent_threshold():
    # given revenue exactly 5000万 and R&D 4%; when matched
    match = high_tech("5000", "200")
    # then the gap is to 5%, not to 4%, in words and numbers, with a plan in 万元
    [unmet] = match.unmet
    assert unmet.message == "需 ≥ 5%，当前 4%，还差 1 个百分点"
    assert unmet.fact == "rd_ratio"
    assert (unmet.required, unmet.actual, unmet.gap) == (5.0, 4.0, 1.0)
    assert unmet.plan.startswith("研发费用需增加 50 万元")


def test_gap_at_exactly_2_yi_names_the_4_percent_threshold():
    [unmet] = high_tech("20000", "640").unmet
    assert unmet.message == "需 ≥ 4%，当前 3.2%，还差 0.8 个百分点"
    assert unmet.plan.startswith("研发费用需增加 160 万元")


def test_gap_wording_matches_the_issue_example():
    # given revenue 4000万 and R&D 128万 (3.2%)
    [unmet] = high_tech("4000", "128").unmet
    assert unmet.message == "需 ≥ 5%，当前 3.2%，还差 1.8 个百分点"
    assert unmet.plan.startswith("研发费用需增加 72 万元")


def test_company_age_gap_in_days():
    # given a company founded 318 days ago; when matched against "成立满 1 年"
    policy = compiled([{"group": 1, "fact": "established_years", "operator": "gte", "value": "1"}])
    founded = dt.date(2026, 1, 9)
    match = evaluate_policy(policy, facts(established=founded))
    # then it is near, with the days still to wait
    assert match.status == NEAR
    assert match.unmet[0].message == "成立满 1 年，还需 47 天"
    assert match.unmet[0].gap == 47


def test_exactly_one_year_old_counts_as_one_year():
    policy = compiled([{"group": 1, "fact": "established_years", "operator": "gte", "value": "1"}])
    assert evaluate_policy(policy, facts(established=dt.date(2025, 11, 23))).status == ELIGIBLE
    assert evaluate_policy(policy, facts(established=dt.date(2025, 11, 24))).status == NEAR


def test_people_gap_is_rounded_up_and_subset_ratio_plan_accounts_for_new_staff():
    # given 100 staff of whom 8 are technical, rule ≥ 10%
    [unmet] = evaluate_policy(HIGH_TECH, facts(tech_staff=Decimal(8), high_tech_revenue=Decimal(5000))).unmet
    assert unmet.message == "需 ≥ 10%，当前 8%，还差 2 个百分点"
    # (8 + x) / (100 + x) ≥ 10% → x ≥ 2.22 → 3 people
    assert unmet.plan.startswith("科技人员数需增加 3 人")


def test_money_gap_wording():
    policy = compiled([{"group": 1, "fact": "revenue", "operator": "gte", "value": "2000"}])
    [unmet] = evaluate_policy(policy, facts(revenue=Decimal("1500.5"))).unmet
    assert unmet.message == "需 ≥ 2000 万元，当前 1500.5 万元，还差 499.5 万元"


def test_unknown_facts_are_listed_by_input_name():
    # given an enterprise without revenue figures (like 湖州新创未来科技有限公司)
    match = evaluate_policy(HIGH_TECH, facts(revenue=None, rd_expense=None, high_tech_revenue=None))
    # then 信息不足 with the facts to fill in, never "not applicable"
    assert match.status == UNKNOWN
    assert set(match.missing) == {"revenue", "rd_expense", "high_tech_revenue"}


def test_unknown_guard_makes_the_group_unknown():
    match = evaluate_policy(HIGH_TECH, facts(revenue=None))
    assert match.status == UNKNOWN
    assert "revenue" in match.missing


def test_region_inheritance():
    # given a policy of 湖州市; an enterprise in 吴兴区 (child) qualifies, one in 柯城区 (衢州) does not
    policy = compiled([{"group": 1, "fact": "staff", "operator": "gte", "value": "10"}], region_code="330500")
    assert evaluate_policy(policy, facts()).status == ELIGIBLE
    quzhou = facts(region="330802", region_chain=("330802", "330800", "330000"))
    assert evaluate_policy(policy, quzhou).status == NOT_APPLICABLE
    # and a province-wide policy covers both
    provincial = compiled([{"group": 1, "fact": "staff", "operator": "gte", "value": "10"}], region_code="330000")
    assert evaluate_policy(provincial, quzhou).status == ELIGIBLE


def test_region_condition_includes_children():
    policy = compiled(
        [{"group": 1, "fact": "region", "operator": "in", "value": "330521"}],
        region_code="330000",
    )
    deqing_town = facts(region="330521100", region_chain=("330521100", "330521", "330500", "330000"))
    assert evaluate_policy(policy, deqing_town).status == ELIGIBLE
    assert evaluate_policy(policy, facts()).status == NOT_APPLICABLE


def test_industry_prefix_and_unclosable_gaps():
    # given a manufacturing-only policy that also wants a certification
    policy = compiled(
        [
            {"group": 1, "fact": "industry", "operator": "in", "value": "C"},
            {"group": 2, "fact": "certifications", "operator": "in", "value": "high_tech"},
        ]
    )
    # then a C38 firm without the certificate is near (closable), with the plan to obtain it
    match = evaluate_policy(policy, facts())
    assert match.status == NEAR
    assert match.unmet[0].message == "需持有 高新技术企业，当前未持有"
    assert match.unmet[0].plan == "取得 高新技术企业 认定"
    # and a software firm is simply not applicable (industry is not a gap to close)
    assert evaluate_policy(policy, facts(industry="I65")).status == NOT_APPLICABLE


def test_upper_bound_is_not_a_closable_gap():
    policy = compiled([{"group": 1, "fact": "staff", "operator": "lte", "value": "50"}])
    match = evaluate_policy(policy, facts())
    assert match.status == NOT_APPLICABLE
    assert match.reasons == ["需 ≤ 50 人，当前 100 人"]


def test_zero_revenue_ratio_is_not_applicable_not_a_crash():
    policy = compiled([{"group": 1, "fact": "rd_ratio", "operator": "gte", "value": "3"}])
    assert evaluate_policy(policy, facts(revenue=Decimal(0))).status == NOT_APPLICABLE


def test_boolean_and_choice_facts():
    policy = compiled(
        [
            {"group": 1, "fact": "is_sme", "operator": "is_true", "value": ""},
            {"group": 2, "fact": "tax_credit_grade", "operator": "in", "value": "A,B"},
        ]
    )
    assert evaluate_policy(policy, facts()).status == ELIGIBLE
    assert evaluate_policy(policy, facts(size_class="large")).status == NOT_APPLICABLE
    assert evaluate_policy(policy, facts(tax_credit_grade="M")).status == NOT_APPLICABLE
    assert evaluate_policy(policy, facts(tax_credit_grade=None)).status == UNKNOWN
