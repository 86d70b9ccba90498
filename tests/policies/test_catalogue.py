"""The compiled catalogue each process keeps for matching (policies.catalogue): matching reads no policy
while it is current, and every kind of change is seen by the next match — in this process (signals) and
in another one (the key), in every language."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from policies import actions
from policies.catalogue import catalogue_clear, catalogue_key, current_catalogue
from policies.choices import PolicyMode
from policies.facts import Facts
from policies.models import Policy
from policies.rules import ELIGIBLE, NEAR, NOT_APPLICABLE, UNKNOWN, policy_status
from policies.selectors import (
    compiled_policy,
    enterprise_for_matching,
    exempt_policies_compiled,
    match_facts,
    match_for,
)
from portal.models import Department, EnterpriseCertification, Region
from tests.policies.factories import HIGH_TECH_CONDITIONS, TODAY, policy_with, region_tree
from tests.policies.factories import facts as base_facts
from tests.portal.factories import EnterpriseFactory

STAFF_10 = [{"group": 1, "fact": "staff", "operator": "gte", "value": "10"}]


def facts(**overrides) -> Facts:
    return base_facts(**{"rd_expense": Decimal(180), **overrides})


def titles(bucket) -> list[str]:
    return [card.title for card, _match in bucket]


@pytest.fixture
def regions(db):
    return region_tree()


@pytest.mark.parametrize("n", [3, 30])
def test_a_current_catalogue_costs_one_query_whatever_the_number_of_policies(regions, num_queries, n):
    for i in range(n):
        policy_with(STAFF_10, title=f"政策{i}", region=regions["330500"])
    match_facts(facts())  # builds the catalogue
    with num_queries(1):  # the key
        result = match_facts(facts())
    assert len(result.eligible) == n


@pytest.mark.parametrize("n", [3, 30])
def test_matching_an_enterprise_is_one_query_while_the_catalogue_is_current(regions, admin_user, num_queries, n):
    # given n policies, one of them for 科技型中小企业 only, and an enterprise holding two certifications
    for i in range(n):
        policy_with(STAFF_10, title=f"政策{i}", region=regions["330500"])
    policy_with([{"group": 1, "fact": "certifications", "operator": "in", "value": "tech_sme"}], title="科小奖励")
    enterprise = EnterpriseFactory(region=regions["330502"], staff=50)
    for code in ("tech_sme", "high_tech"):
        EnterpriseCertification.objects.create(enterprise=enterprise, code=code)
    match_for(user=admin_user, enterprise_id=enterprise.pk)  # builds the catalogue
    # when it is matched again: the enterprise, its region chain, its certifications and the key in one query
    with num_queries(1):
        result, facts = match_for(user=admin_user, enterprise_id=enterprise.pk)
    # then its certifications were read, and the result is the one the facts give
    assert facts.certifications == frozenset({"tech_sme", "high_tech"})
    assert "科小奖励" in titles(result.eligible)
    assert len(result.eligible) == n + 1
    # and one without certifications holds none (not unknown)
    bare = EnterpriseFactory(region=regions["330502"], staff=50)
    _result, facts = match_for(user=admin_user, enterprise_id=bare.pk)
    assert facts.certifications == frozenset()


def test_the_key_read_with_the_enterprise_is_the_catalogue_key(regions, admin_user):
    policy_with(STAFF_10, region=regions["330500"])
    enterprise = EnterpriseFactory(region=regions["330502"])
    assert enterprise_for_matching(user=admin_user, pk=enterprise.pk).catalogue_key == catalogue_key()


def test_a_changed_catalogue_is_read_again_in_one_query(regions, num_queries):
    policy_with(STAFF_10, region=regions["330500"])
    catalogue_clear()
    with num_queries(2):  # the key, then every published policy with its rules and card
        match_facts(facts())


def test_edits_publication_and_expiry_are_seen_by_the_next_match(regions, admin_user):
    policy = policy_with(STAFF_10, title="人才奖励", region=regions["330500"])
    assert titles(match_facts(facts()).eligible) == ["人才奖励"]
    # a field edit
    actions.policy_update(actor=admin_user, policy=policy, title="人才引进奖励", benefit_amount=Decimal(30))
    (card, _match), *_ = match_facts(facts()).eligible
    assert (card.title, card.benefit_amount) == ("人才引进奖励", Decimal(30))
    # new conditions: now 差一点
    actions.policy_update(
        actor=admin_user, policy=policy, conditions=[{"group": 1, "fact": "staff", "operator": "gte", "value": "150"}]
    )
    result = match_facts(facts())
    assert titles(result.near) == ["人才引进奖励"] and "还差 50 人" in result.near[0][1].unmet[0].message
    # expiry takes it out, republishing brings it back
    actions.policy_expire(actor=admin_user, policy=policy)
    result = match_facts(facts())
    assert (result.near, result.not_applicable_count) == ([], 0)
    actions.policy_publish(actor=admin_user, policy=policy)
    assert titles(match_facts(facts()).near) == ["人才引进奖励"]


def test_a_change_made_by_another_process_is_seen_through_the_key(regions):
    """No signal reaches this process when another worker changes the catalogue: simulated with
    queryset updates (no signals), as the other worker's actions leave the rows."""
    policy = policy_with(STAFF_10, title="甲", region=regions["330500"])
    built = current_catalogue()
    # another worker replaces the conditions (rules and updated_at move together)
    Policy.objects.filter(pk=policy.pk).update(
        rules="1|staff|gte|500|||||", updated_at=timezone.now() + dt.timedelta(seconds=1)
    )
    assert current_catalogue() is not built
    assert titles(match_facts(facts()).near) == ["甲"]
    # another worker publishes a second policy / expires the first (status and version move)
    other = policy_with(STAFF_10, title="乙", region=regions["330500"], status="draft")
    current_catalogue()
    Policy.objects.filter(pk=other.pk).update(status="published", version=1)
    Policy.objects.filter(pk=policy.pk).update(status="expired", version=1)
    assert titles(match_facts(facts()).eligible) == ["乙"]


def test_renamed_department_and_region_are_shown_at_once_in_this_process(regions):
    policy_with(STAFF_10, region=regions["330500"])
    (card, _m), *_ = match_facts(facts()).eligible
    department = Department.objects.get(pk=card.department.id)
    department.name = "湖州市科学技术局（新）"
    department.save()
    region = Region.objects.get(code="330500")
    region.name = "湖州市（新）"
    region.save()
    (card, _m), *_ = match_facts(facts()).eligible
    assert (card.department.name, card.region.name) == ("湖州市科学技术局（新）", "湖州市（新）")


def test_a_copy_older_than_the_maximum_age_is_read_again(regions, settings):
    policy_with(STAFF_10, region=regions["330500"])
    built = current_catalogue()
    assert current_catalogue() is built
    settings.POLICY_CATALOGUE_MAX_AGE = 0
    assert current_catalogue() is not built


def test_closed_windows_and_modes_are_filtered_per_day(regions):
    policy_with(STAFF_10, title="已截止", region=regions["330500"], apply_to=TODAY - dt.timedelta(days=1))
    policy_with(STAFF_10, title="今天截止", region=regions["330500"], apply_to=TODAY, mode=PolicyMode.EXEMPT)
    result = match_facts(facts())
    assert (titles(result.eligible), result.not_applicable_count) == (["今天截止"], 0)
    yesterday = facts(today=TODAY - dt.timedelta(days=1))
    assert sorted(titles(match_facts(yesterday).eligible)) == ["今天截止", "已截止"]
    assert [p.title for p in exempt_policies_compiled(TODAY)] == ["今天截止"]
    assert exempt_policies_compiled(TODAY + dt.timedelta(days=1)) == []
    assert titles(match_facts(facts(), mode=PolicyMode.APPLY).eligible) == []


def test_the_shared_catalogue_words_gaps_in_each_request_language(regions):
    policy_with(HIGH_TECH_CONDITIONS, title="高企", region=regions["330500"])
    with translation.override("zh-hans"):
        zh = match_facts(facts()).near[0][1]
    with translation.override("en"):
        en = match_facts(facts()).near[0][1]
    with translation.override("zh-hans"):
        zh_again = match_facts(facts()).near[0][1]
    assert zh.unmet[0].message == "需 ≥ 4%，当前 3%，还差 1 个百分点"
    assert zh.unmet[0].plan == "研发费用需增加 60 万元（按当前年销售收入 6000 万元 计）"
    assert zh.unmet[0].text == "研发费用占销售收入比例 ≥ 4%（年销售收入 > 5000 且 ≤ 20000 万元）"
    assert en.unmet[0].message == "Must be ≥ 4%; currently 3%; 1 percentage points short"
    assert en.unmet[0].plan == (
        "Increase R&D expenses by ¥600,000 (based on the current Annual sales revenue of ¥60,000,000)"
    )
    assert en.unmet[0].text == (
        "R&D expenses as a share of sales revenue ≥ 4% (where Annual sales revenue > ¥50,000,000 and ≤ ¥200,000,000)"
    )
    assert zh_again.unmet[0].message == zh.unmet[0].message


def test_matching_in_a_transaction_never_writes(regions, num_queries):
    policy_with(STAFF_10, region=regions["330500"])
    queries = num_queries.capture(lambda: match_facts(facts()))
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in queries)


def test_matching_group_by_group_agrees_with_each_policys_status(regions):
    # given policies sharing groups across regions (高企 in 湖州 and the province, staff ≥ 10 in 衢州), one
    # with a certification to obtain, one for an industry, one with no condition and one closed
    policies = [
        policy_with(HIGH_TECH_CONDITIONS, title="高企湖州", region=regions["330500"]),
        policy_with(HIGH_TECH_CONDITIONS, title="高企全省", region=regions["330000"]),
        policy_with([*STAFF_10, *HIGH_TECH_CONDITIONS[:1]], title="人才", region=regions["330500"]),
        policy_with(STAFF_10, title="衢州", region=Region.objects.get(code="330800")),
        policy_with(
            [*STAFF_10, {"group": 2, "fact": "certifications", "operator": "in", "value": "tech_sme"}],
            title="科小",
            region=regions["330000"],
        ),
        policy_with([{"group": 1, "fact": "industry", "operator": "in", "value": "I65"}], title="软件"),
        policy_with([], title="普惠", region=regions["330000"]),
        policy_with(STAFF_10, title="已截止", region=regions["330000"], apply_to=TODAY - dt.timedelta(days=1)),
    ]
    compiled = {policy.pk: compiled_policy(policy) for policy in policies}
    # when facts of every kind are matched (met, short, missing, region unknown, another region)
    for case in [
        {},
        {"staff": Decimal(5)},
        {"revenue": None},
        {"rd_expense": Decimal(10), "certifications": frozenset({"tech_sme"})},
        {"established": TODAY},
        {"region": None, "region_chain": ()},
        {"region": "330802", "region_chain": ("330802", "330800", "330000")},
        {"industry": "I65", "tech_staff": None},
    ]:
        these = facts(**case)
        result = match_facts(these)
        # then each policy is in the bucket its own status gives, and the rest are counted not applicable
        found = {card.pk: status for status in (ELIGIBLE, NEAR, UNKNOWN) for card, _m in getattr(result, status)}
        statuses = {pk: policy_status(c, these) for pk, c in compiled.items() if pk != policies[-1].pk}
        expected = {pk: status for pk, status in statuses.items() if status != NOT_APPLICABLE}
        assert found == expected, case
        assert result.not_applicable_count == len(policies) - 1 - len(found)
