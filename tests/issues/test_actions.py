"""Every allowed and every refused move of the problem state machine."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from issues import actions
from issues.models import Issue, IssueEvent, Rating
from portal.exceptions import PermissionDeniedError, TransitionNotAllowed
from portal.models import AuditLog, Notification
from tests.issues.factories import at, issue_in, submit

pytestmark = pytest.mark.django_db


def snapshot(issue):
    row = Issue.objects.get(pk=issue.pk)
    return (
        row.status,
        row.version,
        row.reply_due,
        row.rating,
        IssueEvent.objects.filter(issue=issue).count(),
        AuditLog.objects.for_target(issue).count(),
        Rating.objects.filter(issue=issue).count(),
        Notification.objects.count(),
    )


def refused(issue, call, exc, text):
    """Run ``call``; it must raise ``exc`` whose message contains ``text`` and change nothing."""
    before = snapshot(issue)
    with pytest.raises(exc) as info:
        call()
    message = " ".join(info.value.messages) if isinstance(info.value, ValidationError) else str(info.value)
    assert text in message
    assert snapshot(issue) == before


# --- allowed moves -------------------------------------------------------------------------


def test_full_loop_with_reopen(people, supervisor):
    # given an enterprise's problem
    m, c, h = people["member"], people["clerk"], people["handler"]
    issue = submit(m)
    assert issue.status == "submitted" and issue.reference.startswith("SQ")
    # when it goes through the whole loop with a bad rating and a 重办
    actions.issue_dispatch(actor=c, issue=issue, lead_department=h.department)
    actions.issue_accept(actor=h, issue=issue)
    actions.issue_reply(actor=h, issue=issue, reply="内部答复", public_reply="对企业答复")
    actions.issue_follow_up(actor=c, issue=issue, reached=True, satisfied=False, note="企业不满意")
    actions.issue_rate(actor=m, issue=issue, rating=2, comment="问题仍未解决")
    assert issue.status == "reopened" and issue.reopen_count == 1 and issue.rating is None
    actions.issue_accept(actor=h, issue=issue)
    actions.issue_reply(actor=h, issue=issue, reply="已现场解决")
    actions.issue_follow_up(actor=c, issue=issue, reached=True, satisfied=True)
    actions.issue_rate(actor=m, issue=issue, rating=5)
    actions.issue_close(actor=supervisor, issue=issue)
    # then it is closed, two ratings, one per round, and every step is on the timeline
    issue.refresh_from_db()
    assert issue.status == "closed" and issue.rating == 5
    assert list(issue.ratings.values_list("round", "score")) == [(1, 2), (2, 5)]
    assert list(IssueEvent.objects.filter(issue=issue).values_list("action", flat=True)) == [
        "submit", "dispatch", "accept", "reply", "follow_up", "rate", "reopen",
        "accept", "reply", "follow_up", "rate", "close",
    ]  # fmt: skip


def test_every_transition_leaves_an_audit_row_and_a_notification(people, supervisor):
    # given a problem that goes through every kind of status change
    m, c, h = people["member"], people["clerk"], people["handler"]
    issue = submit(m)
    steps = [
        lambda: actions.issue_dispatch(actor=c, issue=issue, lead_department=h.department),
        lambda: actions.issue_return(actor=h, issue=issue, reason="非本部门职责"),
        lambda: actions.issue_dispatch(actor=c, issue=issue, lead_department=h.department),
        lambda: actions.issue_accept(actor=h, issue=issue),
        lambda: actions.issue_reply(actor=h, issue=issue, reply="答复"),
        lambda: actions.issue_rate(actor=m, issue=issue, rating=1, comment="没解决"),
        lambda: actions.issue_reply(actor=h, issue=issue, reply="重办答复"),
        lambda: actions.issue_follow_up(actor=c, issue=issue, reached=True),
        lambda: actions.issue_close(actor=supervisor, issue=issue),
    ]
    for step in steps:
        audits = AuditLog.objects.for_target(issue).count()
        notes = Notification.objects.count()
        # when the step runs
        step()
        # then at least one audit row and one notification were written
        assert AuditLog.objects.for_target(issue).count() > audits
        assert Notification.objects.count() > notes
    assert AuditLog.objects.for_target(issue).filter(action="issues.issue.reopen").exists()


def test_withdraw_before_dispatch(people):
    issue = submit(people["member"])
    actions.issue_withdraw(actor=people["member"], issue=issue, reason="已解决")
    assert Issue.objects.get(pk=issue.pk).status == "withdrawn"


def test_withdraw_after_dispatch_refused(people):
    issue = issue_in("dispatched", **_roles(people))
    refused(
        issue, lambda: actions.issue_withdraw(actor=people["member"], issue=issue), TransitionNotAllowed, "不能撤回"
    )


def _roles(people):
    return {"member": people["member"], "clerk": people["clerk"], "handler": people["handler"]}


def test_two_returns_go_to_the_supervisor(people, supervisor):
    # given a problem returned twice
    c, h = people["clerk"], people["handler"]
    issue = issue_in("returned", **_roles(people))
    assert not issue.with_supervisor
    actions.issue_dispatch(actor=c, issue=issue, lead_department=h.department)
    actions.issue_return(actor=h, issue=issue, reason="仍非本部门职责")
    # then it is with the supervisor: a clerk may no longer dispatch it, a supervisor may
    assert issue.with_supervisor and issue.returns_count == 2
    refused(
        issue,
        lambda: actions.issue_dispatch(actor=c, issue=issue, lead_department=h.department),
        PermissionDeniedError,
        "督办",
    )
    actions.issue_dispatch(actor=supervisor, issue=issue, lead_department=people["other_handler"].department)
    assert issue.status == "dispatched" and issue.dispatch_count == 3


def test_two_dispatches_without_solution_go_to_the_supervisor(people):
    # given a problem dispatched twice (escalated by time, not by returns)
    c, h, o = people["clerk"], people["handler"], people["other_handler"]
    issue = issue_in("returned", **_roles(people))
    actions.issue_dispatch(actor=c, issue=issue, lead_department=o.department)
    # when the second department returns it once
    actions.issue_return(actor=o, issue=issue, reason="应由市场监管处理")
    # then the supervisor takes over
    assert issue.with_supervisor and issue.dispatch_count == 2 and h


def test_extension_request_and_approval(people, supervisor):
    # given a dispatched problem
    h = people["handler"]
    issue = issue_in("accepted", **_roles(people), now=at("2026-03-02"))
    old_due = issue.reply_due
    # when the handler asks for more time before the deadline and the supervisor approves
    request = actions.issue_request_extension(
        actor=h, issue=issue, requested_due=old_due + dt.timedelta(days=10), reason="需省厅答复", now=at("2026-03-05")
    )
    actions.extension_decide(actor=supervisor, request=request, approve=True, now=at("2026-03-06"))
    # then the new deadline is recorded, with the count
    issue.refresh_from_db()
    assert issue.reply_due == old_due + dt.timedelta(days=10) and issue.extensions_count == 1
    event = issue.events.get(action="approve_extension")
    assert event.data == {"previous_due": old_due.isoformat(), "new_due": issue.reply_due.isoformat()}
    # and the same request cannot be decided twice
    with pytest.raises(TransitionNotAllowed, match="已处理"):
        actions.extension_decide(actor=supervisor, request=request, approve=False)


def test_extension_after_deadline_refused(people):
    issue = issue_in("accepted", **_roles(people), now=at("2026-03-02"))
    refused(
        issue,
        lambda: actions.issue_request_extension(
            actor=people["handler"],
            issue=issue,
            requested_due=issue.reply_due + dt.timedelta(days=5),
            reason="来不及",
            now=at("2026-04-01"),
        ),
        TransitionNotAllowed,
        "不能再申请延期",
    )


def test_extension_rejected_keeps_deadline(people, supervisor):
    issue = issue_in("dispatched", **_roles(people), now=at("2026-03-02"))
    due = issue.reply_due
    request = actions.issue_request_extension(
        actor=people["handler"], issue=issue, requested_due=due + dt.timedelta(days=3), reason="x", now=at("2026-03-03")
    )
    actions.extension_decide(actor=supervisor, request=request, approve=False, note="理由不足")
    issue.refresh_from_db()
    assert issue.reply_due == due and issue.extensions_count == 0


def test_escalate_to_next_level_with_new_deadlines(people, supervisor, province_department, province_handler):
    # given a city-level problem that was dispatched weeks ago
    issue = issue_in("accepted", **_roles(people), now=at("2026-03-02"))
    assert issue.level == "city"
    # when the supervisor escalates it to the province
    actions.issue_escalate(
        actor=supervisor,
        issue=issue,
        to_department=province_department,
        reason="涉及省级审批权限",
        now=at("2026-04-01"),
    )
    # then the province department leads with fresh deadlines, and it sees the problem
    issue.refresh_from_db()
    assert (issue.status, issue.level, issue.lead_department, issue.escalation_count) == (
        "dispatched",
        "province",
        province_department,
        1,
    )
    assert issue.reply_due == dt.date(2026, 4, 15) and issue.escalations.count() == 1
    assert Issue.objects.visible_to(province_handler).filter(pk=issue.pk).exists()
    assert not Issue.objects.visible_to(people["handler"]).filter(pk=issue.pk).exists()


def test_escalate_to_same_level_refused(people, supervisor):
    issue = issue_in("accepted", **_roles(people))
    refused(
        issue,
        lambda: actions.issue_escalate(
            actor=supervisor, issue=issue, to_department=people["other_handler"].department, reason="x"
        ),
        ValidationError,
        "上一级",
    )


def test_follow_up_not_reached_keeps_waiting(people):
    issue = issue_in("replied", **_roles(people))
    actions.issue_follow_up(actor=people["clerk"], issue=issue, reached=False, note="电话无人接听")
    issue.refresh_from_db()
    assert issue.status == "replied" and issue.followup_count == 1 and issue.followed_up_at is None


def test_follow_up_records_satisfaction_as_the_clerks_record_not_a_rating(people):
    # given a replied problem, when the clerk records the level the enterprise states on the call
    issue = issue_in("replied", **_roles(people))
    follow_up = actions.issue_follow_up(
        actor=people["clerk"], issue=issue, reached=True, satisfied=True, satisfaction=4, note="企业原话：满意"
    )
    # then it is the follow-up's 回访满意度 by the clerk, and no 好差评 exists
    issue.refresh_from_db()
    assert follow_up.satisfaction == 4 and follow_up.clerk == people["clerk"] and follow_up.rating is None
    assert issue.status == "followed_up" and issue.follow_up_satisfaction == 4 and issue.rating is None
    assert not issue.ratings.exists()


def test_low_follow_up_satisfaction_never_reopens_nor_blocks_the_enterprise(people):
    # given a clerk recorded a low satisfaction on the call
    issue = issue_in("replied", **_roles(people))
    actions.issue_follow_up(actor=people["clerk"], issue=issue, reached=True, satisfaction=1, note="企业称：没人来")
    issue.refresh_from_db()
    assert issue.status == "followed_up" and issue.reopen_count == 0
    # when the enterprise rates the round itself, then its own rating counts
    actions.issue_rate(actor=people["member"], issue=issue, rating=5)
    issue.refresh_from_db()
    assert issue.rating == 5 and issue.follow_up_satisfaction == 1
    assert list(issue.ratings.values_list("source", "rated_by")) == [("enterprise", people["member"].pk)]


def test_follow_up_satisfaction_needs_the_enterprise_reached_and_a_level(people):
    issue = issue_in("replied", **_roles(people))
    refused(
        issue,
        lambda: actions.issue_follow_up(actor=people["clerk"], issue=issue, reached=False, satisfaction=4),
        ValidationError,
        "未联系上",
    )
    refused(
        issue,
        lambda: actions.issue_follow_up(actor=people["clerk"], issue=issue, reached=True, satisfaction=7),
        ValidationError,
        "1 到 5",
    )


def test_reopen_has_its_own_deadline_and_needs_follow_up_again(people, supervisor):
    # given a problem rated badly on 2026-03-02
    issue = issue_in("followed_up", **_roles(people), now=at("2026-02-02"))
    actions.issue_rate(actor=people["member"], issue=issue, rating=2, comment="答复敷衍", now=at("2026-03-02"))
    # then it has a 15-working-day 重办 deadline and needs a new follow-up before closing
    issue.refresh_from_db()
    assert issue.status == "reopened" and issue.reply_due == dt.date(2026, 3, 23)
    actions.issue_reply(actor=people["handler"], issue=issue, reply="重办完成")
    refused(issue, lambda: actions.issue_close(actor=supervisor, issue=issue), TransitionNotAllowed, "回访")


def test_appeal_decided_by_supervisor_rating_unchanged(people, supervisor):
    # given a bad rating
    issue = issue_in("reopened", **_roles(people))
    rating = issue.ratings.get()
    # when the department appeals and the supervisor upholds it
    appeal = actions.appeal_submit(actor=people["handler"], rating=rating, reason="企业诉求超出法定范围")
    actions.appeal_decide(actor=supervisor, appeal=appeal, uphold=True, note="诉求不合理")
    # then the appeal is upheld and the rating itself is untouched
    appeal.refresh_from_db()
    assert appeal.status == "upheld" and Rating.objects.get(pk=rating.pk).score == 2
    with pytest.raises(TransitionNotAllowed):
        actions.appeal_submit(actor=people["handler"], rating=rating, reason="再申诉")


def test_appeal_by_other_department_refused(people):
    issue = issue_in("reopened", **_roles(people))
    with pytest.raises(PermissionDeniedError):
        actions.appeal_submit(actor=people["other_handler"], rating=issue.ratings.get(), reason="x")


def test_clerk_intake_for_any_channel(people, enterprise):
    issue = actions.issue_submit(
        actor=people["clerk"],
        enterprise=enterprise,
        channel="hotline-12345",
        discovery="active",
        title="厂门口路灯不亮",
        description="园区道路路灯损坏三个月无人修",
        category="infrastructure",
        contact_name="王经理",
        contact_phone="13900002222",
    )
    assert issue.channel.code == "hotline-12345" and issue.discovery == "active"


# --- refused moves ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "move", "text"),
    [
        ("submitted", "accept", "不能签收"),
        ("submitted", "reply", "不能答复"),
        ("submitted", "follow_up", "不能回访"),
        ("submitted", "close", "不能办结"),
        ("dispatched", "dispatch", "不能交办"),
        ("dispatched", "rate", "答复后才能评价"),
        ("accepted", "accept", "不能签收"),
        ("accepted", "follow_up", "不能回访"),
        ("replied", "close", "尚未回访"),
        ("replied", "return", "不能退回"),
        ("closed", "reply", "不能答复"),
        ("closed", "dispatch", "不能交办"),
        ("withdrawn", "dispatch", "不能交办"),
        ("reopened", "close", "不能办结"),
        ("returned", "accept", "不能签收"),
    ],
)
def test_wrong_state_refused(people, supervisor, status, move, text):
    # given a problem in ``status``
    issue = issue_in(status, **_roles(people), supervisor=supervisor)
    m, c, h = people["member"], people["clerk"], people["handler"]
    calls = {
        "dispatch": lambda: actions.issue_dispatch(actor=supervisor, issue=issue, lead_department=h.department),
        "accept": lambda: actions.issue_accept(actor=h, issue=issue),
        "reply": lambda: actions.issue_reply(actor=h, issue=issue, reply="答复"),
        "return": lambda: actions.issue_return(actor=h, issue=issue, reason="理由"),
        "follow_up": lambda: actions.issue_follow_up(actor=c, issue=issue, reached=True),
        "rate": lambda: actions.issue_rate(actor=m, issue=issue, rating=4),
        "close": lambda: actions.issue_close(actor=supervisor, issue=issue),
    }
    if issue.lead_department_id is None:
        issue.lead_department = h.department  # so the role check passes and the state check speaks
    # when the move is attempted, then it is refused with a clear message and nothing changes
    refused(issue, calls[move], TransitionNotAllowed, text)


@pytest.mark.parametrize(
    ("status", "move", "who"),
    [
        ("submitted", "dispatch", "handler"),
        ("submitted", "dispatch", "member"),
        ("dispatched", "accept", "other_handler"),
        ("dispatched", "accept", "clerk"),
        ("accepted", "reply", "other_handler"),
        ("accepted", "reply", "member"),
        ("dispatched", "return", "clerk"),
        ("replied", "follow_up", "handler"),
        ("replied", "follow_up", "member"),
        ("replied", "rate", "clerk"),
        ("replied", "rate", "handler"),
        ("followed_up", "close", "clerk"),
        ("followed_up", "close", "handler"),
        ("submitted", "withdraw", "clerk"),
        ("accepted", "escalate", "clerk"),
    ],
)
def test_wrong_role_refused(people, supervisor, province_department, status, move, who):
    issue = issue_in(status, **_roles(people), supervisor=supervisor)
    actor = people[who]
    h = people["handler"]
    calls = {
        "dispatch": lambda: actions.issue_dispatch(actor=actor, issue=issue, lead_department=h.department),
        "accept": lambda: actions.issue_accept(actor=actor, issue=issue),
        "reply": lambda: actions.issue_reply(actor=actor, issue=issue, reply="答复"),
        "return": lambda: actions.issue_return(actor=actor, issue=issue, reason="理由"),
        "follow_up": lambda: actions.issue_follow_up(actor=actor, issue=issue, reached=True),
        "rate": lambda: actions.issue_rate(actor=actor, issue=issue, rating=4),
        "close": lambda: actions.issue_close(actor=actor, issue=issue),
        "withdraw": lambda: actions.issue_withdraw(actor=actor, issue=issue),
        "escalate": lambda: actions.issue_escalate(
            actor=actor, issue=issue, to_department=province_department, reason="x"
        ),
    }
    refused(issue, calls[move], PermissionDeniedError, "只有")


def test_other_enterprise_cannot_rate_or_withdraw(people, other_member):
    issue = issue_in("replied", **_roles(people))
    refused(issue, lambda: actions.issue_rate(actor=other_member, issue=issue, rating=5), PermissionDeniedError, "只有")


def test_return_too_late_refused(people):
    # given a problem dispatched on Friday 2026-03-06; the return limit is Monday 2026-03-09
    issue = issue_in("accepted", **_roles(people), now=at("2026-03-06"))
    assert issue.return_due == dt.date(2026, 3, 9)
    # when the department tries to return it on Tuesday, then it is too late
    refused(
        issue,
        lambda: actions.issue_return(actor=people["handler"], issue=issue, reason="不归我管", now=at("2026-03-10")),
        TransitionNotAllowed,
        "已超过退回时限",
    )
    # and on Monday it is still allowed
    actions.issue_return(actor=people["handler"], issue=issue, reason="不归我管", now=at("2026-03-09", 17))
    assert issue.status == "returned"


def test_return_without_reason_refused(people):
    issue = issue_in("dispatched", **_roles(people))
    refused(
        issue,
        lambda: actions.issue_return(actor=people["handler"], issue=issue, reason="  "),
        ValidationError,
        "退回理由",
    )


def test_close_without_follow_up_refused(people, supervisor):
    issue = issue_in("replied", **_roles(people))
    refused(issue, lambda: actions.issue_close(actor=supervisor, issue=issue), TransitionNotAllowed, "尚未回访")


def test_rate_twice_refused(people):
    issue = issue_in("replied", **_roles(people))
    actions.issue_rate(actor=people["member"], issue=issue, rating=4)
    refused(
        issue,
        lambda: actions.issue_rate(actor=people["member"], issue=issue, rating=5),
        TransitionNotAllowed,
        "不能修改或重复评价",
    )


@pytest.mark.parametrize("score", [6, 0, -1, "abc", None])
def test_rating_out_of_range_refused(people, score):
    issue = issue_in("replied", **_roles(people))
    refused(
        issue, lambda: actions.issue_rate(actor=people["member"], issue=issue, rating=score), ValidationError, "1 到 5"
    )


@pytest.mark.parametrize("comment", ["", "   "])
def test_bad_rating_without_reason_refused(people, comment):
    issue = issue_in("replied", **_roles(people))
    refused(
        issue,
        lambda: actions.issue_rate(actor=people["member"], issue=issue, rating=2, comment=comment),
        ValidationError,
        "须填写理由",
    )


def test_reply_empty_refused(people):
    issue = issue_in("accepted", **_roles(people))
    refused(
        issue, lambda: actions.issue_reply(actor=people["handler"], issue=issue, reply=""), ValidationError, "答复内容"
    )


def test_dispatch_to_catch_all_refused(people, catch_all_office):
    issue = submit(people["member"])
    refused(
        issue,
        lambda: actions.issue_dispatch(actor=people["clerk"], issue=issue, lead_department=catch_all_office),
        ValidationError,
        "职能部门",
    )


def test_stale_copy_loses(people):
    # given two copies of the same problem, when both dispatch, the second one is told clearly
    issue = submit(people["member"])
    copy = Issue.objects.get(pk=issue.pk)
    actions.issue_dispatch(actor=people["clerk"], issue=issue, lead_department=people["handler"].department)
    refused(
        issue,
        lambda: actions.issue_dispatch(
            actor=people["clerk"], issue=copy, lead_department=people["other_handler"].department
        ),
        TransitionNotAllowed,
        "已被他人修改",
    )


def test_submit_for_other_enterprise_refused(people, other_enterprise):
    with pytest.raises(PermissionDeniedError):
        submit(people["member"], enterprise=other_enterprise)
    assert not Issue.objects.exists()


def test_submit_with_empty_title_refused(people):
    with pytest.raises(ValidationError):
        submit(people["member"], title="")
    assert not Issue.objects.exists()


def test_classify_sets_kind_and_recomputes_dispatch_deadline(people, supervisor):
    from issues.models import DeadlineRule

    # given a rule: difficult problems get 5 working days to be dispatched
    DeadlineRule.objects.create(category=None, tier="difficult", dispatch_working_days=5)
    issue = submit(people["member"], now=at("2026-03-02"))
    assert issue.dispatch_due == dt.date(2026, 3, 4)
    # when the 兜底 clerk classifies it as difficult and 三不管
    actions.issue_classify(actor=people["clerk"], issue=issue, tier="difficult", ownerless_kind="unclear-duty")
    # then the kind is recorded and the dispatch deadline follows the rule
    issue.refresh_from_db()
    assert issue.ownerless_kind.code == "unclear-duty" and issue.dispatch_due == dt.date(2026, 3, 9)
    refused(
        issue,
        lambda: actions.issue_classify(actor=people["handler"], issue=issue, tier="general"),
        PermissionDeniedError,
        "只有",
    )


def test_co_department_gives_its_opinion_and_supervisor_urges(people, supervisor):
    from portal.models import Notification

    # given a problem led by one department with another as co-department
    c, h, o = people["clerk"], people["handler"], people["other_handler"]
    issue = submit(people["member"])
    actions.issue_dispatch(actor=c, issue=issue, lead_department=h.department, co_departments=[o.department])
    # when the co-department gives its opinion, the lead is told
    actions.issue_co_opinion(actor=o, issue=issue, note="税务方面无障碍，可按一般纳税人办理。")
    assert Notification.objects.filter(kind="issues.co_opinion", recipient=h).exists()
    # and the lead department cannot give a co-opinion, nor can an empty one be given
    refused(issue, lambda: actions.issue_co_opinion(actor=h, issue=issue, note="x"), PermissionDeniedError, "协办")
    refused(issue, lambda: actions.issue_co_opinion(actor=o, issue=issue, note=""), ValidationError, "协办意见")
    # when the supervisor urges, the lead department's handler is notified; a clerk may not urge
    actions.issue_urge(actor=supervisor, issue=issue, note="请本周内答复")
    assert Notification.objects.filter(kind="issues.urge", recipient=h).exists()
    refused(issue, lambda: actions.issue_urge(actor=c, issue=issue), PermissionDeniedError, "只有督办人员")
    assert list(issue.events.values_list("action", flat=True))[-2:] == ["co_opinion", "urge"]
