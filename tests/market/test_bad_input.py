"""Bad input on the market's move forms (issue 15): the page comes back (200) with the error summary, the
message next to the field, what was typed kept and nothing changed — not a redirect that loses the input."""

import datetime as dt

import pytest

from market import actions
from market.models import FacilityBooking, Purchase
from portal.models import AuditLog
from tests.market.factories import day
from tests.market.test_marketplace import AFTER, delivered, post, quote, quoting

pytestmark = pytest.mark.django_db


def test_a_decline_without_a_reason_comes_back_on_the_bookings_own_page(
    client_for, member, handler, facility, num_queries
):
    # Given a confirmed booking of the handler's department's facility
    booking = actions.booking_create(actor=member, facility=facility, start=day(2036, 12, 10), end=day(2036, 12, 11))
    client = client_for(handler)
    url = f"/market/bookings/{booking.pk}/decline/"
    audits = AuditLog.objects.count()
    # When the owner declines with only spaces as the reason
    with num_queries(9):
        response = client.post(url, {"reason": "   ", "next": "/market/bookings/?page=1"})
    # Then the booking's page comes back with the summary and the message, and nothing changed
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-summary"' in page and "请填写理由。" in page and 'href="#id_decline-' in page
    assert "<title>错误：" in page and 'value="/market/bookings/?page=1"' in page
    assert FacilityBooking.objects.get().status == "confirmed" and AuditLog.objects.count() == audits
    # And GET shows the same page, and a reason declines it
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "设备检修"}).status_code == 302
    assert FacilityBooking.objects.get().status == "declined"


def test_the_bookings_list_names_each_rows_reason_field(client_for, member, handler, facility):
    for start in (day(2036, 12, 10), day(2036, 12, 12)):
        actions.booking_create(actor=member, facility=facility, start=start, end=start + dt.timedelta(days=1))
    page = client_for(handler).get("/market/bookings/").content.decode()
    ids = [b.pk for b in FacilityBooking.objects.all()]
    for pk in ids:
        assert f'id="id_decline-{pk}-reason"' in page and f'for="id_decline-{pk}-reason"' in page


def test_a_contract_with_a_bad_date_keeps_the_typed_price(client_for, member, num_queries):
    # Given a purchase whose intermediary has been selected
    purchase = post(member)
    quote(purchase, quoting(1)[0], 150000)
    actions.purchase_select(actor=member, purchase=purchase, now=AFTER)
    client = client_for(member)
    # When the member types a price and a date the browser cannot have sent
    with num_queries(8):
        response = client.post(
            f"/market/purchases/{purchase.pk}/contract/", {"contract_price": "149800.50", "delivery_due": "2036-13-01"}
        )
    # Then the purchase page comes back with the typed price, the summary linking to the date, nothing changed
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="149800.50"' in page and 'href="#id_contract-delivery_due"' in page
    assert "<title>错误：" in page
    assert Purchase.objects.get().status == "selected" and Purchase.objects.get().contract_price is None


def test_a_low_rating_without_a_reason_and_a_cancel_without_one_come_back(client_for, member, num_queries):
    purchase = delivered(member)
    client = client_for(member)
    # When the member rates 1 with no reason: the action's rule (「不满意的评价请说明理由」) on the page
    with num_queries(13):
        response = client.post(f"/market/purchases/{purchase.pk}/rate/", {"rating": "1", "comment": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "不满意的评价请说明理由。" in page
    assert '<option value="1" selected>' in page
    assert Purchase.objects.get().status == "delivered"
    # And an open purchase cancelled without a reason stays open
    other = post(member)
    response = client.post(f"/market/purchases/{other.pk}/cancel/", {"reason": ""})
    assert response.status_code == 200 and "请填写理由。" in response.content.decode()
    assert Purchase.objects.get(pk=other.pk).status == "open"
