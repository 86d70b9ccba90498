"""The market pages: who may open them, and that they show what the API shows."""

from decimal import Decimal

import pytest

from market import actions
from market.models import FacilityBooking, Purchase
from tests.market.factories import IntermediaryFactory, day

pytestmark = pytest.mark.django_db


def test_public_pages_open_to_anyone(client, facility):
    IntermediaryFactory(name="丽水某环评公司")
    assert "新材料中试线" in client.get("/market/facilities/").content.decode()
    page = client.get("/market/intermediaries/?period=2036")
    assert page.status_code == 200 and "丽水某环评公司" in page.content.decode()
    assert client.get("/market/intermediaries/?period=bad").status_code == 200


def test_member_books_from_the_page(client_for, member, facility):
    response = client_for(member).post(
        "/market/facilities/",
        {"facility": facility.pk, "start": "2036-12-10T00:00", "end": "2036-12-11T00:00"},
        follow=True,
    )
    assert response.status_code == 200
    assert FacilityBooking.objects.get().status == "confirmed"
    bad = client_for(member).post(
        "/market/facilities/", {"facility": facility.pk, "start": "2036-12-10T09:00", "end": "2036-12-11T00:00"}
    )
    assert "0:00" in bad.content.decode() and FacilityBooking.objects.count() == 1


def test_purchase_pages_permission_matrix(client, client_for, member, other_member, handler, clerk):
    purchase = actions.purchase_create(
        actor=member,
        title="环评",
        service_type="eia",
        scope="s",
        budget=Decimal(1000),
        quote_deadline=day(2036, 3, 10),
        selection_method="lowest_price",
    )
    url = f"/market/purchases/{purchase.pk}/"
    assert client.get(url).status_code == 302
    assert client_for(member).get(url).status_code == 200
    assert client_for(other_member).get(url).status_code == 404
    assert client_for(clerk).get(url).status_code == 200
    assert client_for(handler).get("/market/purchases/").status_code == 200
    assert client_for(other_member).post(url + "cancel/", {"reason": "x"}).status_code == 404
    client_for(member).post(url + "cancel/", {"reason": "项目取消"})
    assert Purchase.objects.get().status == "cancelled"


def test_only_enterprise_members_post_a_booking(client, client_for, handler, facility):
    data = {"facility": facility.pk, "start": "2036-12-10T00:00", "end": "2036-12-11T00:00"}
    assert client.post("/market/facilities/", data).status_code == 302
    assert client_for(handler).post("/market/facilities/", data).status_code == 403
    assert FacilityBooking.objects.count() == 0
