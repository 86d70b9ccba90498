"""The 中介超市 API (docs/api.md): contract shape, permission matrix, sealed quotes, constant queries."""

import datetime as dt
from decimal import Decimal

import pytest

from market import actions
from market.choices import PurchaseStatus
from market.models import Purchase, Quote
from tests.market.factories import IntermediaryFactory, day, intermediary_member

pytestmark = pytest.mark.django_db

DEADLINE = day(2036, 3, 10, 17)


def body(**overrides):
    return {
        "title": "厂房扩建项目安全评价",
        "service_type": "eia",
        "scope": "编制安全预评价报告",
        "budget": "120000.00",
        "quote_deadline": DEADLINE.isoformat(),
        "selection_method": "lowest_price",
        **overrides,
    }


def test_anyone_lists_verified_intermediaries_with_the_contract_fields(api_for):
    firm = IntermediaryFactory()
    IntermediaryFactory(status="pending")
    rows = api_for(None).get("/api/v1/intermediaries/").json()["results"]
    assert [r["id"] for r in rows] == [firm.pk]
    assert {"id", "uscc", "name", "service_types", "credit_score", "rating"} <= set(rows[0])
    assert rows[0]["service_types"] == ["eia"] and rows[0]["credit_score"] == "77.5" and rows[0]["rating"] is None


def test_post_quote_select_and_see_the_result(api_for, member, other_member, clerk):
    # given an enterprise posting a purchase
    response = api_for(member).post("/api/v1/purchases/", body(), format="json")
    assert response.status_code == 201, response.json()
    purchase_id = response.json()["id"]
    assert response.json()["status"] == "open" and response.json()["reference"].startswith("ZJ")
    # when two qualified intermediaries quote
    firms = [IntermediaryFactory(), IntermediaryFactory()]
    quoters = [intermediary_member(f) for f in firms]
    url = f"/api/v1/purchases/{purchase_id}/"
    for user, price in zip(quoters, ["110000", "98000"], strict=True):
        quoted = api_for(user).post(url + "quotes/", {"price": price}, format="json")
        assert quoted.status_code == 201, quoted.json()
    # then each quoter sees only its own quote; the enterprise sees none before the deadline
    assert [q["price"] for q in api_for(quoters[0]).get(url).json()["quotes"]] == ["110000.00"]
    assert api_for(member).get(url).json()["quotes"] == []
    assert api_for(member).get(url).json()["quote_count"] == 2
    # and selecting before the deadline is refused
    assert api_for(member).post(url + "select/", {}, format="json").status_code == 400
    Purchase.objects.filter(pk=purchase_id).update(quote_deadline=day(2020, 1, 1))
    Quote.objects.update(submitted_at=day(2019, 12, 1))
    selected = api_for(member).post(url + "select/", {}, format="json")
    assert selected.status_code == 200, selected.json()
    assert selected.json()["status"] == "selected" and selected.json()["winner"]["intermediary"] == firms[1].pk
    assert len(selected.json()["quotes"]) == 2
    # the permission matrix of the detail
    assert api_for(other_member).get(url).status_code == 404
    assert api_for(None).get(url).status_code == 401
    assert api_for(clerk).get(url).status_code == 200
    assert api_for(quoters[1]).get(url).status_code == 200
    # the result is published to anyone
    results = api_for(None).get("/api/v1/purchase-results/").json()["results"]
    assert [r["id"] for r in results] == [purchase_id] and results[0]["quotes"] == []


def test_an_expired_qualification_is_a_readable_400(api_for, member):
    purchase = actions.purchase_create(
        actor=member,
        title="t",
        service_type="eia",
        scope="s",
        budget=Decimal(1000),
        quote_deadline=DEADLINE,
        selection_method="lowest_price",
    )
    firm = IntermediaryFactory(qualified_until=dt.date(2020, 1, 1))
    response = api_for(intermediary_member(firm)).post(
        f"/api/v1/purchases/{purchase.pk}/quotes/", {"price": "900"}, format="json"
    )
    # the verified firm of the service type sees the open purchase, but its expired qualification stops the quote
    assert response.status_code == 400, response.json()
    assert "资质" in str(response.json())


@pytest.mark.parametrize(
    "overrides",
    [{"budget": "-5"}, {"service_type": "magic"}, {"quote_deadline": "2020-01-01T00:00+08:00"}, {"title": ""}],
)
def test_bad_purchases_are_400_and_change_nothing(api_for, member, overrides):
    assert api_for(member).post("/api/v1/purchases/", body(**overrides), format="json").status_code == 400
    assert Purchase.objects.count() == 0


def test_only_enterprise_members_post(api_for, handler):
    assert api_for(handler).post("/api/v1/purchases/", body(), format="json").status_code == 403
    assert api_for(None).post("/api/v1/purchases/", body(), format="json").status_code == 401


def test_stats_for_a_period(api_for, member):
    purchase = actions.purchase_create(
        actor=member,
        title="t",
        service_type="eia",
        scope="s",
        budget=Decimal(100000),
        quote_deadline=day(2036, 1, 5),
        selection_method="lowest_price",
        now=day(2036, 1, 1),
    )
    firm = IntermediaryFactory()
    actions.quote_submit(actor=intermediary_member(firm), purchase=purchase, price=Decimal(80000), now=day(2036, 1, 2))
    actions.purchase_select(actor=member, purchase=purchase, now=day(2036, 1, 6))
    actions.purchase_contract(
        actor=member,
        purchase=purchase,
        contract_price=Decimal(80000),
        delivery_due=dt.date(2036, 2, 1),
        now=day(2036, 1, 7),
    )
    data = api_for(None).get("/api/v1/intermediary-stats/?period=2036-01").json()
    assert data["budget_total"] == "100000.00" and data["contract_total"] == "80000.00"
    assert data["saved"] == "20000.00" and data["saving_rate"] == "20.00"
    assert api_for(None).get("/api/v1/intermediary-stats/?period=x").status_code == 400
    assert purchase.status == PurchaseStatus.CONTRACTED


@pytest.mark.parametrize("n", [3, 30])
def test_intermediary_list_query_count_is_constant(api_for, num_queries, n):
    for _ in range(n):
        IntermediaryFactory()
    with num_queries(2):
        response = api_for(None).get("/api/v1/intermediaries/?page_size=50")
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [3, 30])
def test_purchase_list_query_count_is_constant(api_for, member, num_queries, n):
    for _ in range(n):
        actions.purchase_create(
            actor=member,
            title="t",
            service_type="eia",
            scope="s",
            budget=Decimal(1000),
            quote_deadline=DEADLINE,
            selection_method="lowest_price",
        )
    client = api_for(member)
    with num_queries(4):  # count, page, own intermediaries' types, own enterprises
        response = client.get("/api/v1/purchases/?page_size=50")
    assert response.json()["count"] == n


def test_an_intermediary_registers_through_the_api_and_waits_for_verification(api_for, region):
    from tests.portal.factories import UserFactory

    user = UserFactory()
    payload = {
        "uscc": "91350100M000100Y43",
        "name": "丽水某造价咨询有限公司",
        "region": "330500",
        "service_types": ["cost"],
        "fee_standard": "按造价 0.5%",
        "qualifications": [
            {"service_type": "cost", "name": "造价咨询登记", "number": "ZJ-001", "expires_on": "2030-01-01"}
        ],
    }
    response = api_for(user).post("/api/v1/intermediaries/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "pending"
    assert api_for(None).get("/api/v1/intermediaries/").json()["count"] == 0
    again = api_for(UserFactory()).post("/api/v1/intermediaries/", payload, format="json")
    assert again.status_code == 400 and "已登记" in str(again.json())
    bad = api_for(UserFactory()).post("/api/v1/intermediaries/", {**payload, "uscc": "123"}, format="json")
    assert bad.status_code == 400 and "18 位" in str(bad.json())
    assert api_for(None).post("/api/v1/intermediaries/", payload, format="json").status_code == 401


def test_intermediaries_filter_by_service_type(api_for, client):
    from market.choices import ServiceType

    eia = IntermediaryFactory(name="环评甲", service_types=[ServiceType.EIA, ServiceType.SAFETY])
    IntermediaryFactory(name="测绘乙", service_types=[ServiceType.SURVEY])
    rows = api_for(None).get("/api/v1/intermediaries/?service_type=safety").json()["results"]
    assert [r["id"] for r in rows] == [eia.pk]
    assert api_for(None).get("/api/v1/intermediaries/?service_type=magic").status_code == 400
    page = client.get("/market/intermediaries/?service_type=survey").content.decode()
    assert "测绘乙" in page and "环评甲" not in page


def test_a_member_renews_a_qualification_and_quotes_again(api_for, member):
    firm = IntermediaryFactory(qualified_until=dt.date(2020, 1, 1))
    user = intermediary_member(firm)
    url = f"/api/v1/intermediaries/{firm.pk}/qualifications/"
    renewal = {"service_type": "eia", "name": "环评资质（换证）", "number": "HP-2031", "expires_on": "2040-12-31"}
    assert api_for(member).post(url, renewal, format="json").status_code == 404
    assert api_for(user).post(url, {**renewal, "service_type": "legal"}, format="json").status_code == 400
    assert api_for(user).post(url, renewal, format="json").status_code == 201
    purchase = actions.purchase_create(
        actor=member,
        title="t",
        service_type="eia",
        scope="s",
        budget=Decimal(1000),
        quote_deadline=DEADLINE,
        selection_method="lowest_price",
    )
    quoted = api_for(user).post(f"/api/v1/purchases/{purchase.pk}/quotes/", {"price": "900"}, format="json")
    assert quoted.status_code == 201, quoted.json()
