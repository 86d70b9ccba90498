"""The policies API: list (anyone, constant queries), match (shape, what-if writes nothing, bad input),
entitlements (permission matrix)."""

import datetime as dt
from decimal import Decimal

import pytest

from policies.choices import PolicyMode, PolicyStatus
from policies.models import Entitlement
from portal.models import AuditLog, EnterpriseCertification
from tests.policies.factories import HIGH_TECH_CONDITIONS, PolicyFactory, policy_with, region_tree
from tests.portal.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
MATCH = "/api/v1/policies/match/"


@pytest.fixture
def regions(db):
    return region_tree()


@pytest.fixture
def policies(regions):
    """高企 (湖州), a certification policy, an industry policy (衢州 only) and a draft."""
    high_tech = policy_with(
        HIGH_TECH_CONDITIONS, title="高新技术企业认定奖励", region=regions["330500"], benefit_amount=Decimal(30)
    )
    sme = policy_with(
        [{"group": 1, "fact": "certifications", "operator": "in", "value": "tech_sme"}],
        title="科技型中小企业研发补助",
        region=regions["330000"],
        benefit_amount=Decimal(5),
        mode=PolicyMode.EXEMPT,
    )
    quzhou = policy_with(
        [{"group": 1, "fact": "staff", "operator": "gte", "value": "1"}],
        title="衢州专项",
        region=regions["330800"],
        benefit_amount=Decimal(1),
    )
    draft = policy_with([], title="草稿政策", region=regions["330500"], status=PolicyStatus.DRAFT)
    return {"high_tech": high_tech, "sme": sme, "quzhou": quzhou, "draft": draft}


def test_policy_list_is_public_and_published_only(api_for, policies):
    response = api_for(None).get("/api/v1/policies/")
    assert response.status_code == 200
    titles = [p["title"] for p in response.json()["results"]]
    assert titles == ["高新技术企业认定奖励", "科技型中小企业研发补助", "衢州专项"]  # by benefit, drafts hidden
    first = response.json()["results"][0]
    assert first["conditions"][1]["text"] == "研发费用占销售收入比例 ≥ 5%（年销售收入 ≤ 5000 万元）"
    assert set(first["guide"]) == {"beneficiaries", "conditions", "timeline", "contact", "source_url"}
    assert first["department"].keys() >= {"id", "code", "name"}


def test_policy_list_filters(api_for, policies):
    client = api_for(None)
    assert [p["title"] for p in client.get("/api/v1/policies/?region=330502").json()["results"]] == [
        "高新技术企业认定奖励",
        "科技型中小企业研发补助",
    ]
    assert [p["title"] for p in client.get("/api/v1/policies/?mode=exempt").json()["results"]] == [
        "科技型中小企业研发补助"
    ]
    assert client.get("/api/v1/policies/?q=衢州").json()["count"] == 1


@pytest.mark.parametrize("n", [3, 30])
def test_policy_list_query_count_is_constant(api_for, regions, num_queries, n):
    for _ in range(n):
        policy_with([{"group": 1, "fact": "staff", "operator": "gte", "value": "1"}], region=regions["330500"])
    with num_queries(3):  # count, page, conditions
        response = api_for(None).get("/api/v1/policies/")
    assert response.json()["count"] == n


def test_match_an_enterprise_has_the_contract_shape(api_for, member, enterprise, policies, regions):
    # given the member's enterprise in 吴兴区: revenue 6000万, R&D 180万 (3%), high-tech revenue 4200万
    enterprise.region = regions["330502"]
    enterprise.rd_expense, enterprise.high_tech_revenue = Decimal(180), Decimal(4200)
    enterprise.save()
    EnterpriseCertification.objects.create(enterprise=enterprise, code="tech_sme")
    # when matched
    response = api_for(member).post(MATCH, {"enterprise": enterprise.pk}, format="json")
    # then the sme policy is eligible (with its mode), 高企 is near with the gap, 衢州 not applicable
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"eligible", "near", "unknown", "not_applicable_count"}
    assert [(e["policy"]["title"], e["mode"]) for e in body["eligible"]] == [("科技型中小企业研发补助", "exempt")]
    [near] = body["near"]
    assert near["policy"]["title"] == "高新技术企业认定奖励"
    [unmet] = near["unmet"]
    assert {k: unmet[k] for k in ("field", "operator", "required", "actual", "gap")} == {
        "field": "rd_ratio",
        "operator": "gte",
        "required": 4.0,
        "actual": 3.0,
        "gap": 1.0,
    }
    assert unmet["message"] == "需 ≥ 4%，当前 3%，还差 1 个百分点"
    assert body["unknown"] == []
    assert body["not_applicable_count"] == 1


def test_pure_what_if_lists_missing_facts(api_for, member, policies):
    response = api_for(member).post(
        MATCH, {"profile": {"region": "330502", "certifications": [], "established": "2020-01-01"}}, format="json"
    )
    body = response.json()
    assert response.status_code == 200
    [unknown] = body["unknown"]
    assert unknown["policy"]["title"] == "高新技术企业认定奖励"
    assert set(unknown["missing"]) == {"revenue", "rd_expense", "high_tech_revenue", "staff", "tech_staff"}
    assert [n["policy"]["title"] for n in body["near"]] == ["科技型中小企业研发补助"]


def test_what_if_never_writes(api_for, member, enterprise, policies, regions, num_queries):
    # given the member's enterprise; when a what-if overrides its facts
    enterprise.region = regions["330502"]
    enterprise.save()
    before = (Entitlement.objects.count(), AuditLog.objects.count())
    responses = []
    writes = num_queries.writes(
        lambda: responses.append(
            api_for(member).post(
                MATCH,
                {"enterprise": enterprise.pk, "profile": {"rd_expense": "400", "certifications": ["tech_sme"]}},
                format="json",
            )
        )
    )
    response = responses[0]
    # then the answer reflects the profile, and not one INSERT/UPDATE/DELETE ran
    assert response.status_code == 200
    assert [e["policy"]["title"] for e in response.json()["eligible"]] == ["科技型中小企业研发补助"]
    assert writes == []
    enterprise.refresh_from_db()
    assert enterprise.rd_expense == Decimal(300)
    assert (Entitlement.objects.count(), AuditLog.objects.count()) == before


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"profile": {"revenue": "-1"}}, "revenue", "年销售收入不能为负数。"),
        ({"profile": {"staff": -3}}, "staff", "职工总数不能为负数。"),
        ({"profile": {"profit": 5}}, "profit", "未知的事实“profit”"),
        ({"profile": {"revenue": "很多"}}, "revenue", ""),
        ({"profile": {"region": "999999"}}, "region", "区划代码“999999”不存在。"),
        ({"profile": {"industry": "C99"}}, "industry", "不存在"),
        ({"profile": {"certifications": ["iso"]}}, "certifications", ""),
        ({"profile": {"staff": 10, "tech_staff": 11}}, "tech_staff", "科技人员数不能多于职工总数。"),
        ({"profile": {"revenue": "10", "high_tech_revenue": "11"}}, "high_tech_revenue", "不能多于年销售收入"),
        ({"profile": {"established": "2999-01-01"}}, "established", "成立日期不能晚于今天。"),
        ({"profile": {"revenue": "1e20"}}, "revenue", ""),
    ],
)
def test_bad_profile_is_refused_with_a_clear_message(api_for, member, policies, payload, field, message):
    response = api_for(member).post(MATCH, payload, format="json")
    assert response.status_code == 400
    errors = response.json()["profile"][field]
    assert message in str(errors)


def test_match_needs_something(api_for, member):
    response = api_for(member).post(MATCH, {}, format="json")
    assert response.status_code == 400
    assert "请提供企业" in str(response.json())


def test_match_permissions(api_for, member, other_enterprise, enterprise, clerk, policies):
    # anonymous → 401; another enterprise → 404; own → 200; staff any → 200
    assert api_for(None).post(MATCH, {"enterprise": enterprise.pk}, format="json").status_code == 401
    assert api_for(member).post(MATCH, {"enterprise": other_enterprise.pk}, format="json").status_code == 404
    assert api_for(member).post(MATCH, {"enterprise": enterprise.pk}, format="json").status_code == 200
    assert api_for(clerk).post(MATCH, {"enterprise": other_enterprise.pk}, format="json").status_code == 200


def test_entitlement_api_permission_matrix(api_for, member, other_member, clerk, handler, enterprise, policies):
    entitlement = Entitlement.objects.create(policy=policies["sme"], enterprise=enterprise)
    url = f"/api/v1/entitlements/{entitlement.pk}/"
    assert api_for(None).get(url).status_code == 401
    assert api_for(handler).get(url).status_code == 403
    assert api_for(other_member).get(url).status_code == 404
    assert api_for(member).get(url).status_code == 200
    assert api_for(member).post(url + "confirm/", {}, format="json").status_code == 403
    response = api_for(clerk).post(url + "withdraw/", {"reason": ""}, format="json")
    assert response.status_code == 400
    assert "撤回须填写原因" in str(response.json())
    assert api_for(clerk).post(url + "confirm/", {"reason": "已核定"}, format="json").json()["status"] == "confirmed"
    assert api_for(clerk).post(url + "confirm/", {}, format="json").status_code == 409


@pytest.mark.parametrize("n", [3, 30])
def test_entitlement_list_query_count_is_constant(api_for, clerk, regions, num_queries, n):
    policy = PolicyFactory(region=regions["330500"], mode=PolicyMode.EXEMPT)
    for _ in range(n):
        Entitlement.objects.create(policy=policy, enterprise=EnterpriseFactory(established=dt.date(2020, 1, 1)))
    client = api_for(clerk)
    with num_queries(2):
        response = client.get("/api/v1/entitlements/")
    assert response.json()["count"] == n


@pytest.mark.parametrize(
    "payload",
    [{"profile": "revenue=5"}, {"profile": [1, 2]}, {"enterprise": "abc"}, {"enterprise": 999999}, {"profile": None}],
)
def test_odd_input_is_a_4xx_never_a_500(api_for, member, payload):
    response = api_for(member).post(MATCH, payload, format="json")
    assert 400 <= response.status_code < 500
