"""The problem's state machine declared once (issues.workflow) and every interface asking it: the
actions' guards, the page's move forms, the API's ``available_moves`` and its move endpoints."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from issues import actions
from issues.api.views import IssueViewSet
from issues.choices import IssueStatus
from issues.models import Appeal, Issue
from issues.moves import ENTRIES
from issues.workflow import ISSUE, PERSON_MOVES, appeal_target, statuses
from portal.exceptions import PermissionDeniedError, TransitionNotAllowed
from tests.issues.factories import issue_in

# --- the declarations agree -------------------------------------------------------------------------


def test_every_move_a_person_makes_has_one_entry_for_page_and_api():
    assert list(ENTRIES) == list(PERSON_MOVES)
    api_paths = {a.url_path for a in IssueViewSet.get_extra_actions()}
    assert api_paths == {entry.api_name for entry in ENTRIES.values()}
    for name, entry in ENTRIES.items():
        # the page's generic move view and the API's generated endpoint exist for each move
        assert reverse("issues:issue_move", args=[1, name]) == f"/issues/1/move/{name}/"
        assert reverse(f"issue-{entry.api_name}", args=[1]) == f"/api/v1/issues/1/{entry.api_name}/"
        if entry.form is not None and entry.serializer is not None:
            # the form and the serializer hand the action the same fields
            assert set(entry.form.base_fields) == set(entry.serializer().fields), name


def test_the_existing_api_names_are_kept():
    assert {e.api_name for e in ENTRIES.values()} == {
        "classify",
        "dispatch",
        "withdraw",
        "accept",
        "return",
        "reply",
        "request-extension",
        "co-opinion",
        "escalate",
        "urge",
        "consult",
        "follow-up",
        "rate",
        "close",
        "appeal",
    }


def test_status_groups_are_said_once():
    assert statuses("awaiting_dispatch") == ["submitted", "returned"]
    assert statuses("working") == ["dispatched", "accepted", "reopened"]
    assert ISSUE.group("open") == ISSUE.group("awaiting_dispatch") | ISSUE.group("working") | ISSUE.group("answered")
    assert ISSUE.group("solved") == {"replied", "followed_up", "closed"}
    assert not ISSUE.group("open") & ISSUE.group("finished")
    # every move leads from declared statuses to a declared status
    for move in ISSUE.moves.values():
        assert move.sources <= set(IssueStatus.values)
        assert move.target is None or move.target in IssueStatus.values


# --- buttons == API available_moves == what the action accepts --------------------------------------


def _input(name, issue, people, province_handler):
    today = dt.date.today()
    return {
        "dispatch": {"lead_department": people["handler"].department},
        "reply": {"reply": "已办理。"},
        "return": {"reason": "不属于本部门。"},
        "withdraw": {"reason": "已解决"},
        "request_extension": {"requested_due": (issue.reply_due or today) + dt.timedelta(days=30), "reason": "检测"},
        "co_opinion": {"opinion": "协办意见"},
        "escalate": {"to_department": province_handler.department, "reason": "跨层级"},
        "consult": {"minutes": "纪要"},
        "rate": {"rating": "5"},
        "appeal": {"reason": "评价不实"},
    }.get(name, {})


def _action_accepts(user, issue_pk, name, people, province_handler) -> bool:
    """Run the move's action with valid input and roll it back: did its guard let the user through?"""

    class Rollback(Exception):
        pass

    issue = Issue.objects.get(pk=issue_pk)
    try:
        with transaction.atomic():
            ENTRIES[name].run(user, issue, _input(name, issue, people, province_handler))
            raise Rollback
    except (Rollback, ValidationError):
        return True  # done, or past the guard and refused for its input only
    except (TransitionNotAllowed, PermissionDeniedError):
        return False


STATES = ["submitted", "dispatched", "accepted", "returned", "replied", "followed_up", "reopened", "closed"]


@pytest.mark.parametrize("state", STATES)
def test_page_buttons_api_moves_and_actions_agree(state, client_for, api_for, people, supervisor, province_handler):
    roles = {"member": people["member"], "clerk": people["clerk"], "handler": people["handler"]}
    issue = issue_in(state, **roles, supervisor=supervisor)
    if state == "dispatched":
        issue.co_departments.add(people["other_handler"].department)
    users = {**people, "supervisor": supervisor, "province_handler": province_handler}
    for who, user in users.items():
        page = client_for(user).get(f"/issues/{issue.pk}/")
        if page.status_code == 404:
            # who may not see the problem may make no move on it
            assert api_for(user).get(f"/api/v1/issues/{issue.pk}/").status_code == 404
            continue
        buttons = re.findall(r'data-testid="move-([a-z_]+)"', page.content.decode())
        api = api_for(user).get(f"/api/v1/issues/{issue.pk}/").json()["available_moves"]
        accepted = [name for name in ENTRIES if _action_accepts(user, issue.pk, name, people, province_handler)]
        assert [ENTRIES[name].api_name for name in buttons] == api, (state, who)
        assert buttons == accepted, (state, who)


# --- the appeal target: one function for the page and the API ----------------------------------------


def _escalated_with_two_bad_ratings(people, supervisor, province_handler):
    """Rated 2 for the city department (round 1), escalated to the province, which replies and is rated 1
    (round 2); the city department still co-handles the problem."""
    roles = {"member": people["member"], "clerk": people["clerk"], "handler": people["handler"]}
    issue = issue_in("reopened", **roles, supervisor=supervisor)
    actions.issue_escalate(actor=supervisor, issue=issue, to_department=province_handler.department, reason="跨层级")
    issue.co_departments.add(people["handler"].department)
    actions.issue_accept(actor=province_handler, issue=issue)
    actions.issue_reply(actor=province_handler, issue=issue, reply="省级已协调。")
    actions.issue_rate(actor=people["member"], issue=issue, rating=1, comment="仍未解决")
    return Issue.objects.get(pk=issue.pk)


@pytest.mark.parametrize("interface", ["page", "api"])
def test_after_an_escalation_each_department_appeals_its_own_rating(
    interface, client_for, api_for, people, supervisor, province_handler
):
    """The page and the API pick the rating to appeal with one function: the API used to take the latest
    bad rating of any department, so after an escalation it refused the city handler the page accepted."""
    issue = _escalated_with_two_bad_ratings(people, supervisor, province_handler)
    city, province = people["handler"], province_handler
    first, second = issue.ratings.order_by("round")
    assert (first.score, second.score) == (2, 1) and first.department_id != second.department_id
    assert appeal_target(city, issue) == first and appeal_target(province, issue) == second
    for user, rating in ((city, first), (province, second)):
        if interface == "api":
            assert "appeal" in api_for(user).get(f"/api/v1/issues/{issue.pk}/").json()["available_moves"]
            r = api_for(user).post(f"/api/v1/issues/{issue.pk}/appeal/", {"reason": "评价不实"}, format="json")
            assert r.status_code == 201 and r.json()["score"] == rating.score
        else:
            assert 'data-testid="move-appeal"' in client_for(user).get(f"/issues/{issue.pk}/").content.decode()
            r = client_for(user).post(f"/issues/{issue.pk}/move/appeal/", {"reason": "评价不实"}, follow=True)
            assert "已差评申诉" in r.content.decode()
        assert Appeal.objects.get(rating=rating).department_id == user.department_id
    # nothing left to appeal: refused, on both
    assert (
        api_for(city).post(f"/api/v1/issues/{issue.pk}/appeal/", {"reason": "再诉"}, format="json").status_code == 403
    )
    assert 'data-testid="move-appeal"' not in client_for(city).get(f"/issues/{issue.pk}/").content.decode()


# --- the generic move view: redisplay with the input kept --------------------------------------------


def test_invalid_input_redisplays_the_form_with_the_input_and_the_error_beside_it(client_for, people, supervisor):
    roles = {"member": people["member"], "clerk": people["clerk"], "handler": people["handler"]}
    issue = issue_in("followed_up", **roles, supervisor=supervisor)
    r = client_for(people["member"]).post(f"/issues/{issue.pk}/move/rate/", {"rating": "2", "comment": ""})
    assert r.status_code == 200
    html = r.content.decode()
    form = html[html.index('data-testid="move-rate"') :]
    form = form[: form.index("</form>")]
    assert 'value="2"' in form and re.search(r'value="2"[^>]*checked|checked[^>]*value="2"', form)
    assert "须填写理由" in form  # next to the form, not only at the page top
    assert Issue.objects.get(pk=issue.pk).rating is None

    issue = issue_in("accepted", **roles)
    r = client_for(people["handler"]).post(f"/issues/{issue.pk}/move/request_extension/", {"reason": "需检测"})
    assert r.status_code == 200
    assert "需检测" in r.content.decode()  # the typed reason survives the missing date


def test_success_redirects_with_a_message(client_for, people):
    roles = {"member": people["member"], "clerk": people["clerk"], "handler": people["handler"]}
    issue = issue_in("dispatched", **roles)
    handler = client_for(people["handler"])
    r = handler.post(f"/issues/{issue.pk}/move/accept/")
    assert r.status_code == 302 and r["Location"] == f"/issues/{issue.pk}/"
    page = handler.get(r["Location"]).content.decode()
    assert "已签收。" in page and 'class="alert' in page
    r = handler.post(f"/issues/{issue.pk}/move/reply/", {"reply": "已答复", "next": "https://evil.example/"})
    assert r["Location"] == f"/issues/{issue.pk}/"
