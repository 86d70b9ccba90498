"""Pages: calculator (anonymous what-if, member prefill, staff pick, never writes), library, detail, staff
per-policy view, entitlements; permission matrix and constant query counts."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from policies.choices import PolicyMode, PolicyStatus
from policies.models import Entitlement, Policy
from tests.policies.factories import HIGH_TECH_CONDITIONS, PolicyFactory, policy_with, region_tree
from tests.portal.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
CALC = "/policies/calculator/"


@pytest.fixture
def regions(db):
    return region_tree()


@pytest.fixture
def high_tech(regions):
    return policy_with(HIGH_TECH_CONDITIONS, title="高新技术企业认定奖励", region=regions["330500"])


WHAT_IF = {
    "calc": "1",
    "region": "330502",
    "industry": "C38",
    "size_class": "small",
    "established": "2020-01-01",
    "revenue": "4000",
    "rd_expense": "128",
    "high_tech_revenue": "3000",
    "staff": "100",
    "tech_staff": "20",
}


def test_anonymous_what_if_shows_the_gap_and_writes_nothing(client, high_tech, num_queries):
    # given nobody logged in; when running a what-if
    responses = []
    writes = num_queries.writes(lambda: responses.append(client.get(CALC, WHAT_IF)))
    response = responses[0]
    # then the policy is near with the gap wording, and nothing was written
    assert response.status_code == 200
    text = response.content.decode()
    assert "需 ≥ 5%，当前 3.2%，还差 1.8 个百分点" in text
    assert "研发费用需增加 72 万元" in text
    assert writes == []


def test_long_result_lists_show_the_richest_first_with_a_link_to_all(client, regions):
    # given 35 policies the what-if qualifies for, worth 1 to 35 万元
    for amount in range(1, 36):
        policy_with(
            [{"group": 1, "fact": "staff", "operator": "gte", "value": "10"}],
            title=f"奖励政策{amount:02d}",
            benefit_amount=Decimal(amount),
            region=regions["330500"],
        )
    # when the calculator runs, then 30 are shown, the richest first, with a link to all 35
    response = client.get(CALC, WHAT_IF)
    text = response.content.decode()
    assert text.count('data-testid="eligible-item"') == 30
    assert text.index("奖励政策35") < text.index("奖励政策06") and "奖励政策05" not in text
    assert "显示全部 35 项" in text and 'data-testid="show-all-near"' not in text
    link = re.search(r'href="\?([^"]+)" data-testid="show-all-eligible"', text).group(1)
    assert {"calc=1", "revenue=4000", "all=1"} <= set(link.replace("&amp;", "&").split("&"))
    # when following the link (the what-if kept), then all 35
    response = client.get(CALC, {**WHAT_IF, "all": "1"})
    text = response.content.decode()
    assert text.count('data-testid="eligible-item"') == 35 and "显示全部" not in text


def test_negative_revenue_what_if_is_refused(client, high_tech):
    response = client.get(CALC, {**WHAT_IF, "revenue": "-5"})
    assert response.status_code == 200
    assert "上年销售收入不能为负数。" in response.content.decode()
    assert response.context["result"] is None


def test_member_sees_own_enterprise_prefilled(client_for, member, enterprise, high_tech, regions):
    enterprise.region = regions["330502"]
    enterprise.save()
    response = client_for(member).get(CALC)
    assert response.context["enterprise"] == enterprise
    assert response.context["form"].initial["revenue"] == enterprise.revenue
    assert response.context["result"] is not None


def test_member_cannot_load_another_enterprise(client_for, member, other_enterprise):
    assert client_for(member).get(CALC, {"enterprise": other_enterprise.pk}).status_code == 404


def test_staff_pick_an_enterprise(client_for, clerk, other_enterprise, high_tech):
    response = client_for(clerk).get(CALC, {"enterprise_q": other_enterprise.uscc})
    assert response.context["enterprise"] == other_enterprise


def test_library_search_and_drafts_hidden_from_public(client, client_for, clerk, regions, high_tech):
    PolicyFactory(title="草稿里的政策", status=PolicyStatus.DRAFT, region=regions["330500"])
    public = client.get("/policies/", {"q": "政策"}).content.decode()
    assert "草稿里的政策" not in public
    assert "草稿里的政策" in client_for(clerk).get("/policies/", {"q": "政策"}).content.decode()
    assert "高新技术企业认定奖励" in client.get("/policies/", {"region": "330502"}).content.decode()
    assert "高新技术企业认定奖励" not in client.get("/policies/", {"region": "330802"}).content.decode()


@pytest.mark.parametrize("n", [3, 30])
def test_library_query_count_is_constant(client, regions, num_queries, n):
    for _ in range(n):
        PolicyFactory(region=regions["330500"])
    with num_queries(2):  # count, page
        assert client.get("/policies/").status_code == 200


def test_policy_detail_and_draft_is_404_for_public(client, client_for, clerk, regions, high_tech):
    response = client.get(f"/policies/{high_tech.pk}/")
    assert "研发费用占销售收入比例 ≥ 5%（年销售收入 ≤ 5000 万元）" in response.content.decode()
    draft = PolicyFactory(status=PolicyStatus.DRAFT, region=regions["330500"])
    assert client.get(f"/policies/{draft.pk}/").status_code == 404
    assert client_for(clerk).get(f"/policies/{draft.pk}/").status_code == 200


def test_staff_see_qualifying_and_near_enterprises(client, client_for, member, clerk, handler, regions, high_tech):
    # given one qualifying and one near enterprise in 湖州, and one in 衢州
    good = EnterpriseFactory(
        region=regions["330502"],
        revenue=Decimal(4000),
        rd_expense=Decimal(220),
        high_tech_revenue=Decimal(3000),
        established=dt.date(2019, 1, 1),
    )
    near = EnterpriseFactory(
        region=regions["330521"],
        revenue=Decimal(4000),
        rd_expense=Decimal(128),
        high_tech_revenue=Decimal(3000),
        established=dt.date(2019, 1, 1),
    )
    EnterpriseFactory(region=regions["330802"])
    url = f"/policies/{high_tech.pk}/enterprises/"
    # permission matrix: anonymous → login, member → 403, any staff → 200
    assert client.get(url).status_code == 302
    assert client_for(member).get(url).status_code == 403
    assert client_for(handler).get(url).status_code == 200
    response = client_for(clerk).get(url)
    assert [e for e, _m in response.context["matches"]["eligible"]] == [good]
    assert response.context["matches"]["counts"]["eligible"] == 1
    assert [e for e, _m in response.context["matches"]["near"]] == [near]
    assert response.context["matches"]["counts"]["near"] == 1
    assert "还差 1.8 个百分点" in response.content.decode()


def test_near_and_unknown_enterprises_are_found_in_sql_whatever_their_number(client_for, clerk, regions, high_tech):
    # given three enterprises lacking a fact the policy needs, and a near one last by name
    for name in ("甲公司", "乙公司", "丙公司"):
        EnterpriseFactory(name=name, region=regions["330502"])
    near = EnterpriseFactory(
        name="龙井科技有限公司",
        region=regions["330521"],
        revenue=Decimal(4000),
        rd_expense=Decimal(128),
        high_tech_revenue=Decimal(3000),
        established=dt.date(2019, 1, 1),
    )
    # when staff open the policy's enterprises, then it is counted and listed with its gap
    matches = client_for(clerk).get(f"/policies/{high_tech.pk}/enterprises/").context["matches"]
    assert [e for e, _m in matches["near"]] == [near] and matches["counts"]["near"] == 1
    # and the three others (no high-tech product revenue on record) are counted and listed with what they lack
    assert matches["counts"]["unknown"] == 3
    assert [tuple(m.missing) for _e, m in matches["unknown"]] == [("high_tech_revenue",)] * 3
    assert "还差 1.8 个百分点" in matches["near"][0][1].unmet[0].message


def test_entitlement_pages_permission_matrix(client, client_for, member, other_member, clerk, handler, enterprise):
    policy = PolicyFactory(mode=PolicyMode.EXEMPT)
    entitlement = Entitlement.objects.create(policy=policy, enterprise=enterprise)
    assert client.get("/policies/entitlements/").status_code == 302
    assert client_for(handler).get("/policies/entitlements/").status_code == 403
    assert entitlement in client_for(member).get("/policies/entitlements/").context["page"].object_list
    assert list(client_for(other_member).get("/policies/entitlements/").context["page"].object_list) == []
    decide = f"/policies/entitlements/{entitlement.pk}/decide/"
    assert client_for(member).post(decide, {"decision": "confirm"}).status_code == 403
    response = client_for(clerk).post(decide, {"decision": "withdraw", "reason": ""}, follow=True)
    assert "撤回须填写原因" in response.content.decode()
    client_for(clerk).post(decide, {"decision": "withdraw", "reason": "重复享受"})
    entitlement.refresh_from_db()
    assert (entitlement.status, entitlement.reason) == ("withdrawn", "重复享受")


def test_entitlement_page_query_count_is_constant(client_for, clerk, num_queries):
    # given 3 entitlements, then 30: the page runs the same number of queries
    policy = PolicyFactory(mode=PolicyMode.EXEMPT)
    c = client_for(clerk)
    counts = []
    for n in (3, 27):
        for _ in range(n):
            Entitlement.objects.create(policy=policy, enterprise=EnterpriseFactory())
        c.get("/policies/entitlements/")  # warm the session
        counts.append(num_queries.get(c, "/policies/entitlements/"))
    assert counts == [5, 5]


def test_condition_preview_endpoint(client_for, admin_user, clerk):
    url = "/policies/admin/condition-preview/"
    good = client_for(admin_user).get(
        url,
        {
            "fact": "rd_ratio",
            "operator": "gte",
            "value": "5",
            "guard_fact": "revenue",
            "guard_operator": "lt",
            "guard_value": "5000",
        },
    )
    assert good.json() == {"ok": True, "text": "研发费用占销售收入比例 ≥ 5%（年销售收入 < 5000 万元）"}
    bad = client_for(admin_user).get(url, {"fact": "revenue", "operator": "between", "value": "9", "value2": "1"})
    assert bad.json()["ok"] is False
    assert "区间上下限颠倒" in bad.json()["text"]
    assert client_for(clerk).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_admin_policy_pages_render(client_for, admin_user, high_tech):
    c = client_for(admin_user)
    assert c.get(f"/admin/policies/policy/{high_tech.pk}/change/").status_code == 200
    assert c.get("/admin/policies/policy/add/").status_code == 200
    assert c.get("/admin/policies/policy/").status_code == 200


def _admin_post(client, department, region, condition: dict):
    data = {
        "title": "后台录入的政策",
        "doc_number": "湖科发〔2026〕1号",
        "department": department.pk,
        "region": region.pk,
        "board": "",
        "summary": "",
        "benefit": "奖励 5 万元",
        "benefit_amount": "5",
        "mode": "apply",
        "apply_from": "",
        "apply_to": "",
        "guide_beneficiaries": "",
        "guide_conditions": "",
        "guide_timeline": "",
        "guide_contact": "",
        "source_url": "",
        "conditions-TOTAL_FORMS": "1",
        "conditions-INITIAL_FORMS": "0",
        "conditions-MIN_NUM_FORMS": "0",
        "conditions-MAX_NUM_FORMS": "1000",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
    }
    row = {"group": "1", "value2": "", "guard_fact": "", "guard_operator": "", "guard_value": "", "guard_value2": ""}
    row.update(condition)
    data.update({f"conditions-0-{key}": value for key, value in row.items()})
    return client.post("/admin/policies/policy/add/", data)


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"fact": "revenue", "operator": "between", "value": "20000", "value2": "5000"}, "区间上下限颠倒"),
        ({"fact": "revenue", "operator": "gte", "value": "五千万"}, "不是数字"),
        ({"fact": "certifications", "operator": "gte", "value": "5"}, "不能用运算符"),
    ],
)
def test_admin_refuses_a_condition_that_cannot_be_evaluated(
    client_for, admin_user, department, regions, condition, message
):
    # given an administrator writing a policy with a bad condition; when saving; then refused, nothing saved
    response = _admin_post(client_for(admin_user), department, regions["330500"], condition)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Policy.objects.filter(title="后台录入的政策").exists()


def test_admin_saves_a_good_condition_with_rules_and_a_version(client_for, admin_user, department, regions):
    response = _admin_post(
        client_for(admin_user),
        department,
        regions["330500"],
        {"fact": "certifications", "operator": "in", "value": "高新技术企业"},
    )
    assert response.status_code == 302
    policy = Policy.objects.get(title="后台录入的政策")
    assert policy.rules == "1|certifications|in|high_tech|||||"
    assert policy.versions.count() == 1


def test_policy_detail_query_count_is_constant(client, regions, num_queries):
    # given policies with 3 and with 30 conditions: the page needs the same number of queries
    counts = []
    for n in (3, 30):
        policy = policy_with(
            [{"group": g, "fact": "staff", "operator": "gte", "value": "1"} for g in range(n)], region=regions["330500"]
        )
        counts.append(num_queries.get(client, f"/policies/{policy.pk}/"))
    assert counts == [2, 2]


def test_policy_enterprises_query_count_is_constant(client_for, clerk, regions, high_tech, num_queries):
    c = client_for(clerk)
    counts = []
    for n in (3, 27):
        for _ in range(n):
            EnterpriseFactory(region=regions["330502"])
        c.get(f"/policies/{high_tech.pk}/enterprises/")
        counts.append(num_queries.get(c, f"/policies/{high_tech.pk}/enterprises/"))
    assert counts == [13, 13]


def test_an_entitlement_decision_with_wrong_input_comes_back_on_its_page(client_for, clerk, enterprise):
    # given a pending entitlement
    entitlement = Entitlement.objects.create(policy=PolicyFactory(mode=PolicyMode.EXEMPT), enterprise=enterprise)
    decide = f"/policies/entitlements/{entitlement.pk}/decide/"
    back = "/policies/entitlements/?status=pending"
    # the page shows it with the form on its own
    page = client_for(clerk).get(decide).content.decode()
    assert 'data-testid="entitlement-decision-form"' in page and entitlement.policy.title in page
    # when the clerk withdraws without a reason
    response = client_for(clerk).post(decide, {"decision": "withdraw", "reason": "", "next": back})
    # then the page comes back with the summary linking to the reason, 撤回 still chosen, nothing changed
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="error-summary"' in html and 'href="#id_reason"' in html and "撤回须填写原因" in html
    assert re.search(r'<option value="withdraw" selected>', html)
    assert re.search(r"<title>错误：", html)
    assert f'name="next" value="{back}"' in html
    entitlement.refresh_from_db()
    assert entitlement.status == "pending"
    # and without a choice it says what to choose
    html = client_for(clerk).post(decide, {"reason": "x"}).content.decode()
    assert "请选择处理" in html and "该字段是必填项" not in html
    # and with a reason it is done, back to the list it came from
    response = client_for(clerk).post(decide, {"decision": "withdraw", "reason": "重复享受", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    entitlement.refresh_from_db()
    assert entitlement.status == "withdrawn"
    # a withdrawn entitlement offers no decision any more
    assert 'data-testid="entitlement-decision-form"' not in client_for(clerk).get(decide).content.decode()


def test_the_entitlement_decision_page_permissions_and_queries(
    client, client_for, member, clerk, handler, enterprise, num_queries
):
    entitlement = Entitlement.objects.create(policy=PolicyFactory(mode=PolicyMode.EXEMPT), enterprise=enterprise)
    decide = f"/policies/entitlements/{entitlement.pk}/decide/"
    assert client.get(decide).status_code == 302
    assert client_for(member).get(decide).status_code == 403
    assert client_for(handler).get(decide).status_code == 403
    assert client_for(clerk).get("/policies/entitlements/999999/decide/").status_code == 404
    assert num_queries.get(client_for(clerk), decide) == 4


def test_a_status_past_the_count_limit_is_shown_as_more_than_the_limit(
    client_for, clerk, regions, high_tech, monkeypatch
):
    # given three enterprises lacking a fact the policy needs, and a count limit of two
    monkeypatch.setattr("policies.selectors.COUNT_LIMIT", 2)
    for name in ("甲公司", "乙公司", "丙公司"):
        EnterpriseFactory(name=name, region=regions["330502"])
    # when staff open the policy's enterprises
    response = client_for(clerk).get(f"/policies/{high_tech.pk}/enterprises/")
    matches = response.context["matches"]
    # then the count stops past the limit and the page says "more than two"; all three are still listed
    assert matches["counts"]["unknown"] == 3 and matches["count_limit"] == 2
    assert matches["counts"]["eligible"] == 0
    assert "超过 2 家" in response.content.decode()
    assert len(matches["unknown"]) == 3
