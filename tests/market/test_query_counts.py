"""Query counts of the market's list pages and public lists: pinned, and the same for 3 rows and 30."""

from decimal import Decimal

import pytest

from market import actions
from tests.market.factories import FacilityFactory, IntermediaryFactory, day, intermediary_member

pytestmark = pytest.mark.django_db


def purchases(member, n):
    made = []
    for _ in range(n):
        made.append(
            actions.purchase_create(
                actor=member,
                title="环评",
                service_type="eia",
                scope="s",
                budget=Decimal(100000),
                quote_deadline=day(2036, 3, 10),
                selection_method="lowest_price",
                now=day(2036, 3, 1),
            )
        )
    return made


@pytest.mark.parametrize("n", [3, 30])
def test_facilities_page(client, department, num_queries, n):
    for _ in range(n):
        FacilityFactory(owner_department=department)
    with num_queries(3):  # facilities, held bookings, queued bookings
        assert client.get("/market/facilities/").status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_bookings_page(client_for, department, member, num_queries, n):
    facility = FacilityFactory(owner_department=department, capacity=n)
    for _ in range(n):
        actions.booking_create(actor=member, facility=facility, start=day(2036, 12, 10), end=day(2036, 12, 11))
    client = client_for(member)
    with num_queries(6):  # session, user, inbox badge, count, page, own enterprises, …
        assert client.get("/market/bookings/").status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_intermediaries_page(client, num_queries, n):
    for _ in range(n):
        IntermediaryFactory()
    with num_queries(4):  # count, page, savings, latest results
        assert client.get("/market/intermediaries/?period=2036").status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_purchases_page(client_for, member, num_queries, n):
    purchases(member, n)
    client = client_for(member)
    with num_queries(6):
        assert client.get("/market/purchases/").status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_purchase_results_api(api_for, member, num_queries, n):
    for purchase in purchases(member, n):
        firm = IntermediaryFactory()
        actions.quote_submit(
            actor=intermediary_member(firm), purchase=purchase, price=Decimal(90000), now=day(2036, 3, 2)
        )
        actions.purchase_select(actor=member, purchase=purchase, now=day(2036, 3, 11))
    with num_queries(2):
        response = api_for(None).get("/api/v1/purchase-results/?page_size=50")
    assert response.json()["count"] == n
