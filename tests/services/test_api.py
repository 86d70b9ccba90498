"""The public API of the services app (docs/api.md): bundles, applications, task moves."""

import pytest

from services.choices import TaskStatus
from services.models import Application

pytestmark = pytest.mark.django_db


def test_bundles_are_public_and_filterable(api_for, opening):
    from services.choices import BundleKind
    from tests.services.factories import BundleFactory

    BundleFactory(kind=BundleKind.INDUSTRY_CHAIN, stage="", chain="民宿", name="民宿产业链一类事")
    BundleFactory(published=False, name="草稿")
    response = api_for().get("/api/v1/bundles/")
    assert response.status_code == 200
    names = [b["name"] for b in response.json()["results"]]
    assert "企业开办一类事" in names and "草稿" not in names
    only_chain = api_for().get("/api/v1/bundles/", {"kind": "industry_chain"}).json()["results"]
    assert [b["name"] for b in only_chain] == ["民宿产业链一类事"]
    assert api_for().get("/api/v1/bundles/", {"q": "发票"}).json()["count"] == 1


def test_bundle_detail_lists_items_with_rules(api_for, opening, department):
    body = api_for().get(f"/api/v1/bundles/{opening.bundle.pk}/").json()
    items = {i["service"]["name"]: i for i in body["items"]}
    assert items["企业设立登记"]["kind"] == "basic" and items["企业设立登记"]["required"] is True
    assert items["免费刻章"]["excludes"] == [opening.paid_seal.pk]
    assert items["银行开户专人对接"]["requires"] == [opening.bank_booking.pk]
    assert items["企业设立登记"]["service"]["department"] == {
        "id": department.pk,
        "code": "hz-amr",
        "name": department.name,
    }
    assert items["企业设立登记"]["service"]["promised_days"] == 1


def test_member_submits_and_gets_a_reference(api_for, member, opening):
    payload = {
        "bundle": opening.bundle.pk,
        "selected": [opening.free_seal.pk],
        "contact_name": "沈建国",
        "contact_phone": "13812345678",
        "idempotency_key": "api-1",
    }
    response = api_for(member).post("/api/v1/applications/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"].startswith("YLS") and body["channel"] == "online" and body["status"] == "submitted"
    assert {i["service_code"] for i in body["items"]} == {"330000-AMR-001", "330000-TAX-001", "330000-VA-001"}
    assert set(body["items"][0]) >= {"id", "service_code", "name", "kind", "department", "status", "due_date"}
    # the same key again returns the same application, nothing new
    again = api_for(member).post("/api/v1/applications/", payload, format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"selected": [999999]}, "selected", "不属于一类事"),
        ("excludes", "selected", "不能同时选择"),
        ("requires", "selected", "需要同时选择"),
        ({"bundle": 999999}, "bundle", "一类事不存在"),
        ({"contact_phone": "x"}, "contact_phone", "有效的联系电话"),
        ("unpublished", "selected", "已下架"),
        ("other_enterprise", "enterprise", "不能为其申请"),
    ],
)
def test_bad_submissions_are_400_with_a_message(api_for, member, opening, other_enterprise, change, field, message):
    payload = {"bundle": opening.bundle.pk, "selected": [], "contact_name": "沈", "contact_phone": "13812345678"}
    if change == "excludes":
        payload["selected"] = [opening.free_seal.pk, opening.paid_seal.pk]
    elif change == "requires":
        payload["selected"] = [opening.bank_contact.pk]
    elif change == "unpublished":
        opening.bundle.published = False
        opening.bundle.save()
    elif change == "other_enterprise":
        payload["enterprise"] = other_enterprise.pk
    else:
        payload.update(change)
    response = api_for(member).post("/api/v1/applications/", payload, format="json")
    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert Application.objects.count() == 0


def test_clerk_submits_for_an_enterprise_at_the_window(api_for, clerk, opening, enterprise):
    payload = {
        "bundle": opening.bundle.pk,
        "enterprise": enterprise.pk,
        "contact_name": "沈",
        "contact_phone": "0572-2398000",
    }
    response = api_for(clerk).post("/api/v1/applications/", payload, format="json")
    assert response.status_code == 201
    assert response.json()["channel"] == "window"
    missing = api_for(clerk).post("/api/v1/applications/", {**payload, "enterprise": None}, format="json")
    assert missing.status_code == 400


def test_who_may_submit(api_for, handler, opening):
    payload = {"bundle": opening.bundle.pk, "contact_name": "沈", "contact_phone": "13812345678"}
    assert api_for().post("/api/v1/applications/", payload, format="json").status_code == 401
    assert api_for(handler).post("/api/v1/applications/", payload, format="json").status_code == 403


def test_visibility_of_applications_and_tasks(api_for, member, other_member, handler, other_handler, clerk, submit):
    application = submit()
    amr_task = application.items.get(service_code="330000-AMR-001")
    tax_task = application.items.get(service_code="330000-TAX-001")
    # the enterprise sees it, another enterprise gets 404
    assert api_for(member).get(f"/api/v1/applications/{application.pk}/").status_code == 200
    assert api_for(other_member).get(f"/api/v1/applications/{application.pk}/").status_code == 404
    assert api_for(other_member).get("/api/v1/applications/").json()["count"] == 0
    assert api_for(other_member).get(f"/api/v1/application-items/{amr_task.pk}/").status_code == 404
    # a department sees only its own tasks
    ids = {t["id"] for t in api_for(handler).get("/api/v1/application-items/").json()["results"]}
    assert amr_task.pk in ids and tax_task.pk not in ids
    assert api_for(clerk).get("/api/v1/applications/").json()["count"] == 1


def test_task_moves_by_the_department(api_for, handler, other_handler, member, submit):
    task = submit().items.get(service_code="330000-AMR-001")
    url = f"/api/v1/application-items/{task.pk}"
    # another department: 404; the enterprise: 403; nothing moved
    assert api_for(other_handler).post(f"{url}/accept/").status_code == 404
    assert api_for(member).post(f"{url}/accept/").status_code == 403
    assert api_for().post(f"{url}/accept/").status_code == 401
    # the department accepts; accepting again is a 409
    response = api_for(handler).post(f"{url}/accept/")
    assert response.status_code == 200 and response.json()["status"] == TaskStatus.ACCEPTED
    assert api_for(handler).post(f"{url}/accept/").status_code == 409
    # completing needs a result
    assert api_for(handler).post(f"{url}/complete/", {}, format="json").status_code == 400
    done = api_for(handler).post(f"{url}/complete/", {"result": "营业执照已核发"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done"


def test_reject_needs_a_reason(api_for, handler, submit):
    task = submit().items.get(service_code="330000-AMR-001")
    url = f"/api/v1/application-items/{task.pk}/reject/"
    assert api_for(handler).post(url, {"reason": ""}, format="json").status_code == 400
    response = api_for(handler).post(url, {"reason": "不属于本部门受理范围"}, format="json")
    assert response.status_code == 200 and response.json()["reason"] == "不属于本部门受理范围"


def test_api_lists_have_constant_query_counts(api_for, member, handler, submit, opening, num_queries):
    from tests.services.factories import BundleFactory, BundleItemFactory

    def grow(n):
        for _ in range(n):
            submit()
            BundleItemFactory(bundle=BundleFactory())

    grow(3)
    counts = [
        num_queries.get(api_for(member), "/api/v1/applications/"),
        num_queries.get(api_for(handler), "/api/v1/application-items/"),
        num_queries.get(api_for(), "/api/v1/bundles/"),
    ]
    grow(27)
    again = [
        num_queries.get(api_for(member), "/api/v1/applications/"),
        num_queries.get(api_for(handler), "/api/v1/application-items/"),
        num_queries.get(api_for(), "/api/v1/bundles/"),
    ]
    assert again == counts == [3, 2, 2]


def test_task_list_filters(api_for, handler, submit):
    from services.models import ApplicationItem

    application = submit()
    ApplicationItem.objects.filter(application=application, service_code="330000-AMR-001").update(due_date="2020-01-01")
    client = api_for(handler)
    overdue = client.get("/api/v1/application-items/", {"due": "overdue"}).json()
    assert [t["service_code"] for t in overdue["results"]] == ["330000-AMR-001"] and overdue["results"][0]["overdue"]
    assert client.get("/api/v1/application-items/", {"status": "done"}).json()["count"] == 0
    assert client.get("/api/v1/application-items/", {"q": application.reference}).json()["count"] == 2
    assert client.get("/api/v1/application-items/", {"status": "nonsense"}).status_code == 400
