"""政企恳谈会: a session's problems are real problems that run the whole loop."""

import datetime as dt

import pytest

from issues import actions as issue_actions
from issues.models import Issue
from portal.exceptions import ActionError, PermissionDeniedError, TransitionNotAllowed
from portal.models import AuditLog
from tests.issues.factories import at
from tests.portal.factories import EnterpriseFactory, member_of
from voice import actions, selectors
from voice.models import SessionProblem

from .factories import problem_rows, session

pytestmark = pytest.mark.django_db


def test_session_with_five_problems_runs_to_closure(clerk, handler, supervisor, enterprise, other_enterprise):
    # given a session on Wednesday 11 February 2026 with two enterprises
    meeting = session(clerk, [enterprise, other_enterprise])
    # when the clerk registers five problems raised there in one batch
    issues = actions.session_register_problems(
        actor=clerk, session=meeting, problems=problem_rows([enterprise, other_enterprise], 5)
    )
    # then each is a real problem through channel 政企恳谈会, registered at the session, linked to it
    assert len(issues) == 5
    for issue in issues:
        issue.refresh_from_db()
        assert issue.channel.code == "roundtable" and issue.discovery == "active"
        assert issue.registered_at == at("2026-02-11", 14)
        # the 2-working-day dispatch clock runs from the session (Wed 11 Feb → Fri 13 Feb)
        assert issue.dispatch_due == dt.date(2026, 2, 13)
    assert SessionProblem.objects.filter(session=meeting).count() == 5
    assert AuditLog.objects.filter(action="voice.session.problems_registered", target_id=str(meeting.pk)).count() == 1
    # when every problem goes through dispatch, reply, follow-up, rating and closing
    members = {enterprise.pk: member_of(enterprise), other_enterprise.pk: member_of(other_enterprise)}
    for issue in issues:
        issue_actions.issue_dispatch(actor=clerk, issue=issue, lead_department=handler.department)
        issue_actions.issue_accept(actor=handler, issue=issue)
        issue_actions.issue_reply(actor=handler, issue=issue, reply="已协调供电公司加快增容。")
        issue_actions.issue_follow_up(actor=clerk, issue=issue, reached=True, satisfied=True)
        issue_actions.issue_rate(actor=members[issue.enterprise_id], issue=issue, rating=5)
        issue_actions.issue_close(actor=supervisor, issue=issue)
    # then the session page shows them closed with their rating, and the series figures count them
    rows = list(selectors.session_problems(meeting))
    assert [r.status for r in rows] == ["closed"] * 5 and {r.rating for r in rows} == {5}
    stats = selectors.series_stats(meeting.series)
    assert stats["sessions"] == 1 and stats["enterprises"] == 2 and stats["problems"] == 5
    assert stats["closed"] == 5 and stats["closure_rate"] == 100.0
    # recounted from the raw rows
    assert stats["problems"] == Issue.objects.filter(meeting_link__session__series=meeting.series).count()
    summary = selectors.session_detail(meeting.pk)
    assert summary.problem_count == 5 and summary.answered_count == 5 and summary.enterprise_count == 2


def test_a_bad_row_registers_nothing(clerk, enterprise):
    # given a session and a batch whose second row names an enterprise that was not there
    meeting = session(clerk, [enterprise])
    rows = problem_rows([enterprise], 2)
    rows[1]["enterprise"] = EnterpriseFactory()
    # when the batch is registered, then it is refused and nothing is created
    with pytest.raises(ActionError):
        actions.session_register_problems(actor=clerk, session=meeting, problems=rows)
    assert Issue.objects.count() == 0 and SessionProblem.objects.count() == 0


def test_only_clerks_register_and_not_before_the_session(clerk, handler, member, enterprise):
    meeting = session(clerk, [enterprise])
    for outsider in (handler, member):
        with pytest.raises(PermissionDeniedError):
            actions.session_register_problems(actor=outsider, session=meeting, problems=problem_rows([enterprise], 1))
    future = session(clerk, [enterprise], the_series=meeting.series, held_at=at("2099-01-07", 14))
    with pytest.raises(TransitionNotAllowed):
        actions.session_register_problems(actor=clerk, session=future, problems=problem_rows([enterprise], 1))
    assert Issue.objects.count() == 0


def test_sessions_are_numbered_within_their_series(clerk, enterprise):
    first = session(clerk, [enterprise])
    second = session(clerk, [enterprise], the_series=first.series, held_at=at("2026-02-18", 14))
    assert (first.number, second.number) == (1, 2)
