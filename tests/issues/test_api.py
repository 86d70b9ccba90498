"""The problems API (docs/api.md): every move, the same rules, readable errors, constant query counts."""

import pytest

from issues.models import Issue
from tests.issues.factories import issue_in, issue_made, submit

pytestmark = pytest.mark.django_db


def _roles(people):
    return {"member": people["member"], "clerk": people["clerk"], "handler": people["handler"]}


def test_categories_and_channels_are_public(api_for):
    cats = api_for().get("/api/v1/issue-categories/").json()
    chans = api_for().get("/api/v1/issue-channels/").json()
    assert {"code": "labour", "name": "用工"} in cats
    assert {"code": "hotline-12345", "name": "12345热线"} in chans


def test_whole_loop_through_the_api(api_for, people, supervisor):
    m, c, h = people["member"], people["clerk"], people["handler"]
    # given an enterprise member posting a problem
    r = api_for(m).post(
        "/api/v1/issues/",
        {"title": "中试基地排队半年", "description": "中试基地排队时间过长", "category": "innovation"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["status"] == "submitted" and body["reference"].startswith("SQ") and body["channel"]["code"] == "online"
    pk = body["id"]
    # when each role makes its move
    url = f"/api/v1/issues/{pk}/"
    assert api_for(c).post(url + "dispatch/", {"lead_department": h.department_id}, format="json").status_code == 200
    assert api_for(h).post(url + "accept/").status_code == 200
    assert api_for(h).post(url + "reply/", {"reply": "已协调排期"}, format="json").status_code == 200
    assert api_for(c).post(url + "follow-up/", {"reached": True, "note": "满意"}, format="json").status_code == 200
    r = api_for(m).post(url + "rate/", {"rating": 2, "comment": "排期仍太久"}, format="json")
    assert r.json()["status"] == "reopened"
    assert api_for(h).post(url + "reply/", {"reply": "已优先安排"}, format="json").status_code == 200
    assert api_for(c).post(url + "follow-up/", {"reached": True}, format="json").status_code == 200
    assert api_for(m).post(url + "rate/", {"rating": 5}, format="json").status_code == 200
    r = api_for(supervisor).post(url + "close/", {}, format="json")
    # then it is closed, with its timeline in the response
    assert r.status_code == 200 and r.json()["status"] == "closed"
    actions = [e["action"] for e in r.json()["events"]]
    assert actions[:3] == ["submit", "dispatch", "accept"] and actions[-1] == "close"


def test_wrong_state_is_409_with_message(api_for, people):
    issue = submit(people["member"])
    r = api_for(people["handler"]).post(f"/api/v1/issues/{issue.pk}/accept/")
    # the handler's department is not the lead: it cannot even see it → 404
    assert r.status_code == 404
    r = api_for(people["clerk"]).post(f"/api/v1/issues/{issue.pk}/close/", {}, format="json")
    assert r.status_code == 403  # clerks may not close
    r = api_for(people["member"]).post(f"/api/v1/issues/{issue.pk}/rate/", {"rating": 5}, format="json")
    assert r.status_code == 409 and "答复后才能评价" in r.json()["detail"]


def test_rating_six_and_empty_reason_are_400(api_for, people):
    issue = issue_in("replied", **_roles(people))
    url = f"/api/v1/issues/{issue.pk}/rate/"
    r = api_for(people["member"]).post(url, {"rating": 6}, format="json")
    assert r.status_code == 400 and "1 到 5" in str(r.json())
    r = api_for(people["member"]).post(url, {"rating": 1, "comment": ""}, format="json")
    assert r.status_code == 400 and "理由" in str(r.json())
    assert Issue.objects.get(pk=issue.pk).status == "replied"


def test_return_too_late_is_409(api_for, people):
    from tests.issues.factories import at

    issue = issue_in("dispatched", **_roles(people), now=at("2026-01-05"))
    r = api_for(people["handler"]).post(f"/api/v1/issues/{issue.pk}/return/", {"reason": "非本部门"}, format="json")
    assert r.status_code == 409 and "退回时限" in r.json()["detail"]


def test_stale_dispatch_is_409(api_for, people):
    issue = issue_in("dispatched", **_roles(people))
    r = api_for(people["clerk"]).post(
        f"/api/v1/issues/{issue.pk}/dispatch/", {"lead_department": people["handler"].department_id}, format="json"
    )
    assert r.status_code == 409 and "不能交办" in r.json()["detail"]


def test_permission_matrix(api_for, people, other_member):
    issue = issue_in("dispatched", **_roles(people))
    url = f"/api/v1/issues/{issue.pk}/"
    assert api_for().get(url).status_code == 401
    assert api_for(people["member"]).get(url).status_code == 200
    assert api_for(other_member).get(url).status_code == 404
    assert api_for(people["handler"]).get(url).status_code == 200
    assert api_for(people["other_handler"]).get(url).status_code == 404
    assert api_for(people["clerk"]).get(url).status_code == 200
    assert api_for(other_member).get("/api/v1/issues/").json()["count"] == 0


def test_enterprise_cannot_pick_channel_or_other_enterprise(api_for, people, other_enterprise):
    r = api_for(people["member"]).post(
        "/api/v1/issues/",
        {
            "title": "t",
            "description": "d",
            "category": "tax",
            "channel": "hotline-12345",
            "enterprise": other_enterprise.pk,
        },
        format="json",
    )
    assert r.status_code == 400 and "enterprise" in r.json()


def test_clerk_intake_on_behalf(api_for, people, enterprise):
    r = api_for(people["clerk"]).post(
        "/api/v1/issues/",
        {
            "title": "水上加油站经营范围无法登记",
            "description": "营业执照经营范围不含水上加油",
            "category": "approval",
            "channel": "roundtable",
            "enterprise": enterprise.pk,
            "contact_phone": "13900003333",
        },
        format="json",
    )
    assert r.status_code == 201 and r.json()["channel"]["code"] == "roundtable"
    listed = api_for(people["clerk"]).get("/api/v1/issues/").json()["results"][0]
    assert listed["contact_phone"] == "139****3333"


def test_list_filters(api_for, people):
    issue_in("dispatched", **_roles(people), category="tax")
    submit(people["member"], category="labour")
    api = api_for(people["clerk"])
    assert api.get("/api/v1/issues/?status=dispatched").json()["count"] == 1
    assert api.get("/api/v1/issues/?category=labour").json()["count"] == 1
    assert api.get(f"/api/v1/issues/?department={people['handler'].department_id}").json()["count"] == 1
    assert api.get("/api/v1/issues/?overdue=true").json()["count"] == 0
    assert api.get("/api/v1/issues/?sort=deadline").json()["count"] == 2


def test_extension_and_appeal_endpoints(api_for, people, supervisor):
    import datetime as dt

    issue = issue_in("accepted", **_roles(people))
    due = (issue.reply_due + dt.timedelta(days=7)).isoformat()
    r = api_for(people["handler"]).post(
        f"/api/v1/issues/{issue.pk}/request-extension/", {"requested_due": due, "reason": "需检测"}, format="json"
    )
    assert r.status_code == 201
    ext = r.json()["id"]
    assert (
        api_for(people["handler"])
        .post(f"/api/v1/issue-extension-requests/{ext}/decide/", {"approve": True}, format="json")
        .status_code
        == 403
    )
    r = api_for(supervisor).post(f"/api/v1/issue-extension-requests/{ext}/decide/", {"approve": True}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert Issue.objects.get(pk=issue.pk).reply_due.isoformat() == due


def test_list_query_count_constant(api_for, people, num_queries):
    def count_queries():
        return num_queries.get(api_for(people["clerk"]), "/api/v1/issues/")

    # given 3 problems in mixed states, then 30
    for i in range(3):
        issue_made("dispatched" if i % 2 else "submitted", **_roles(people), title=f"问题{i}")
    three = count_queries()
    for i in range(27):
        issue_made("dispatched" if i % 2 else "submitted", **_roles(people), title=f"问题{i}")
    # then the list costs the same number of queries
    assert count_queries() == three == 5


def test_sort_by_deadline_uses_the_current_step(api_for, people, supervisor):
    from tests.issues.factories import at

    closed = issue_in("closed", **_roles(people), supervisor=supervisor, now=at("2026-03-02"))
    waiting = submit(people["member"], now=at("2026-03-10"))  # dispatch due 2026-03-12
    working = issue_in("dispatched", **_roles(people), now=at("2026-03-02"))  # reply due 2026-03-16
    ids = [row["id"] for row in api_for(people["clerk"]).get("/api/v1/issues/?sort=deadline").json()["results"]]
    assert ids == [waiting.pk, working.pk, closed.pk]


def test_extension_and_appeal_lists_query_count_constant(api_for, people, supervisor, num_queries):
    import datetime as dt

    from issues import actions

    def make(n):
        for i in range(n):
            issue = issue_made("accepted", **_roles(people), title=f"延期{i}")
            actions.issue_request_extension(
                actor=people["handler"], issue=issue, requested_due=issue.reply_due + dt.timedelta(days=5), reason="x"
            )
            bad = issue_made("reopened", **_roles(people), title=f"差评{i}")
            actions.appeal_submit(actor=people["handler"], rating=bad.ratings.get(), reason="申诉")

    def count(url):
        return num_queries.get(api_for(supervisor), url)

    make(3)
    before = (count("/api/v1/issue-extension-requests/"), count("/api/v1/issue-appeals/"))
    make(27)
    assert (count("/api/v1/issue-extension-requests/"), count("/api/v1/issue-appeals/")) == before == (2, 2)


def test_an_events_representation_is_drfs_own(people, supervisor):
    # given a problem with events by people and by nobody (the system), notes and status changes
    from rest_framework import serializers

    from issues.api.serializers import IssueEventSerializer

    issue = issue_made("replied", **_roles(people), supervisor=supervisor)
    events = list(issue.events.select_related("actor"))
    assert len(events) > 3 and any(e.actor_id for e in events)
    # then the written-out representation is the one DRF's ModelSerializer gives, field by field
    fast = IssueEventSerializer()
    for event in events:
        assert fast.to_representation(event) == serializers.ModelSerializer.to_representation(fast, event)


def test_the_status_and_level_labels_are_djangos(people):
    # given a problem, and one with a status no choice names
    from django.utils import translation

    issue = issue_in("dispatched", **_roles(people))
    odd = Issue(status="no-such-status", level="no-such-level")
    for language in ("zh-hans", "en"):
        with translation.override(language):
            # then the labels are Django's get_FOO_display answers
            for obj in (issue, odd):
                assert obj.get_status_display() == Issue._get_FIELD_display(obj, Issue._meta.get_field("status"))
                assert obj.get_level_display() == Issue._get_FIELD_display(obj, Issue._meta.get_field("level"))
