"""The facilities API (docs/api.md): the contract shape, permissions, and constant query counts."""

import pytest

from market import actions
from market.choices import BookingStatus
from market.models import FacilityBooking
from tests.market.factories import FacilityFactory, day
from tests.portal.factories import EnterpriseFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


def payload(facility, start=None, end=None):
    start, end = start or day(2036, 12, 10), end or day(2036, 12, 12)
    return {"facility": facility.pk, "start": start.isoformat(), "end": end.isoformat()}


def test_anyone_lists_facilities_with_published_figures(api_for, facility):
    response = api_for(None).get("/api/v1/facilities/")
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["name"] == "新材料中试线" and row["capacity"] == 2 and row["unit"] == "day"
    assert row["utilisation"] == "0.00" and row["queue_length"] == 0 and row["average_wait_days"] is None


def test_a_member_books_confirmed_then_queued_with_position(api_for, department, member, other_member):
    facility = FacilityFactory(owner_department=department, capacity=1)
    first = api_for(member).post("/api/v1/facility-bookings/", payload(facility), format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["status"] == "confirmed" and first.json()["position"] is None
    second = api_for(other_member).post("/api/v1/facility-bookings/", payload(facility), format="json")
    assert second.status_code == 201
    assert second.json()["status"] == "queued" and second.json()["position"] == 1
    assert second.json()["estimated_start"] is not None
    # when the first cancels, the second holds the slot
    cancel = api_for(member).post(f"/api/v1/facility-bookings/{first.json()['id']}/cancel/", {}, format="json")
    assert cancel.status_code == 200 and cancel.json()["status"] == "cancelled"
    assert FacilityBooking.objects.get(pk=second.json()["id"]).status == BookingStatus.CONFIRMED
    # a second cancel is a conflict
    again = api_for(member).post(f"/api/v1/facility-bookings/{first.json()['id']}/cancel/", {}, format="json")
    assert again.status_code == 409


@pytest.mark.parametrize(
    "body",
    [{}, {"facility": 999999, "start": "2036-12-10T00:00+08:00", "end": "2036-12-11T00:00+08:00"}, {"start": "x"}],
)
def test_bad_input_is_a_400_and_changes_nothing(api_for, member, facility, body):
    response = api_for(member).post("/api/v1/facility-bookings/", body, format="json")
    assert response.status_code == 400
    assert FacilityBooking.objects.count() == 0


def test_a_misaligned_period_is_a_readable_400(api_for, member, facility):
    body = payload(facility, day(2036, 12, 10, 9), day(2036, 12, 11))
    response = api_for(member).post("/api/v1/facility-bookings/", body, format="json")
    assert response.status_code == 400 and "0:00" in str(response.json())


def test_permission_matrix(api_for, facility, member, other_member, handler, other_handler, clerk):
    booking = actions.booking_create(actor=member, facility=facility, start=day(2036, 12, 10), end=day(2036, 12, 11))
    url = f"/api/v1/facility-bookings/{booking.pk}/"
    assert api_for(None).post("/api/v1/facility-bookings/", payload(facility), format="json").status_code == 401
    assert api_for(handler).post("/api/v1/facility-bookings/", payload(facility), format="json").status_code == 403
    assert api_for(member).get(url).status_code == 200
    assert api_for(other_member).get(url).status_code == 404
    assert api_for(other_member).post(url + "cancel/", {}, format="json").status_code == 404
    assert api_for(other_handler).get(url).status_code == 404
    assert api_for(handler).get(url).json()["available_moves"] == ["approve", "decline"]
    assert api_for(clerk).get(url).status_code == 200
    assert api_for(member).post(url + "approve/", {}, format="json").status_code == 403
    response = api_for(handler).post(url + "decline/", {"reason": "检修"}, format="json")
    assert response.status_code == 200 and response.json()["reason"] == "检修"


@pytest.mark.parametrize("n", [3, 30])
def test_facility_list_query_count_is_constant(api_for, department, num_queries, n):
    for _ in range(n):
        FacilityFactory(owner_department=department)
    with num_queries(4):  # count, page, held bookings, queued bookings
        response = api_for(None).get("/api/v1/facilities/?page_size=50")
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [3, 30])
def test_booking_list_query_count_is_constant(api_for, department, num_queries, n):
    facility = FacilityFactory(owner_department=department, capacity=n)
    user = member_of(EnterpriseFactory(), user=UserFactory())
    for _ in range(n):
        actions.booking_create(actor=user, facility=facility, start=day(2036, 12, 10), end=day(2036, 12, 11))
    client = api_for(user)
    with num_queries(3):  # count, page, the member's enterprises
        response = client.get("/api/v1/facility-bookings/?page_size=50")
    assert response.json()["count"] == n
