"""Dispatch and department work: 交办, 签收, 退回, 答复, 延期, 提级."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from portal.exceptions import ActionError, TransitionNotAllowed
from portal.models import User
from portal.workdays import add_working_days

from .. import deadlines, routing
from ..choices import (
    Level,
    RequestStatus,
)
from ..models import (
    Escalation,
    ExtensionRequest,
    Issue,
    IssueEvent,
)
from ..workflow import EXTENSION, ISSUE
from ._core import (
    S,
    _clerks,
    _department,
    _guard,
    _handlers,
    _members,
    _now,
    _supervisors,
    _transition,
)


def _handover(issue: Issue, *, to, actor: User, now: dt.datetime) -> dict:
    """The fields a dispatch and an escalation both set: a new lead department, nobody has signed for it
    yet, and the return and reply clocks start again from today."""
    today = deadlines.local_date(now)
    rule = deadlines.rule_for(issue.category_id, issue.tier)
    return {
        "lead_department": to,
        "handler": None,
        "dispatched_by": actor,
        "dispatched_at": now,
        "first_dispatched_at": issue.first_dispatched_at or now,
        "accepted_at": None,
        "accept_due": add_working_days(today, 1),
        "return_due": deadlines.return_due(dispatched_on=today, rule=rule),
        "reply_due": deadlines.reply_due(dispatched_on=today, rule=rule),
    }


@transaction.atomic
def issue_dispatch(
    *,
    actor: User,
    issue: Issue,
    lead_department,
    co_departments: Iterable = (),
    note: str = "",
    now: dt.datetime | None = None,
) -> Issue:
    """交办: the 兜底 clerk (or, once the problem is with the supervisor, only a supervisor) sends the
    problem to a lead department and co-departments. The reply clock starts now."""
    now = _now(now)
    _guard(actor, issue, "dispatch", now)
    lead = _department(lead_department)
    if not routing.takes_problems(lead):
        raise ActionError({"lead_department": _("牵头部门须为承办问题的职能部门，不能是兜底办或服务中心。")})
    co = [_department(value) for value in co_departments]
    co = [dept for dept in co if dept.pk != lead.pk]
    today = deadlines.local_date(now)
    level = lead.region.level if lead.region.level in Level.values else issue.level
    changes = {
        **_handover(issue, to=lead, actor=actor, now=now),
        "dispatch_count": issue.dispatch_count + 1,
        "level": level,
    }
    _transition(
        issue,
        event="dispatch",
        actor=actor,
        now=now,
        changes=changes,
        note=note.strip(),
        department=lead,
        data={
            "lead_department": lead.code,
            "co_departments": [dept.code for dept in co],
            "dispatch_on_time": today <= issue.dispatch_due if issue.dispatch_due else None,
        },
        recipients=[*_handlers([lead.pk, *[d.pk for d in co]]), *_members(issue)],
    )
    issue.co_departments.set(co)
    return issue


@transaction.atomic
def issue_accept(*, actor: User, issue: Issue, now: dt.datetime | None = None) -> Issue:
    """签收 by a handler of the lead department. The reply deadline does not move."""
    now = _now(now)
    _guard(actor, issue, "accept", now)
    # 签收 is on time within 1 working day of the dispatch (or of the 重办 for a reopened problem):
    # ``accept_due``, set by both moves and published in the open data.
    due = issue.accept_due
    if due is None:  # dispatched before accept_due existed and not backfilled
        started = issue.reopened_at if issue.status == S.REOPENED and issue.reopened_at else issue.dispatched_at
        due = add_working_days(deadlines.local_date(started), 1)
    on_time = deadlines.local_date(now) <= due
    return _transition(
        issue,
        event="accept",
        actor=actor,
        now=now,
        changes={"handler": actor, "accepted_at": now, "accepted_on_time": on_time},
        department=issue.lead_department,
        note=_("承办人：%(name)s") % {"name": actor.name},
        recipients=_members(issue),
    )


@transaction.atomic
def issue_return(*, actor: User, issue: Issue, reason: str, now: dt.datetime | None = None) -> Issue:
    """退回 with a reason, only within the return limit (1 working day) after dispatch. After two returns
    or two dispatches without a solution the problem goes to the 兜底 supervisor."""
    now = _now(now)
    _guard(actor, issue, "return", now)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError({"reason": _("请填写退回理由。")})
    returns = issue.returns_count + 1
    to_supervisor = returns >= 2 or issue.dispatch_count >= 2
    department = issue.lead_department
    _transition(
        issue,
        event="return",
        actor=actor,
        now=now,
        changes={"returns_count": returns, "with_supervisor": to_supervisor, "handler": None},
        note=reason,
        department=department,
        data={"to_supervisor": to_supervisor},
        recipients=[issue.dispatched_by, *(_supervisors() if to_supervisor else [])],
    )
    return issue


@transaction.atomic
def issue_reply(
    *, actor: User, issue: Issue, reply: str, public_reply: str = "", now: dt.datetime | None = None
) -> Issue:
    """答复 by the lead department: the internal reply and the version the enterprise sees
    (the internal text when none is given). The follow-up deadline starts."""
    now = _now(now)
    _guard(actor, issue, "reply", now)
    reply = (reply or "").strip()
    if not reply:
        raise ActionError({"reply": _("请填写答复内容。")})
    public_reply = (public_reply or "").strip() or reply
    today = deadlines.local_date(now)
    rule = deadlines.rule_for(issue.category_id, issue.tier)
    _transition(
        issue,
        event="reply",
        actor=actor,
        now=now,
        changes={
            "reply": reply,
            "public_reply": public_reply,
            "replied_at": now,
            "handler": issue.handler or actor,
            "accepted_at": issue.accepted_at or now,
            "replied_on_time": bool(issue.reply_due and today <= issue.reply_due),
            "followup_due": deadlines.followup_due(replied_on=today, rule=rule),
        },
        department=issue.lead_department,
        note=public_reply,
        recipients=[*_members(issue), issue.dispatched_by],
    )
    _withdraw_pending_extensions(issue, actor=actor, now=now)
    return issue


def _withdraw_pending_extensions(issue: Issue, *, actor: User, now: dt.datetime) -> None:
    """A reply makes a pending extension request moot: it is withdrawn (audited, on the timeline), so
    it leaves the supervisor's list instead of waiting there for good."""
    for request in issue.extension_requests.filter(status=RequestStatus.PENDING):
        EXTENSION.apply(
            request,
            "withdraw",
            actor=actor,
            action="issues.extensionrequest.withdrawn",
            changes={"decided_at": now, "decision_note": _("已答复，延期申请自动撤回。")},
            not_allowed_message=_("该延期申请已处理。"),
        )
        IssueEvent.objects.create(
            issue=issue,
            action="withdraw_extension",
            actor=actor,
            department=request.department,
            at=now,
            from_status=issue.status,
            to_status=issue.status,
            note=_("已答复，延期申请（申请延至 %(due)s）自动撤回。") % {"due": request.requested_due.isoformat()},
            public=False,
            data={"request": request.pk},
        )


@transaction.atomic
def issue_request_extension(
    *, actor: User, issue: Issue, requested_due: dt.date, reason: str, now: dt.datetime | None = None
) -> ExtensionRequest:
    """延期申请 by the lead department, before the reply deadline has passed; a supervisor decides."""
    now = _now(now)
    _guard(actor, issue, "request_extension", now)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError({"reason": _("请填写延期理由。")})
    if requested_due is None or (issue.reply_due and requested_due <= issue.reply_due):
        raise ActionError({"requested_due": _("申请的新期限须晚于当前答复期限。")})
    if issue.extension_requests.filter(status=RequestStatus.PENDING).exists():
        raise TransitionNotAllowed(_("已有一项待审批的延期申请。"))
    request = ExtensionRequest(
        issue=issue,
        department=issue.lead_department,
        requested_by=actor,
        requested_at=now,
        reason=reason,
        previous_due=issue.reply_due,
        requested_due=requested_due,
    )
    request.full_clean()
    _transition(
        issue,
        event="request_extension",
        actor=actor,
        now=now,
        note=reason,
        public=False,
        department=issue.lead_department,
        data={"requested_due": requested_due.isoformat()},
        recipients=_supervisors(),
    )
    request.save()
    return request


@transaction.atomic
def extension_decide(
    *, actor: User, request: ExtensionRequest, approve: bool, note: str = "", now: dt.datetime | None = None
) -> ExtensionRequest:
    """A supervisor approves (the new reply deadline is recorded) or rejects an extension request."""
    now = _now(now)
    move = "approve" if approve else "reject"
    refused = _("该延期申请已处理。")
    EXTENSION.check(actor, request, move, not_allowed_message=refused)
    status = EXTENSION[move].target
    EXTENSION.apply(
        request,
        move,
        actor=actor,
        action=f"issues.extensionrequest.{status}",
        changes={"decided_by": actor, "decided_at": now, "decision_note": note.strip()},
        not_allowed_message=refused,
    )
    issue = request.issue
    changes = {}
    if approve:
        changes = {
            "reply_due": request.requested_due,
            "extensions_count": issue.extensions_count + 1,
        }
    _transition(
        issue,
        event="approve_extension" if approve else "reject_extension",
        actor=actor,
        now=now,
        changes=changes,
        note=note.strip()
        or (_("答复期限延至 %(due)s") % {"due": request.requested_due.isoformat()} if approve else ""),
        data={"previous_due": request.previous_due.isoformat(), "new_due": request.requested_due.isoformat()},
        recipients=[request.requested_by],
        department=request.department,
    )
    return request


@transaction.atomic
def issue_escalate(*, actor: User, issue: Issue, to_department, reason: str, now: dt.datetime | None = None) -> Issue:
    """提级: a supervisor moves the problem to a department at the next government level, where its
    deadlines start afresh."""
    now = _now(now)
    _guard(actor, issue, "escalate", now)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError({"reason": _("请填写提级理由。")})
    target = _department(to_department)
    if not routing.escalation_targets(issue).filter(pk=target.pk).exists():
        raise ActionError({"to_department": routing.escalation_refusal(issue)})
    target_level = target.region.level
    Escalation.objects.create(
        issue=issue,
        from_department=issue.lead_department,
        to_department=target,
        from_level=issue.level,
        to_level=target_level,
        reason=reason,
        by=actor,
        at=now,
    )
    _transition(
        issue,
        event="escalate",
        actor=actor,
        now=now,
        changes={
            **_handover(issue, to=target, actor=actor, now=now),
            "level": target_level,
            "escalation_count": issue.escalation_count + 1,
            "with_supervisor": False,
            "reopen_limit_reached": False,
        },
        note=reason,
        department=target,
        data={"from_level": issue.level, "to_level": target_level, "to_department": target.code},
        recipients=[*_handlers([target.pk]), *_members(issue)],
    )
    return issue


# --- follow-up, rating, close --------------------------------------------------------------


@transaction.atomic
def issue_co_opinion(*, actor: User, issue: Issue, note: str, now: dt.datetime | None = None) -> Issue:
    """协办意见: a co-department's handler gives its part of the answer to the lead department."""
    now = _now(now)
    _guard(actor, issue, "co_opinion", now)
    note = (note or "").strip()
    if not note:
        raise ActionError({"opinion": _("请填写协办意见。")})
    return _transition(
        issue,
        event="co_opinion",
        actor=actor,
        now=now,
        note=note,
        public=False,
        department=actor.department,
        recipients=_handlers([issue.lead_department_id]),
    )


@transaction.atomic
def issue_urge(*, actor: User, issue: Issue, note: str = "", now: dt.datetime | None = None) -> Issue:
    """督办催办: a supervisor presses whoever holds the problem now (department or 兜底 clerk)."""
    now = _now(now)
    _guard(actor, issue, "urge", now)
    if issue.status in ISSUE.group("awaiting_dispatch") | ISSUE.group("awaiting_follow_up"):
        recipients = [issue.dispatched_by] if issue.dispatched_by_id else list(_clerks())
    else:
        recipients = [issue.handler] if issue.handler_id else list(_handlers([issue.lead_department_id]))
    return _transition(
        issue,
        event="urge",
        actor=actor,
        now=now,
        note=(note or "").strip() or _("请抓紧办理。"),
        public=False,
        department=issue.lead_department,
        recipients=recipients,
    )
