"""The scheduled overdue sweep: marks, notifies handler and supervisor, records, idempotent."""

import datetime as dt

import pytest

from issues import actions, tasks
from issues.models import Issue, IssueEvent, OverdueMark
from portal.models import AuditLog, Notification
from tests.issues.factories import at, issue_in, submit

pytestmark = pytest.mark.django_db


def _roles(people):
    return {"member": people["member"], "clerk": people["clerk"], "handler": people["handler"]}


def state():
    return (
        list(Issue.objects.order_by("pk").values_list("ever_overdue", "version")),
        OverdueMark.objects.count(),
        IssueEvent.objects.count(),
        AuditLog.objects.count(),
        Notification.objects.count(),
    )


def test_sweep_marks_notifies_and_is_idempotent(people, supervisor):
    # given a problem whose reply deadline passed, one whose dispatch deadline passed, and one on time
    late = issue_in("accepted", **_roles(people), now=at("2026-03-02"))
    waiting = submit(people["member"], now=at("2026-03-02"))
    fresh = issue_in("accepted", **_roles(people), now=at("2026-03-20"))
    # when the sweep runs on 2026-03-20
    marked = actions.sweep_overdue(today=dt.date(2026, 3, 20))
    # then the two late ones are marked, the handler and the supervisor are notified (督办), it is recorded
    assert marked == 2
    late.refresh_from_db()
    waiting.refresh_from_db()
    fresh.refresh_from_db()
    assert (late.is_overdue(dt.date(2026, 3, 20)), late.current_step()[0], late.ever_overdue) == (True, "reply", True)
    assert (waiting.is_overdue(dt.date(2026, 3, 20)), waiting.current_step()[0]) == (True, "dispatch")
    assert not fresh.is_overdue(dt.date(2026, 3, 20)) and not fresh.ever_overdue
    recipients = set(Notification.objects.filter(kind="issues.overdue").values_list("recipient__username", flat=True))
    assert {"handler-hz-amr", "supervisor", "clerk"} <= recipients
    assert AuditLog.objects.filter(action="issues.issue.overdue").count() == 2
    assert IssueEvent.objects.filter(action="overdue").count() == 2
    # when it runs a second time, then nothing changes
    before = state()
    assert actions.sweep_overdue(today=dt.date(2026, 3, 20)) == 0
    assert state() == before


def test_next_move_clears_the_mark(people):
    issue = issue_in("accepted", **_roles(people), now=at("2026-03-02"))
    actions.sweep_overdue(today=dt.date(2026, 3, 20))
    actions.issue_reply(actor=people["handler"], issue=Issue.objects.get(pk=issue.pk), reply="迟到的答复")
    issue.refresh_from_db()
    assert not issue.overdue and issue.ever_overdue and issue.replied_on_time is False


def test_scheduled_task_is_registered_and_runs(people):
    assert any(s["func"] == "issues.tasks.sweep_overdue" for s in tasks.SCHEDULES)
    issue_in("accepted", **_roles(people), now=at("2020-03-02"))
    assert tasks.sweep_overdue() == 1
    assert tasks.sweep_overdue() == 0


def test_after_extension_a_new_deadline_can_be_marked_again(people, supervisor):
    # given a problem marked overdue for its reply, then re-dispatched after a return with a new deadline
    issue = issue_in("accepted", **_roles(people), now=at("2026-03-02"))
    req = actions.issue_request_extension(
        actor=people["handler"],
        issue=issue,
        requested_due=dt.date(2026, 3, 25),
        reason="等待检测",
        now=at("2026-03-10"),
    )
    actions.extension_decide(actor=supervisor, request=req, approve=True)
    assert actions.sweep_overdue(today=dt.date(2026, 3, 20)) == 0
    assert actions.sweep_overdue(today=dt.date(2026, 3, 26)) == 1


def test_escalation_clears_the_mark_and_gets_fresh_deadlines(people, supervisor, province_department):
    # given an overdue city-level problem
    issue = issue_in("accepted", **_roles(people), now=at("2026-03-02"))
    actions.sweep_overdue(today=dt.date(2026, 3, 20))
    issue.refresh_from_db()
    assert issue.is_overdue(dt.date(2026, 3, 20))
    # when it is escalated, then it is no longer overdue and a later sweep leaves it alone
    actions.issue_escalate(
        actor=supervisor, issue=issue, to_department=province_department, reason="提级", now=at("2026-03-20")
    )
    issue.refresh_from_db()
    assert not issue.is_overdue(dt.date(2026, 3, 21)) and issue.reply_due == dt.date(2026, 4, 3)
    assert actions.sweep_overdue(today=dt.date(2026, 3, 21)) == 0
