"""人大专题询问: anonymous ballots, one per voter and department, and the published tally."""

import random

import pytest
from rest_framework.test import APIClient

from portal.exceptions import ActionError, PermissionDeniedError, TransitionNotAllowed
from portal.models import AuditLog
from voice import actions, selectors
from voice.models import BallotCount, VoteMarker

from .factories import common_issue, inquiry

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_inquiry(supervisor, department, other_department):
    common = common_issue(supervisor, department)
    the_inquiry = inquiry(supervisor, [department, other_department], [common])
    actions.inquiry_answer(actor=supervisor, inquiry_department=the_inquiry.departments.first(), answer="已出台指引。")
    actions.inquiry_move(actor=supervisor, inquiry=the_inquiry, move="open")
    return the_inquiry


def test_a_second_ballot_on_the_same_department_is_refused(open_inquiry, department, deputies):
    # given a deputy who voted 好 on a department
    actions.ballot_cast(actor=deputies[0], inquiry=open_inquiry, department=department, choice="good")
    # when the deputy votes again on it, then it is refused and the count is unchanged
    with pytest.raises(TransitionNotAllowed):
        actions.ballot_cast(actor=deputies[0], inquiry=open_inquiry, department=department, choice="poor")
    assert selectors.ballots_total(open_inquiry) == 1


def test_the_api_answers_409_to_a_second_ballot(open_inquiry, department, deputies):
    client = APIClient()
    client.force_authenticate(deputies[0])
    url = f"/api/v1/inquiries/{open_inquiry.pk}/ballots/"
    first = client.post(url, {"department": department.pk, "choice": "good"}, format="json")
    second = client.post(url, {"department": department.pk, "choice": "poor"}, format="json")
    assert (first.status_code, second.status_code) == (201, 409)
    assert "投过票" in second.json()["detail"]


def test_one_time_codes_vote_once_per_department_without_signing_in(open_inquiry, supervisor, department):
    codes = actions.inquiry_issue_codes(actor=supervisor, inquiry=open_inquiry, count=2, rng=random.Random(1))
    client = APIClient()
    url = f"/api/v1/inquiries/{open_inquiry.pk}/ballots/"
    assert client.post(url, {"code": codes[0], "department": department.pk, "choice": "fairly_good"}).status_code == 201
    assert client.post(url, {"code": codes[0], "department": department.pk, "choice": "good"}).status_code == 409
    assert client.post(url, {"code": codes[1], "department": department.pk, "choice": "good"}).status_code == 201
    bad = client.post(url, {"code": "NOTACODE", "department": department.pk, "choice": "good"})
    assert bad.status_code == 400 and "code" in bad.json()
    # anonymous without a code may not vote
    assert client.post(url, {"department": department.pk, "choice": "good"}).status_code == 403


def test_bad_input_changes_nothing(open_inquiry, department, region, deputies, enterprise, member):
    from tests.portal.factories import DepartmentFactory

    stranger = DepartmentFactory(code="hz-edu", name="湖州市教育局")
    with pytest.raises(ActionError):
        actions.ballot_cast(actor=deputies[0], inquiry=open_inquiry, department=department, choice="excellent")
    with pytest.raises(ActionError):
        actions.ballot_cast(actor=deputies[0], inquiry=open_inquiry, department=stranger, choice="good")
    with pytest.raises(PermissionDeniedError):
        actions.ballot_cast(actor=member, inquiry=open_inquiry, department=department, choice="good")
    assert VoteMarker.objects.count() == 0 and selectors.ballots_total(open_inquiry) == 0


def test_no_ballot_before_opening_or_after_closing(supervisor, department, deputies):
    the_inquiry = inquiry(supervisor, [department], [common_issue(supervisor, department)])
    with pytest.raises(TransitionNotAllowed):
        actions.ballot_cast(actor=deputies[0], inquiry=the_inquiry, department=department, choice="good")
    actions.inquiry_move(actor=supervisor, inquiry=the_inquiry, move="open")
    actions.inquiry_move(actor=supervisor, inquiry=the_inquiry, move="close")
    with pytest.raises(TransitionNotAllowed):
        actions.ballot_cast(actor=deputies[1], inquiry=the_inquiry, department=department, choice="good")


def test_the_tally_is_published_when_the_ballot_closes(
    open_inquiry, supervisor, department, other_department, deputies
):
    # given three deputies' ballots: 好, 好, 一般 on one department and 差 on the other
    for deputy, choice in zip(deputies, ["good", "good", "average"], strict=True):
        actions.ballot_cast(actor=deputy, inquiry=open_inquiry, department=department, choice=choice)
    actions.ballot_cast(actor=deputies[0], inquiry=open_inquiry, department=other_department, choice="poor")
    # while voting, only the number of ballots shows
    rows = selectors.inquiry_departments(open_inquiry)
    assert [r["ballots"] for r in rows] == [3, 1] and rows[0]["tally"] is None
    # when the ballot closes, the tally is published with counts and percentages
    actions.inquiry_move(actor=supervisor, inquiry=open_inquiry, move="close")
    response = APIClient().get(f"/api/v1/inquiries/{open_inquiry.pk}/")
    assert response.status_code == 200
    body = response.json()
    first = body["departments"][0]
    assert first["answer"] == "已出台指引。"
    assert {r["choice"]: (r["count"], r["percent"]) for r in first["tally"]} == {
        "good": (2, 66.7),
        "fairly_good": (0, 0.0),
        "average": (1, 33.3),
        "poor": (0, 0.0),
    }
    # recount: the counters add up to the voters' markers, department by department
    for row in open_inquiry.departments.all():
        counted = sum(BallotCount.objects.filter(inquiry_department=row).values_list("count", flat=True))
        assert counted == VoteMarker.objects.filter(inquiry_department=row).count()
    # and the common problem's page lists the inquiry with its tally
    common = open_inquiry.common_issues.get()
    published = selectors.inquiry_tallies_for_common(common)
    assert [p["inquiry"] for p in published] == [open_inquiry]


def test_nothing_links_a_ballot_to_its_voter(open_inquiry, department, deputies):
    # given a deputy's ballot
    actions.ballot_cast(actor=deputies[0], inquiry=open_inquiry, department=department, choice="poor")
    # then the marker holds no choice and no time, the counter no voter and no time
    marker_columns = {f.column for f in VoteMarker._meta.concrete_fields}
    count_columns = {f.column for f in BallotCount._meta.concrete_fields}
    assert marker_columns == {"id", "inquiry_department_id", "voter_id", "code_id"}
    assert count_columns == {"id", "inquiry_department_id", "choice", "count"}
    # and the audit row says a ballot was cast, not what it said
    audit = AuditLog.objects.get(action="voice.ballot.cast")
    assert "poor" not in str(audit.data) and audit.data["department"] == department.code


def test_anyone_lists_the_inquiries(open_inquiry):
    body = APIClient().get("/api/v1/inquiries/").json()
    assert body["count"] == 1 and body["results"][0]["status"] == "voting"
    assert body["results"][0]["id"] == open_inquiry.pk
