"""The voice pages: who sees what, the batch form, the ballot form, the officers' page."""

import datetime as dt

import pytest
from django.utils import timezone

from issues.models import Issue
from portal.choices import Role
from tests.issues.factories import at
from tests.portal.factories import UserFactory
from voice import actions
from voice.models import ServiceReview

from .factories import common_issue, inquiry, problem_rows, series, session

pytestmark = pytest.mark.django_db


def _batch(enterprise, n=2):
    data = {"p-TOTAL_FORMS": "5", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0", "p-MAX_NUM_FORMS": "30"}
    for i in range(n):
        data.update(
            {
                f"p-{i}-enterprise": enterprise.pk,
                f"p-{i}-title": f"会上问题{i}",
                f"p-{i}-description": "厂房消防验收卡住",
                f"p-{i}-category": "approval",
            }
        )
    return data


def test_session_page_permission_matrix(client, clerk, handler, member, enterprise):
    meeting = session(clerk, [enterprise])
    actions.session_register_problems(actor=clerk, session=meeting, problems=problem_rows([enterprise], 1))
    url = f"/voice/meetings/{meeting.pk}/"
    # anyone: the public summary, no people, no batch form
    for user in (None, member):
        client.logout()
        if user:
            client.force_login(user)
        body = client.get(url).content.decode()
        assert "参会人0" not in body and 'data-testid="problem-batch"' not in body and "恳谈会问题0" not in body
    # staff: people and problems; only clerks get the batch form
    client.force_login(handler)
    body = client.get(url).content.decode()
    assert "参会人0" in body and "恳谈会问题0" in body and 'data-testid="problem-batch"' not in body
    client.force_login(clerk)
    assert 'data-testid="problem-batch"' in client.get(url).content.decode()
    assert client.get("/voice/meetings/999999/").status_code == 404


def test_batch_form_registers_the_filled_rows_only(client, clerk, member, enterprise):
    meeting = session(clerk, [enterprise])
    url = f"/voice/meetings/{meeting.pk}/"
    client.force_login(member)
    assert client.post(url, _batch(enterprise)).status_code == 403
    client.force_login(clerk)
    response = client.post(url, _batch(enterprise, 2))
    assert response.status_code == 302
    assert Issue.objects.filter(meeting_link__session=meeting, channel__code="roundtable").count() == 2
    # an empty batch is refused with a message and changes nothing
    response = client.post(url, _batch(enterprise, 0))
    assert response.status_code == 200 and "请至少填写一个问题" in response.content.decode()
    assert Issue.objects.count() == 2


def test_meeting_list_query_count_is_the_same_for_3_and_30(client, clerk, enterprise, num_queries):
    the_series = series(clerk)

    def count():
        return num_queries.get(client, "/voice/meetings/")

    for i in range(3):
        session(clerk, [enterprise], the_series=the_series, held_at=at("2026-01-07", 9 + i))
    three = count()
    for i in range(27):
        session(clerk, [enterprise], the_series=the_series, held_at=at("2026-01-08", 9) + dt.timedelta(minutes=i))
    assert count() == three == 6


def test_inquiry_page_ballot_and_tally(client, supervisor, department, deputies):
    the_inquiry = inquiry(supervisor, [department], [common_issue(supervisor, department)])
    url = f"/voice/inquiries/{the_inquiry.pk}/"
    client.force_login(supervisor)
    client.post(url, {"what": "open"})
    client.force_login(deputies[0])
    assert 'data-testid="ballot-form"' in client.get(url).content.decode()
    client.post(url, {"what": "ballot", "department": department.pk, "choice": "good"})
    response = client.post(url, {"what": "ballot", "department": department.pk, "choice": "poor"}, follow=True)
    assert "已对该部门投过票" in response.content.decode()
    # a deputy cannot close the ballot
    client.post(url, {"what": "close"})
    the_inquiry.refresh_from_db()
    assert the_inquiry.status == "voting"
    client.force_login(supervisor)
    client.post(url, {"what": "close"})
    client.logout()
    body = client.get(url).content.decode()
    assert 'data-testid="tally"' in body and "100.0%" in body


def test_officer_reviews_and_a_finding_becomes_a_problem(client, clerk, enterprise, department):
    from services.models import ServiceItem

    item = ServiceItem.objects.create(code="QY-001", name="企业开办", item_type="admin", department=department)
    officer = UserFactory(username="officer-1", role=Role.ENTERPRISE)
    application = actions.officer_apply(actor=officer, background="entrepreneur", organisation="某商会")
    admin = UserFactory(username="admin-x", role=Role.ADMIN)
    today = timezone.localdate()
    actions.officer_decide(
        actor=admin,
        application=application,
        approve=True,
        term_start=today - dt.timedelta(days=1),
        term_end=today + dt.timedelta(days=365),
    )
    officer.refresh_from_db()
    assert officer.role == Role.OFFICER
    # when the officer rates the item with findings on the page
    client.force_login(officer)
    data = {"what": "review", "service_item": item.pk, "efficiency": 2, "clarity": 3, "convenience": 2, "attitude": 5}
    assert (
        client.post("/voice/services/", {**data, "findings": "办事指南材料清单与窗口要求不一致。"}).status_code == 302
    )
    review = ServiceReview.objects.get()
    # then the clerk turns the finding into a problem in one step (channel 营商环境体验官)
    client.force_login(clerk)
    client.post(f"/voice/findings/{review.pk}/raise/", {"category": "approval", "enterprise": enterprise.pk})
    review.refresh_from_db()
    assert review.issue is not None and review.issue.channel.code == "experience-officer"
    # and the officer sees what became of it
    client.force_login(officer)
    assert review.issue.reference in client.get("/voice/services/").content.decode()
    # the published scores
    scores = client.get(f"/api/v1/service-reviews/?service={item.pk}").json()
    assert scores[0]["count"] == 1 and scores[0]["stars"]["attitude"] == 5.0 and scores[0]["average"] == 3.0


def test_the_common_problem_pages_show_the_published_tally(client, supervisor, department, deputies):
    common = common_issue(supervisor, department)
    the_inquiry = inquiry(supervisor, [department], [common])
    actions.inquiry_move(actor=supervisor, inquiry=the_inquiry, move="open")
    actions.ballot_cast(actor=deputies[0], inquiry=the_inquiry, department=department, choice="fairly_good")
    client.force_login(supervisor)
    assert 'data-testid="common-inquiries"' not in client.get(f"/insights/common/{common.pk}/").content.decode()
    actions.inquiry_move(actor=supervisor, inquiry=the_inquiry, move="close")
    body = client.get(f"/insights/common/{common.pk}/").content.decode()
    assert 'data-testid="common-inquiries"' in body and "100.0%" in body


def test_clerk_registers_a_session_with_its_attendees(client, clerk, member, enterprise, other_enterprise):
    the_series = series(clerk)
    data = {
        "what": "session",
        "series": the_series.pk,
        "held_at": "2026-03-04T14:30",
        "venue": "市民服务中心",
        "host": "副市长 张某某",
        "topic": "物流降本",
        "attendees": f"{enterprise.uscc} 沈总 董事长\n{other_enterprise.uscc}",
    }
    client.force_login(member)
    assert client.post("/voice/meetings/new/", data).status_code == 403
    client.force_login(clerk)
    # an unknown code is named in the error and nothing is registered
    response = client.post("/voice/meetings/new/", {**data, "attendees": "91330500MA2B000000"})
    assert response.status_code == 200 and "91330500MA2B000000" in response.content.decode()
    assert the_series.sessions.count() == 0
    response = client.post("/voice/meetings/new/", data)
    meeting = the_series.sessions.get()
    assert response.status_code == 302 and response["Location"] == f"/voice/meetings/{meeting.pk}/"
    assert [(a.enterprise, a.person_name, a.person_title) for a in meeting.attendees.order_by("id")] == [
        (enterprise, "沈总", "董事长"),
        (other_enterprise, "", ""),
    ]


def test_supervisor_schedules_an_inquiry(client, supervisor, clerk, department, other_department):
    common = common_issue(supervisor, department)
    data = {
        "title": "专题询问",
        "body": "市人大常委会",
        "held_on": "2026-03-18",
        "common_issues": [common.pk],
        "departments": [department.pk, other_department.pk],
    }
    client.force_login(clerk)
    assert client.post("/voice/inquiries/new/", data).status_code == 403
    client.force_login(supervisor)
    response = client.post("/voice/inquiries/new/", data)
    assert response.status_code == 302
    from voice.models import Inquiry

    created = Inquiry.objects.get()
    assert created.departments.count() == 2 and list(created.common_issues.all()) == [common]


def test_session_page_query_count_is_the_same_for_3_and_30_problems(
    client, clerk, enterprise, other_enterprise, num_queries
):
    meeting = session(clerk, [enterprise, other_enterprise])
    client.force_login(clerk)
    url = f"/voice/meetings/{meeting.pk}/"
    actions.session_register_problems(actor=clerk, session=meeting, problems=problem_rows([enterprise], 3))
    three = num_queries.get(client, url)
    actions.session_register_problems(actor=clerk, session=meeting, problems=problem_rows([other_enterprise], 27))
    assert num_queries.get(client, url) == three == 10


def test_findings_page_query_count_is_the_same_for_3_and_30(client, clerk, department, num_queries):
    from services.models import ServiceItem

    item = ServiceItem.objects.create(code="QY-001", name="企业开办", item_type="admin", department=department)
    officer = UserFactory(username="officer-q", role=Role.OFFICER)

    def make(n):
        ServiceReview.objects.bulk_create(
            [
                ServiceReview(
                    officer=officer,
                    service_item=item,
                    efficiency=3,
                    clarity=3,
                    convenience=3,
                    attitude=3,
                    findings="材料清单不一致",
                )
                for _ in range(n)
            ]
        )

    client.force_login(clerk)
    make(3)
    three = num_queries.get(client, "/voice/findings/")
    make(27)
    assert num_queries.get(client, "/voice/findings/") == three == 9


def test_a_questioned_departments_handler_enters_its_answer(client, supervisor, handler, other_handler, department):
    the_inquiry = inquiry(supervisor, [department], [common_issue(supervisor, department)])
    url = f"/voice/inquiries/{the_inquiry.pk}/"
    client.force_login(other_handler)
    assert 'name="answer"' not in client.get(url).content.decode()
    client.post(url, {"what": "answer", "department": department.pk, "answer": "别的部门代答"})
    assert the_inquiry.departments.get().answer == ""
    client.force_login(handler)
    assert 'name="answer"' in client.get(url).content.decode()
    client.post(url, {"what": "answer", "department": department.pk, "answer": "已出台指引"})
    assert the_inquiry.departments.get().answer == "已出台指引"


@pytest.mark.parametrize("url", ["/voice/findings/", "/voice/officers/applications/", "/voice/meetings/new/"])
def test_staff_pages_permission_matrix(client, url, member, handler):
    # anonymous → the login page; signed in with the wrong role → 403
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (member, handler):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_administrator_appoints_an_officer_on_the_page(client, member):
    applicant = UserFactory(username="applicant")
    client.force_login(applicant)
    client.post("/voice/services/", {"what": "apply", "background": "journalist", "organisation": "湖州日报"})
    application = applicant.officer_applications.get()
    admin = UserFactory(username="admin-y", role=Role.ADMIN)
    client.force_login(admin)
    assert "湖州日报" in client.get("/voice/officers/applications/").content.decode()
    # a term that ends before it starts is refused and changes nothing
    url = f"/voice/officers/applications/{application.pk}/decide/"
    bad = {"approve": "1", "term_start": "2026-12-01", "term_end": "2026-01-01"}
    client.post(url, bad)
    application.refresh_from_db()
    assert application.status == "pending"
    good = {**bad, "term_end": "2028-11-30"}
    client.post(url, good)
    application.refresh_from_db()
    applicant.refresh_from_db()
    assert application.status == "approved" and applicant.role == Role.OFFICER
