"""Bad input on the voice pages' row forms (issue 15): the page comes back (200) with the error summary, the
message next to the field, what was typed kept and nothing changed; the row pages' permission matrices."""

import datetime as dt

import pytest
from django.utils import timezone

from portal.choices import Role
from portal.models import AuditLog
from tests.portal.factories import UserFactory
from tests.voice.factories import officer_finding
from voice import actions
from voice.models import BallotCount, OfficerApplication

from .factories import common_issue, inquiry

pytestmark = pytest.mark.django_db


def ballots() -> int:
    return sum(BallotCount.objects.values_list("count", flat=True))


def test_a_ballot_without_a_choice_keeps_the_typed_code_and_counts_nothing(client, supervisor, department, num_queries):
    # Given an inquiry open for voting and a printed code
    the_inquiry = inquiry(supervisor, [department], [common_issue(supervisor, department)])
    actions.inquiry_move(actor=supervisor, inquiry=the_inquiry, move="open")
    code = actions.inquiry_issue_codes(actor=supervisor, inquiry=the_inquiry, count=1)[0]
    url = f"/voice/inquiries/{the_inquiry.pk}/"
    # When a code holder (no account) sends the code but picks no choice
    with num_queries(5):
        response = client.post(url, {"what": "ballot", "department": department.pk, "code": code})
    # Then the page comes back with the summary linking to the choice and the typed code, nothing counted
    page = response.content.decode()
    assert response.status_code == 200 and "<title>错误：" in page
    assert f'href="#id_ballot-{department.pk}-choice_0"' in page and "请选择评价：好、较好、一般或差。" in page
    assert f'value="{code}"' in page and ballots() == 0
    # And a wrong code is told next to the code field, the choice kept
    response = client.post(url, {"what": "ballot", "department": department.pk, "code": "WRONG", "choice": "good"})
    page = response.content.decode()
    assert response.status_code == 200 and "投票码无效。" in page and 'value="good"' in page and "checked" in page
    assert ballots() == 0
    # And a department that is not questioned is a 404
    assert client.post(url, {"what": "ballot", "department": "x", "choice": "good"}).status_code == 404


def test_an_empty_answer_comes_back_and_changes_nothing(client, supervisor, handler, department, num_queries):
    the_inquiry = inquiry(supervisor, [department], [common_issue(supervisor, department)])
    client.force_login(handler)
    audits = AuditLog.objects.count()
    with num_queries(9):
        response = client.post(
            f"/voice/inquiries/{the_inquiry.pk}/", {"what": "answer", "department": department.pk, "answer": "  "}
        )
    page = response.content.decode()
    assert response.status_code == 200 and "<title>错误：" in page
    assert f'href="#id_answer-{department.pk}-answer"' in page and "请填写应询答复" in page
    assert the_inquiry.departments.get().answer == "" and AuditLog.objects.count() == audits


@pytest.fixture
def finding(department):
    return officer_finding(department)


def test_a_finding_without_a_category_comes_back_with_the_chosen_enterprise(
    client, clerk, enterprise, finding, num_queries
):
    client.force_login(clerk)
    url = f"/voice/findings/{finding.pk}/raise/"
    with num_queries(7):
        response = client.post(url, {"category": "", "enterprise": enterprise.pk, "next": "/voice/findings/?page=1"})
    page = response.content.decode()
    assert response.status_code == 200 and "<title>错误：" in page and "请选择问题分类" in page
    assert f'<option value="{enterprise.pk}" selected>' in page and 'value="/voice/findings/?page=1"' in page
    finding.refresh_from_db()
    assert finding.issue is None
    # And with a category it becomes a problem, back to the list the clerk came from
    response = client.post(
        url, {"category": "approval", "enterprise": enterprise.pk, "next": "/voice/findings/?page=1"}
    )
    assert response.status_code == 302 and response["Location"] == "/voice/findings/?page=1"
    finding.refresh_from_db()
    assert finding.issue is not None


def test_an_appointment_with_a_bad_term_keeps_the_typed_dates(client, num_queries):
    applicant = UserFactory(username="applicant")
    application = actions.officer_apply(actor=applicant, background="journalist", organisation="湖州日报")
    client.force_login(UserFactory(username="admin-y", role=Role.ADMIN))
    url = f"/voice/officers/applications/{application.pk}/decide/"
    with num_queries(7):
        response = client.post(url, {"approve": "1", "term_start": "2026-12-01", "term_end": "2026-01-01"})
    page = response.content.decode()
    assert response.status_code == 200 and "<title>错误：" in page
    assert "请填写聘期，结束日期须晚于开始日期。" in page and 'href="#id_decide-' in page
    assert 'value="2026-12-01"' in page and 'value="2026-01-01"' in page
    # And no decision at all is asked for, not taken as 聘任
    response = client.post(url, {"term_start": "2026-12-01", "term_end": "2027-11-30"})
    assert response.status_code == 200 and "请选择“聘任”或“不予聘任”。" in response.content.decode()
    assert OfficerApplication.objects.get().status == "pending"
    today = timezone.localdate()
    good = {"approve": "1", "term_start": today.isoformat(), "term_end": (today + dt.timedelta(days=365)).isoformat()}
    assert client.post(url, good).status_code == 302
    assert OfficerApplication.objects.get().status == "approved"


def test_row_pages_permission_matrix(client, member, handler, clerk, finding):
    application = actions.officer_apply(actor=UserFactory(username="applicant"), background="journalist")
    admin = UserFactory(username="admin-z", role=Role.ADMIN)
    for url, right in (
        (f"/voice/findings/{finding.pk}/raise/", clerk),
        (f"/voice/officers/applications/{application.pk}/decide/", admin),
    ):
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        for user in (member, handler):
            client.force_login(user)
            assert client.get(url).status_code == 403
        client.force_login(right)
        assert client.get(url).status_code == 200
        assert client.get(url.replace(f"/{url.split('/')[-3]}/", "/999999/")).status_code == 404
