"""免申即享 pushes: SQL translation agrees with the evaluator; re-running creates nothing; exactly one notice."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from policies import actions, tasks
from policies.choices import EntitlementStatus, PolicyMode, PolicyStatus
from policies.facts import Facts
from policies.models import Entitlement
from policies.rules import ELIGIBLE, NEAR, UNKNOWN, evaluate_policy, policy_status
from policies.selectors import compiled_policy
from policies.sql import RegionIndex, near_q, policy_q, status_qs
from portal import actions as portal_actions
from portal.exceptions import TransitionNotAllowed
from portal.models import AuditLog, Enterprise, EnterpriseCertification, Notification
from tests.policies.factories import HIGH_TECH_CONDITIONS, policy_with, region_tree
from tests.portal.factories import EnterpriseFactory, member_of

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


def enterprises(regions):
    """A spread of enterprises around every boundary the conditions below test."""
    rows = [
        ("330502", "5000", "250", "3500", 100, 10, dt.date(2020, 1, 1), "small", ["tech_sme"], "A"),
        ("330502", "5000", "200", "3500", 100, 10, dt.date(2020, 1, 1), "small", [], "B"),
        ("330521", "20000", "800", "15000", 200, 30, dt.date(2019, 1, 1), "medium", ["high_tech"], "A"),
        ("330521", "20000", "600", "15000", 200, 30, dt.date(2019, 1, 1), "medium", [], "M"),
        ("330802", "30000", "900", "20000", 300, 40, dt.date(2010, 1, 1), "large", ["high_tech"], "A"),
        ("330502", "4000", "300", "1000", 50, 2, dt.date(2025, 11, 24), "micro", [], ""),
        ("330502", None, None, None, None, None, dt.date(2025, 6, 1), "micro", [], ""),
        ("330502", "0", "0", "0", 5, 1, dt.date(2024, 1, 1), "micro", [], "C"),
        ("330521", "12000", "480", "8000", 120, 12, dt.date(2025, 11, 23), "small", ["specialized"], "A"),
    ]
    out = []
    for region, revenue, rd, htr, staff, tech, est, size, certs, grade in rows:
        e = EnterpriseFactory(
            region=regions[region],
            revenue=None if revenue is None else Decimal(revenue),
            rd_expense=None if rd is None else Decimal(rd),
            high_tech_revenue=None if htr is None else Decimal(htr),
            staff=staff,
            tech_staff=tech,
            established=est,
            size_class=size,
            tax_credit_grade=grade,
            export_revenue=Decimal(100) if size == "medium" else Decimal(0),
        )
        for code in certs:
            EnterpriseCertification.objects.create(enterprise=e, code=code)
        out.append(e)
    return out


CONDITION_SETS = [
    HIGH_TECH_CONDITIONS,
    [{"group": 1, "fact": "certifications", "operator": "in", "value": "high_tech,tech_sme"}],
    [{"group": 1, "fact": "certifications", "operator": "not_in", "value": "high_tech"}],
    [
        {"group": 1, "fact": "industry", "operator": "in", "value": "C38,I"},
        {"group": 2, "fact": "is_sme", "operator": "is_true"},
    ],
    [{"group": 1, "fact": "tax_credit_grade", "operator": "not_in", "value": "C,D"}],
    [{"group": 1, "fact": "established_years", "operator": "lt", "value": "3"}],
    [{"group": 1, "fact": "established_years", "operator": "between", "value": "1", "value2": "5"}],
    [{"group": 1, "fact": "revenue", "operator": "ne", "value": "5000"}],
    [{"group": 1, "fact": "tech_staff_ratio", "operator": "gt_lte", "value": "5", "value2": "10"}],
    [{"group": 1, "fact": "region", "operator": "not_in", "value": "330521"}],
    [{"group": 1, "fact": "has_export", "operator": "is_false"}],
    [
        {"group": 1, "fact": "revenue", "operator": "between", "value": "4500", "value2": "25000"},
        {"group": 2, "fact": "established_years", "operator": "gte", "value": "3"},
        {"group": 2, "fact": "certifications", "operator": "in", "value": "specialized"},
    ],
    [
        {"group": 1, "fact": "rd_ratio", "operator": "gte", "value": "4.5"},
        {"group": 1, "fact": "tax_credit_grade", "operator": "in", "value": "A"},
        {"group": 2, "fact": "staff", "operator": "gt", "value": "100"},
    ],
    [{"group": 1, "fact": "graduate_hires", "operator": "gte", "value": "5"}],
]


@pytest.mark.parametrize("conditions", CONDITION_SETS)
@pytest.mark.parametrize("scope", ["330000", "330500"])
def test_sql_translation_agrees_with_the_evaluator(conditions, scope):
    # given enterprises around every boundary and a policy
    regions = region_tree()
    everyone = enterprises(regions)
    policy = policy_with(conditions, region=regions[scope])
    compiled = compiled_policy(policy)
    # when translated to SQL
    q = policy_q(compiled, day=TODAY, region_ids=RegionIndex())
    by_sql = set(Enterprise.objects.filter(q).values_list("id", flat=True))
    # then exactly the enterprises the evaluator calls eligible
    by_python = {
        e.pk for e in everyone if evaluate_policy(compiled, Facts.from_enterprise(e, today=TODAY)).status == ELIGIBLE
    }
    assert by_sql == by_python
    # and the translation of 差一点 finds exactly the ones it calls near
    near_by_sql = set(
        Enterprise.objects.filter(near_q(compiled, day=TODAY, region_ids=RegionIndex())).values_list("id", flat=True)
    )
    near_by_python = {
        e.pk for e in everyone if evaluate_policy(compiled, Facts.from_enterprise(e, today=TODAY)).status == NEAR
    }
    assert near_by_sql == near_by_python
    # and so does the translation of 信息不足
    unknown_q = status_qs(compiled, day=TODAY, region_ids=RegionIndex())["unknown"]
    unknown_by_sql = set(Enterprise.objects.filter(unknown_q).values_list("id", flat=True))
    unknown_by_python = {
        e.pk for e in everyone if evaluate_policy(compiled, Facts.from_enterprise(e, today=TODAY)).status == UNKNOWN
    }
    assert unknown_by_sql == unknown_by_python
    # and the evaluator's fast path (no wording) sorts every enterprise exactly like the detailed one
    for e in everyone:
        facts = Facts.from_enterprise(e, today=TODAY)
        detailed = evaluate_policy(compiled, facts).status
        assert evaluate_policy(compiled, facts, detail=False).status == detailed
        assert policy_status(compiled, facts) == detailed


def test_push_creates_entitlements_and_notifications_exactly_once(admin_user, django_capture_on_commit_callbacks):
    # given a draft 免申即享 policy, two qualifying enterprises (one with a member) and one that does not
    regions = region_tree()
    qualifying = EnterpriseFactory(region=regions["330502"], revenue=Decimal(6000))
    member = member_of(qualifying)
    also = EnterpriseFactory(region=regions["330521"], revenue=Decimal(7000))
    EnterpriseFactory(region=regions["330502"], revenue=Decimal(100))
    policy = policy_with(
        [{"group": 1, "fact": "revenue", "operator": "gte", "value": "5000"}],
        mode=PolicyMode.EXEMPT,
        status=PolicyStatus.DRAFT,
        region=regions["330500"],
    )
    # when it is published (the push runs as a django-q2 task, synchronous in tests)
    with django_capture_on_commit_callbacks(execute=True):
        actions.policy_publish(actor=admin_user, policy=policy)
    # then both qualifying enterprises have an entitlement and the member one notice per channel
    assert set(Entitlement.objects.values_list("enterprise_id", flat=True)) == {qualifying.pk, also.pk}
    notices = Notification.objects.filter(kind="policies.entitlement.created")
    assert notices.filter(recipient=member).count() == notices.count() >= 1
    count = notices.count()
    # when the push is re-run twice
    first = actions.entitlements_push_policy(policy_id=policy.pk)
    second = actions.entitlements_push_policy(policy_id=policy.pk)
    # then nothing changes
    assert first == second == {"created": 0, "notified": 0, "sql": True}
    assert Entitlement.objects.count() == 2
    assert Notification.objects.filter(kind="policies.entitlement.created").count() == count


def test_a_push_costs_the_same_queries_for_3_and_30_enterprises_and_announces_each_once(num_queries):
    # given a published 免申即享 policy and 3, then 30 more, qualifying enterprises, each with a member (after
    # one, so that the audit chain's anchor has been read once: it is cached afterwards)
    regions = region_tree()
    policy = policy_with(
        [{"group": 1, "fact": "revenue", "operator": "gte", "value": "5000"}],
        mode=PolicyMode.EXEMPT,
        status=PolicyStatus.PUBLISHED,
        region=regions["330500"],
    )
    counts, members = [], []
    for n in (1, 3, 30):
        batch = [EnterpriseFactory(region=regions["330502"], revenue=Decimal(6000)) for _ in range(n)]
        members += [member_of(e) for e in batch]
        # when the push runs
        counts.append(num_queries.of(lambda: actions.entitlements_push_policy(policy_id=policy.pk, day=TODAY)))
    # then it ran the same number of queries, every entitlement is announced, each member told once per channel
    assert counts[1] == counts[2] == (14 if connection.vendor == "postgresql" else 13)  # + the audit chain's lock
    assert Entitlement.objects.filter(notified_at__isnull=True).count() == 0
    assert Entitlement.objects.count() == 34
    notices = Notification.objects.filter(kind="policies.entitlement.created", channel="inbox")
    assert sorted(notices.values_list("recipient_id", flat=True)) == sorted(m.pk for m in members)
    # and each push with new rows is audited with what it created
    pushes = AuditLog.objects.filter(action="policies.policy.pushed").order_by("id")
    assert [row.data["created"] for row in pushes] == [1, 3, 30]
    # when an entitlement some other path left unannounced is there at the next push
    late = EnterpriseFactory(region=regions["330502"], revenue=Decimal(100))
    late_member = member_of(late)
    Entitlement.objects.create(policy=policy, enterprise=late)
    outcome = actions.entitlements_push_policy(policy_id=policy.pk, day=TODAY)
    # then the push announces it (and only it)
    assert outcome == {"created": 0, "notified": 1, "sql": True}
    assert list(notices.exclude(recipient__in=members).values_list("recipient_id", flat=True)) == [late_member.pk]


def test_facts_change_creates_the_entitlement_once(clerk, django_capture_on_commit_callbacks):
    # given a published 免申即享 policy and an enterprise just below its threshold
    regions = region_tree()
    enterprise = EnterpriseFactory(region=regions["330502"], revenue=Decimal(4000))
    member = member_of(enterprise)
    policy_with(
        [{"group": 1, "fact": "revenue", "operator": "gte", "value": "5000"}],
        mode=PolicyMode.EXEMPT,
        region=regions["330000"],
    )
    assert Entitlement.objects.count() == 0
    # when its facts are updated through the core action (signal after commit → task)
    with django_capture_on_commit_callbacks(execute=True):
        portal_actions.enterprise_update_facts(actor=clerk, enterprise=enterprise, revenue=Decimal(5200))
    # then it gets the entitlement and a notice; updating again changes nothing
    assert Entitlement.objects.filter(enterprise=enterprise).count() == 1
    count = Notification.objects.filter(recipient=member, kind="policies.entitlement.created").count()
    assert count >= 1
    with django_capture_on_commit_callbacks(execute=True):
        portal_actions.enterprise_update_facts(actor=clerk, enterprise=enterprise, revenue=Decimal(5300))
    actions.entitlements_push_enterprise(enterprise_id=enterprise.pk)
    assert Entitlement.objects.filter(enterprise=enterprise).count() == 1
    assert Notification.objects.filter(recipient=member, kind="policies.entitlement.created").count() == count


def test_clerk_confirms_or_withdraws_with_a_reason(clerk):
    regions = region_tree()
    enterprise = EnterpriseFactory(region=regions["330502"])
    policy = policy_with([], mode=PolicyMode.EXEMPT, region=regions["330500"])
    entitlement = Entitlement.objects.create(policy=policy, enterprise=enterprise)
    with pytest.raises(Exception, match="撤回须填写原因"):
        actions.entitlement_withdraw(actor=clerk, entitlement=entitlement, reason="  ")
    actions.entitlement_confirm(actor=clerk, entitlement=entitlement, reason="已核定")
    assert entitlement.status == EntitlementStatus.CONFIRMED
    with pytest.raises(TransitionNotAllowed):
        actions.entitlement_confirm(actor=clerk, entitlement=entitlement)
    actions.entitlement_withdraw(actor=clerk, entitlement=entitlement, reason="企业已注销")
    entitlement.refresh_from_db()
    assert (entitlement.status, entitlement.reason, entitlement.decided_by) == ("withdrawn", "企业已注销", clerk)


def test_daily_task_expires_policies_whose_window_closed():
    # given one policy whose application window closed yesterday and one still open
    regions = region_tree()
    closed = policy_with([], region=regions["330500"], apply_to=dt.date(2026, 11, 22))
    still_open = policy_with([], region=regions["330500"], apply_to=dt.date(2026, 11, 23))
    # when the daily task runs
    assert actions.policies_expire_closed(day=TODAY) == 1
    # then only the closed one is expired, with a version recorded
    closed.refresh_from_db()
    still_open.refresh_from_db()
    assert (closed.status, still_open.status) == (PolicyStatus.EXPIRED, PolicyStatus.PUBLISHED)
    assert closed.versions.filter(note="失效").exists()


def test_daily_push_reaches_enterprises_that_qualify_by_the_passing_of_time(django_capture_on_commit_callbacks):
    # given a published 免申即享 policy for enterprises established at least a year, and an enterprise that
    # turns one tomorrow (no fact of it changes)
    regions = region_tree()
    enterprise = EnterpriseFactory(region=regions["330502"], established=dt.date(2025, 11, 24))
    member = member_of(enterprise)
    policy_with(
        [{"group": 1, "fact": "established_years", "operator": "gte", "value": "1"}],
        mode=PolicyMode.EXEMPT,
        region=regions["330500"],
    )
    policy_with([{"group": 1, "fact": "staff", "operator": "gte", "value": "10"}], region=regions["330500"])
    # when the daily task runs today, then nothing yet (one push: the 申报制 policy is not pushed)
    assert tasks.push_exempt_policies(day=TODAY.isoformat()) == 1
    assert not Entitlement.objects.exists()
    # when it runs tomorrow, then the enterprise has its entitlement and its member a notice
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.push_exempt_policies(day=tomorrow)
    assert Entitlement.objects.filter(enterprise=enterprise).count() == 1
    notices = Notification.objects.filter(recipient=member, kind="policies.entitlement.created").count()
    assert notices >= 1
    # and running the day again changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        tasks.push_exempt_policies(day=tomorrow)
    assert Entitlement.objects.count() == 1
    assert Notification.objects.filter(recipient=member, kind="policies.entitlement.created").count() == notices
