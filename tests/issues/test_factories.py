"""``issue_made`` writes the state the actions would leave: the same fields, deadlines, counters and
timeline as ``issue_in`` for every status, so tests built on it test what production data looks like."""

import pytest
from django.forms.models import model_to_dict

from issues.models import Issue
from tests.issues.factories import PATHS, at, issue_in, issue_made

pytestmark = pytest.mark.django_db

# written by the actions themselves, not part of the state a test reads
IGNORED = {"id", "reference", "updated_at"}


def _state(issue: Issue) -> dict:
    issue = Issue.objects.get(pk=issue.pk)
    fields = {k: v for k, v in model_to_dict(issue).items() if k not in IGNORED}
    fields["co_departments"] = sorted(d.pk for d in fields["co_departments"])
    timeline = list(issue.events.order_by("id").values_list("action", "from_status", "to_status", "actor_id"))
    ratings = list(issue.ratings.values_list("round", "score", "source", "rated_by_id", "department_id"))
    follow_ups = list(issue.follow_ups.values_list("round", "clerk_id", "reached", "satisfied"))
    return {"fields": fields, "timeline": timeline, "ratings": ratings, "follow_ups": follow_ups}


@pytest.mark.parametrize("status", sorted(PATHS))
def test_a_made_problem_is_what_the_actions_leave(people, status):
    # given the same people and the same moment
    roles = {k: people[k] for k in ("member", "clerk", "handler", "supervisor")}
    now = at("2026-03-02")
    # when one problem is driven through the actions and another written directly
    driven = issue_in(status, **roles, now=now)
    made = issue_made(status, **roles, now=now)
    # then both hold the same state: fields, deadlines, counters, timeline, rating and follow-up
    expected, got = _state(driven), _state(made)
    assert got["fields"] == expected["fields"]
    assert got["timeline"] == expected["timeline"]
    assert got["ratings"] == expected["ratings"] and got["follow_ups"] == expected["follow_ups"]


@pytest.mark.parametrize("status", ["submitted", "dispatched"])
def test_a_problem_a_clerk_registered_is_made_as_the_actions_leave_it(people, enterprise, status):
    # given a clerk registering for an enterprise through the window
    roles = {"member": people["clerk"], "clerk": people["clerk"], "handler": people["handler"]}
    now = at("2026-03-02")
    driven = issue_in(status, **roles, enterprise=enterprise, channel="window", now=now)
    made = issue_made(status, **roles, enterprise=enterprise, channel="window", now=now)
    # then the contact is the enterprise's, the channel the window, like every other field
    assert _state(made) == _state(driven)
