"""Issue 11: only the enterprise rates; 重办 is capped and then the supervisor decides; 督办 moves in the API."""

import datetime as dt

import pytest

from issues import actions
from issues.models import Issue, IssueSettings, Rating
from portal.audit import AuditLog
from tests.issues.factories import issue_in

pytestmark = pytest.mark.django_db


def _roles(people):
    return {"member": people["member"], "clerk": people["clerk"], "handler": people["handler"]}


# --- only the enterprise rates -----------------------------------------------------------------


@pytest.mark.parametrize("role", ["clerk", "supervisor", "handler"])
def test_staff_cannot_rate_through_the_api(api_for, people, role):
    # given a replied problem
    issue = issue_in("replied", **_roles(people))
    # when a member of staff posts a rating
    r = api_for(people[role]).post(f"/api/v1/issues/{issue.pk}/rate/", {"rating": 5}, format="json")
    # then it is refused and no rating exists
    assert r.status_code in (403, 404)
    assert not Rating.objects.exists() and Issue.objects.get(pk=issue.pk).rating is None


def test_follow_up_with_a_rating_is_refused_and_changes_nothing(api_for, people):
    issue = issue_in("replied", **_roles(people))
    r = api_for(people["clerk"]).post(
        f"/api/v1/issues/{issue.pk}/follow-up/", {"reached": True, "rating": 5, "note": "满意"}, format="json"
    )
    assert r.status_code == 400 and "企业本人" in str(r.json()["rating"])
    issue.refresh_from_db()
    assert issue.status == "replied" and issue.followup_count == 0 and not Rating.objects.exists()


def test_follow_up_satisfaction_is_published_apart_and_never_blocks_the_enterprise(api_for, people):
    # given a clerk records the level the enterprise stated on the call
    issue = issue_in("replied", **_roles(people))
    url = f"/api/v1/issues/{issue.pk}/"
    r = api_for(people["clerk"]).post(
        url + "follow-up/", {"reached": True, "note": "企业称满意", "satisfaction": 5}, format="json"
    )
    assert r.status_code == 200
    assert r.json()["follow_up_satisfaction"] == 5 and r.json()["rating"] is None
    # when the enterprise rates the round itself
    r = api_for(people["member"]).post(url + "rate/", {"rating": 3}, format="json")
    # then its own rating is the problem's rating; the clerk's record stays apart
    assert r.status_code == 200
    assert r.json()["rating"] == 3 and r.json()["follow_up_satisfaction"] == 5
    assert list(Rating.objects.values_list("source", "rated_by", "score")) == [("enterprise", people["member"].pk, 3)]


def test_staff_cannot_rate_through_the_pages(client_for, people, supervisor):
    issue = issue_in("replied", **_roles(people))
    base = f"/issues/{issue.pk}/move/"
    # the clerk's page offers no rating form, only the follow-up and the rating QR for the enterprise
    page = client_for(people["clerk"]).get(f"/issues/{issue.pk}/").content.decode()
    assert 'data-testid="move-rate"' not in page and 'data-testid="window-rating"' in page
    assert client_for(people["clerk"]).get(f"/issues/{issue.pk}/rate-qr.svg").status_code == 200
    for user in (people["clerk"], supervisor):
        r = client_for(user).post(base + "rate/", {"rating": "5"}, follow=True)
        assert "只有提出问题的企业本人可以评价" in r.content.decode()
    # a rating smuggled into the follow-up form is ignored: no 好差评 comes of it
    client_for(people["clerk"]).post(base + "follow_up/", {"reached": "on", "rating": "5", "satisfaction": "4"})
    issue.refresh_from_db()
    assert issue.status == "followed_up" and issue.rating is None and issue.follow_up_satisfaction == 4
    assert not Rating.objects.exists()
    # the enterprise sees its own rating form on the same page
    page = client_for(people["member"]).get(f"/issues/{issue.pk}/").content.decode()
    assert 'data-testid="move-rate"' in page


def test_the_enterprise_rates_each_round(people):
    issue = issue_in("replied", **_roles(people))
    actions.issue_rate(actor=people["member"], issue=issue, rating=2, comment="没解决")
    actions.issue_accept(actor=people["handler"], issue=issue)
    actions.issue_reply(actor=people["handler"], issue=issue, reply="重办完成")
    actions.issue_rate(actor=people["member"], issue=issue, rating=4)
    issue.refresh_from_db()
    assert list(issue.ratings.values_list("round", "score")) == [(1, 2), (2, 4)] and issue.rating == 4


# --- 重办 at most N times ------------------------------------------------------------------------


def _bad_round(people, issue):
    actions.issue_accept(actor=people["handler"], issue=issue)
    actions.issue_reply(actor=people["handler"], issue=issue, reply="重办答复")
    actions.issue_rate(actor=people["member"], issue=issue, rating=1, comment="仍未解决")
    issue.refresh_from_db()


def test_a_bad_rating_after_the_last_allowed_reopen_goes_to_the_supervisor(client_for, people, supervisor):
    # given a problem rated bad in round 1, reopened twice (the default limit) and rated bad each time
    issue = issue_in("reopened", **_roles(people))
    _bad_round(people, issue)
    assert issue.status == "reopened" and issue.reopen_count == 2
    _bad_round(people, issue)
    # then it is not reopened a third time: it waits for the supervisor
    assert issue.reopen_count == 2 and issue.status == "replied"
    assert issue.with_supervisor and issue.reopen_limit_reached
    assert issue.events.filter(action="refer_to_supervisor").count() == 1
    assert supervisor.notifications.filter(kind="issues.refer_to_supervisor").exists()
    page = client_for(supervisor).get("/issues/supervision/").content.decode()
    assert issue.reference in page
    # and the supervisor may hold a 集中会商 and close it with a reason the enterprise sees
    actions.issue_consult(actor=supervisor, issue=issue, minutes="会商纪要：纳入年度计划")
    with pytest.raises(Exception, match="办结理由"):
        actions.issue_close(actor=supervisor, issue=issue, note="")
    actions.issue_close(actor=supervisor, issue=issue, note="经会商纳入年度计划，本次办结。")
    issue.refresh_from_db()
    assert issue.status == "closed" and not issue.with_supervisor
    public = client_for(people["member"]).get(f"/issues/{issue.pk}/").content.decode()
    assert "经会商纳入年度计划，本次办结。" in public and "会商纪要" not in public
    assert AuditLog.objects.filter(action="issues.issue.consult").exists()


def test_reopen_limit_is_an_administrator_setting(people):
    IssueSettings.objects.create(max_reopens=0)
    issue = issue_in("replied", **_roles(people))
    actions.issue_rate(actor=people["member"], issue=issue, rating=2, comment="没解决")
    issue.refresh_from_db()
    assert issue.reopen_count == 0 and issue.status == "replied" and issue.reopen_limit_reached


def test_at_the_limit_the_supervisor_may_escalate(api_for, people, supervisor, province_handler):
    IssueSettings.objects.create(max_reopens=0)
    issue = issue_in("replied", **_roles(people))
    # before any bad rating, a replied problem cannot be escalated
    url = f"/api/v1/issues/{issue.pk}/"
    target = province_handler.department_id
    r = api_for(supervisor).post(url + "escalate/", {"to_department": target, "reason": "x"}, format="json")
    assert r.status_code == 409
    actions.issue_rate(actor=people["member"], issue=issue, rating=1, comment="没解决")
    assert "escalate" in api_for(supervisor).get(url).json()["available_moves"]
    r = api_for(supervisor).post(url + "escalate/", {"to_department": target, "reason": "需上级统筹"}, format="json")
    # the test region is a city: the next level is the province
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["status"] == "dispatched" and not body["with_supervisor"] and not body["reopen_limit_reached"]


# --- 督办: urge, co-opinion, extension withdrawn by the reply ------------------------------------


def test_urge_through_the_api(api_for, people, supervisor):
    issue = issue_in("accepted", **_roles(people))
    url = f"/api/v1/issues/{issue.pk}/urge/"
    # the wrong role is refused, bad input is not possible (the note is optional), the supervisor urges
    assert api_for(people["clerk"]).post(url, {"note": "快"}, format="json").status_code == 403
    r = api_for(supervisor).post(url, {"note": "请三日内答复"}, format="json")
    assert r.status_code == 200
    assert [e["note"] for e in r.json()["events"] if e["action"] == "urge"] == ["请三日内答复"]
    assert people["handler"].notifications.filter(kind="issues.urge").exists()
    # the enterprise does not see the internal urge
    member_events = api_for(people["member"]).get(f"/api/v1/issues/{issue.pk}/").json()["events"]
    assert "urge" not in [e["action"] for e in member_events]
    # a closed problem cannot be urged
    closed = issue_in("closed", **_roles(people), supervisor=supervisor)
    assert api_for(supervisor).post(f"/api/v1/issues/{closed.pk}/urge/", {}, format="json").status_code == 409


def test_co_opinion_through_the_api(api_for, people, clerk):
    issue = issue_in("submitted", **_roles(people))
    actions.issue_dispatch(
        actor=clerk,
        issue=issue,
        lead_department=people["handler"].department,
        co_departments=[people["other_handler"].department],
    )
    url = f"/api/v1/issues/{issue.pk}/co-opinion/"
    detail = api_for(people["other_handler"]).get(f"/api/v1/issues/{issue.pk}/").json()
    assert detail["available_moves"] == ["co-opinion"]
    # the lead handler is not a co-department; an empty opinion is a 400
    assert api_for(people["handler"]).post(url, {"opinion": "x"}, format="json").status_code == 403
    r = api_for(people["other_handler"]).post(url, {"opinion": " "}, format="json")
    assert r.status_code == 400 and "opinion" in r.json()
    r = api_for(people["other_handler"]).post(url, {"opinion": "本部门意见：可按规定办理"}, format="json")
    assert r.status_code == 200
    assert issue.events.filter(action="co_opinion", department=people["other_handler"].department).count() == 1


def test_a_reply_withdraws_a_pending_extension_request(people, supervisor):
    issue = issue_in("accepted", **_roles(people))
    request = actions.issue_request_extension(
        actor=people["handler"], issue=issue, requested_due=issue.reply_due + dt.timedelta(days=5), reason="等检测"
    )
    actions.issue_reply(actor=people["handler"], issue=issue, reply="已答复")
    request.refresh_from_db()
    assert request.status == "withdrawn"
    assert issue.events.filter(action="withdraw_extension").count() == 1
    assert AuditLog.objects.filter(action="issues.extensionrequest.withdrawn").count() == 1
    from issues import selectors

    assert not selectors.pending_extensions(user=supervisor).exists()


def test_urge_and_co_opinion_on_the_pages(client_for, people, supervisor, clerk):
    issue = issue_in("submitted", **_roles(people))
    actions.issue_dispatch(
        actor=clerk,
        issue=issue,
        lead_department=people["handler"].department,
        co_departments=[people["other_handler"].department],
    )
    base = f"/issues/{issue.pk}/"
    assert 'data-testid="move-urge"' in client_for(supervisor).get(base).content.decode()
    assert 'data-testid="move-co_opinion"' in client_for(people["other_handler"]).get(base).content.decode()
    client_for(supervisor).post(base + "move/urge/", {"note": "请加快"})
    client_for(people["other_handler"]).post(base + "move/co_opinion/", {"opinion": "同意牵头部门意见"})
    assert sorted(issue.events.filter(action__in=["urge", "co_opinion"]).values_list("action", flat=True)) == [
        "co_opinion",
        "urge",
    ]


def test_an_administrator_confirms_a_years_holidays(client_for, admin_user):
    from portal.models import CalendarYear
    from portal.workdays import unknown_years

    assert unknown_years([2027]) == [2027]
    r = client_for(admin_user).post("/admin/portal/calendaryear/add/", {"year": "2027", "note": "已录入"})
    assert r.status_code == 302
    confirmed = CalendarYear.objects.get(year=2027)
    assert confirmed.confirmed_by == admin_user and confirmed.confirmed_at is not None
    assert unknown_years([2027]) == []
    assert AuditLog.objects.filter(action="portal.calendaryear.admin_created").exists()


def test_migration_moves_clerk_typed_ratings_into_follow_up_satisfaction(people):
    # given a legacy problem: the clerk typed 5 at the follow-up call (a Rating of source follow_up)
    import importlib

    from django.apps import apps

    from issues.models import FollowUp

    issue = issue_in("followed_up", **_roles(people))
    follow_up = FollowUp.objects.get(issue=issue)
    legacy = Rating.objects.create(
        issue=issue, round=1, score=5, source="follow_up", rated_by=people["clerk"], department=issue.lead_department
    )
    FollowUp.objects.filter(pk=follow_up.pk).update(rating=legacy)
    Issue.objects.filter(pk=issue.pk).update(rating=5, accept_due=None)
    # when the data migration runs
    importlib.import_module("issues.migrations.0004_accountability").forwards(apps, None)
    # then the 5 is the clerk's 回访满意度, the problem has no enterprise rating, and the enterprise may rate
    issue.refresh_from_db()
    follow_up.refresh_from_db()
    assert follow_up.satisfaction == 5 and issue.follow_up_satisfaction == 5 and issue.rating is None
    assert issue.accept_due is not None
    actions.issue_rate(actor=people["member"], issue=issue, rating=2, comment="其实没解决")
    issue.refresh_from_db()
    assert issue.status == "reopened" and issue.ratings.filter(source="enterprise").count() == 1
