"""The meetings API: public summary for anyone, full record for staff, problems posted by clerks."""

import pytest
from rest_framework.test import APIClient

from issues.models import Issue
from tests.issues.factories import at
from tests.portal.factories import EnterpriseFactory

from .factories import problem_rows, series, session

pytestmark = pytest.mark.django_db


def _client(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def meeting(clerk, enterprise, other_enterprise):
    from voice import actions

    the_session = session(clerk, [enterprise, other_enterprise])
    actions.session_register_problems(
        actor=clerk, session=the_session, problems=problem_rows([enterprise, other_enterprise], 2)
    )
    return the_session


def test_anyone_gets_the_public_summary_without_people(meeting, member):
    for user in (None, member):
        body = _client(user).get(f"/api/v1/meetings/{meeting.pk}/").json()
        assert body["problem_count"] == 2 and body["enterprise_count"] == 2
        assert "attendees" not in body and "problems" not in body
        assert "参会人" not in str(body)


def test_staff_get_the_full_record(meeting, clerk, handler):
    for user in (clerk, handler):
        body = _client(user).get(f"/api/v1/meetings/{meeting.pk}/").json()
        assert [a["person_name"] for a in body["attendees"]] == ["参会人0", "参会人1"]
        assert [set(p) for p in body["problems"]] == [{"id", "reference", "status", "reply_due"}] * 2
        assert body["problems"][0]["status"] == "submitted"


def test_clerk_posts_a_problem_with_the_meeting_channel(meeting, clerk, enterprise):
    payload = {
        "enterprise": enterprise.pk,
        "title": "园区道路无路灯",
        "description": "夜班员工出行不安全。",
        "category": "infrastructure",
    }
    response = _client(clerk).post(f"/api/v1/meetings/{meeting.pk}/problems/", payload, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["channel"] == "roundtable" and body["meeting"] == meeting.pk
    assert body["registered_at"].startswith("2026-02-11T")


def test_posting_a_problem_permission_matrix_and_bad_input(meeting, member, handler, clerk):
    url = f"/api/v1/meetings/{meeting.pk}/problems/"
    payload = {
        "enterprise": meeting.attendees.first().enterprise_id,
        "title": "t",
        "description": "d",
        "category": "tax",
    }
    before = Issue.objects.count()
    assert _client().post(url, payload, format="json").status_code == 401
    assert _client(member).post(url, payload, format="json").status_code == 403
    assert _client(handler).post(url, payload, format="json").status_code == 403
    assert _client(clerk).post("/api/v1/meetings/999999/problems/", payload, format="json").status_code == 404
    outsider = {**payload, "enterprise": EnterpriseFactory().pk}
    response = _client(clerk).post(url, outsider, format="json")
    assert response.status_code == 400 and "enterprise" in response.json()
    assert _client(clerk).post(url, {**payload, "category": "nope"}, format="json").status_code == 400
    assert Issue.objects.count() == before


def test_list_query_count_is_the_same_for_3_and_30_sessions(clerk, enterprise, other_enterprise, num_queries):
    the_series = series(clerk)

    def make(n):
        for i in range(n):
            session(clerk, [enterprise, other_enterprise], the_series=the_series, held_at=at("2026-01-07", 9 + i % 8))

    def count(user):
        client = _client(user)
        queries = num_queries.get(client, "/api/v1/meetings/?page_size=50")
        return queries, len(client.get("/api/v1/meetings/?page_size=50").json()["results"])

    make(3)
    assert count(None) == (2, 3)
    staff_three = count(clerk)
    make(27)
    assert count(None) == (2, 30)
    assert count(clerk) == (staff_three[0], 30)
    assert staff_three[0] == 4


def test_service_reviews_api_permission_matrix(department, member, clerk):
    import datetime as dt

    from django.utils import timezone

    from portal.choices import Role
    from services.models import ServiceItem
    from tests.portal.factories import UserFactory
    from voice import actions
    from voice.models import ServiceReview

    item = ServiceItem.objects.create(code="QY-001", name="企业开办", item_type="admin", department=department)
    officer = UserFactory(username="officer-1")
    application = actions.officer_apply(actor=officer, background="cppcc")
    today = timezone.localdate()
    actions.officer_decide(
        actor=UserFactory(username="admin-1", role=Role.ADMIN),
        application=application,
        approve=True,
        term_start=today - dt.timedelta(days=1),
        term_end=today + dt.timedelta(days=30),
    )
    officer.refresh_from_db()
    payload = {"service": item.pk, "efficiency": 5, "clarity": 4, "convenience": 4, "attitude": 5, "findings": ""}
    assert _client().post("/api/v1/service-reviews/", payload, format="json").status_code == 401
    assert _client(member).post("/api/v1/service-reviews/", payload, format="json").status_code == 403
    assert _client(clerk).post("/api/v1/service-reviews/", payload, format="json").status_code == 403
    bad = _client(officer).post("/api/v1/service-reviews/", {**payload, "clarity": 6}, format="json")
    assert bad.status_code == 400 and "clarity" in bad.json()
    assert ServiceReview.objects.count() == 0
    assert _client(officer).post("/api/v1/service-reviews/", payload, format="json").status_code == 201
    scores = _client().get(f"/api/v1/service-reviews/?service={item.pk}").json()
    assert scores == [
        {
            "service": item.pk,
            "code": "QY-001",
            "name": "企业开办",
            "count": 1,
            "stars": {"efficiency": 5.0, "clarity": 4.0, "convenience": 4.0, "attitude": 5.0},
            "average": 4.5,
            "trend": [{"month": today.strftime("%Y-%m"), "count": 1, "average": 4.5}],
        }
    ]
    assert _client().get("/api/v1/service-reviews/?service=x").status_code == 400
