"""Deadlines are never stale: "overdue" and the lights are derived from the current step's deadline when
read, so a problem past its deadline shows as late everywhere even when the sweep has not run."""

import datetime as dt

import pytest
from django.utils import timezone

from issues import actions
from issues.models import Issue, OverdueMark, overdue_condition
from portal.models import Notification
from tests.issues.factories import issue_in, issue_made, submit

pytestmark = pytest.mark.django_db


def _roles(people):
    return {"member": people["member"], "clerk": people["clerk"], "handler": people["handler"]}


def _days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


@pytest.fixture
def late(people):
    """Dispatched and accepted 60 days ago: its reply deadline (about 45 days ago) has passed, and no
    sweep has run (no mark, no notice, ever_overdue still false)."""
    issue = issue_in("accepted", **_roles(people), now=_days_ago(60), title="迟迟未答复")
    assert issue.reply_due < timezone.localdate()
    assert not OverdueMark.objects.exists() and not Issue.objects.get(pk=issue.pk).ever_overdue
    return issue


@pytest.fixture
def on_time(people):
    return issue_in("accepted", **_roles(people), title="刚刚交办")


def test_model_says_overdue_once_in_python_and_in_sql(late, on_time, people):
    # given a late problem, one on time, one waiting for dispatch past its deadline and one closed long ago
    waiting = submit(people["member"], now=_days_ago(30))
    closed = issue_in("closed", **_roles(people), supervisor=people["supervisor"], now=_days_ago(90))
    today = timezone.localdate()
    # then the property and the SQL condition agree, on the deadline, the day after it and today
    for day in (late.reply_due, late.reply_due + dt.timedelta(days=1), today):
        in_sql = set(Issue.objects.filter(overdue_condition(day)).values_list("pk", flat=True))
        in_python = {i.pk for i in Issue.objects.all() if i.is_overdue(day)}
        assert in_sql == in_python
    assert in_python == {late.pk, waiting.pk}
    assert not late.is_overdue(late.reply_due) and late.is_overdue(late.reply_due + dt.timedelta(days=1))
    assert (late.overdue, late.overdue_step) == (True, "reply")
    assert (waiting.overdue, waiting.overdue_step) == (True, "dispatch")
    assert (on_time.overdue, on_time.overdue_step) == (False, "")
    assert (closed.overdue, closed.overdue_step) == (False, "")
    assert set(Issue.objects.overdue().values_list("pk", flat=True)) == {late.pk, waiting.pk}


def test_api_detail_and_list_filter_show_it_without_the_sweep(api_for, people, late, on_time):
    api = api_for(people["clerk"])
    # when the API is read, the sweep never having run
    body = api.get(f"/api/v1/issues/{late.pk}/").json()
    # then the detail says overdue, at the reply step, with a red light
    assert (body["overdue"], body["overdue_step"], body["light"]) == (True, "reply", "overdue")
    fresh = api.get(f"/api/v1/issues/{on_time.pk}/").json()
    assert (fresh["overdue"], fresh["overdue_step"]) == (False, "")
    # and the list filter finds it (and only it); overdue=false finds the other one
    assert [row["id"] for row in api.get("/api/v1/issues/?overdue=true").json()["results"]] == [late.pk]
    assert [row["id"] for row in api.get("/api/v1/issues/?overdue=false").json()["results"]] == [on_time.pk]
    listed = {row["id"]: row for row in api.get("/api/v1/issues/").json()["results"]}
    assert (listed[late.pk]["overdue"], listed[late.pk]["light"]) == (True, "overdue")


def test_pages_list_light_and_supervision_show_it_without_the_sweep(client_for, people, late, on_time):
    # when the list is filtered by overdue and the 督办 page is read, the sweep never having run
    listed = client_for(people["clerk"]).get("/issues/?overdue=true").content.decode()
    supervision = client_for(people["supervisor"]).get("/issues/supervision/").content.decode()
    overdue_table = supervision.split('data-testid="overdue-list"')[1].split("</table>")[0]
    # then the late problem is there with its red light, the one on time is not
    for html in (listed, overdue_table):
        assert f'data-issue="{late.pk}"' in html and f'data-issue="{on_time.pk}"' not in html
        row = html.split(f'data-issue="{late.pk}"')[1].split("</tr>")[0]
        assert 'data-light="overdue"' in row
    assert f'data-issue="{on_time.pk}"' in client_for(people["clerk"]).get("/issues/?overdue=false").content.decode()


def test_admin_list_filter_and_column_derive_it(client_for, admin_user, late, on_time):
    c = client_for(admin_user)
    page = c.get("/admin/issues/issue/?overdue=yes").content.decode()
    assert late.reference in page and on_time.reference not in page
    page = c.get("/admin/issues/issue/?overdue=no").content.decode()
    assert on_time.reference in page and late.reference not in page


def test_a_move_after_the_deadline_records_ever_overdue_without_the_sweep(late, people):
    # when the late problem is answered (no sweep ever ran)
    actions.issue_reply(actor=people["handler"], issue=Issue.objects.get(pk=late.pk), reply="迟到的答复")
    late.refresh_from_db()
    # then it is no longer overdue (the follow-up deadline is ahead), but it was: the move recorded it
    assert not late.overdue and late.ever_overdue and late.replied_on_time is False


def test_a_move_on_time_does_not_record_ever_overdue(on_time, people):
    actions.issue_reply(actor=people["handler"], issue=Issue.objects.get(pk=on_time.pk), reply="按时答复")
    on_time.refresh_from_db()
    assert not on_time.ever_overdue and on_time.replied_on_time is True


def test_the_sweep_still_notifies_once_for_what_reads_already_show(late, people, supervisor):
    # given the late problem already shows overdue; when the sweep finally runs, twice
    assert actions.sweep_overdue() == 1
    assert actions.sweep_overdue() == 0
    # then the 督办 notices went out once and the record is kept
    late.refresh_from_db()
    assert late.ever_overdue and late.overdue
    assert Notification.objects.filter(kind="issues.overdue", recipient=supervisor, channel="inbox").count() == 1


# the exact queries of each list, the same for 3 late problems as for 30
QUERIES = {"/api/v1/issues/?overdue=true": 5, "/issues/?overdue=true": 9, "/issues/supervision/": 13}


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("clerk", "/api/v1/issues/?overdue=true"),
        ("clerk", "/issues/?overdue=true"),
        ("supervisor", "/issues/supervision/"),
    ],
)
def test_overdue_lists_cost_the_same_for_3_and_30_late_problems(client_for, api_for, people, who, url, num_queries):
    c = (api_for if url.startswith("/api/") else client_for)(people[who])

    def make(n):
        for i in range(n):
            status = ["submitted", "dispatched", "accepted", "replied"][i % 4]
            issue_made(status, **_roles(people), now=_days_ago(60), title=f"超期{i}")

    make(3)
    three = num_queries.get(c, url)
    make(27)
    assert Issue.objects.overdue().count() == 30
    assert num_queries.get(c, url) == three == QUERIES[url]
