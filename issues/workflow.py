"""The problem (涉企问题) state machine, the extension request and the appeal, declared once
(DESIGN.md rule 3; :mod:`portal.workflow`).

Each move says the statuses it is allowed from, the status it leads to, who may make it (one predicate
``allowed(user, issue)``) and any further condition on the problem (``when``). The actions' guards
(:meth:`Workflow.check`), the detail page's buttons, the API's ``available_moves`` and the API's move
endpoints all ask this declaration. The named status groups (``ISSUE.group("working")``) are the only
place a set of statuses is spelled out; queues, filters, the open data and Open311 ask them.

This module imports no model of the app (the models import it for their deadline steps).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from contextvars import ContextVar

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import permissions
from portal.workflow import Move, Workflow, nobody

from .choices import AppealStatus, IssueStatus, RatingSource, RequestStatus

S = IssueStatus

AWAITING_DISPATCH = frozenset({S.SUBMITTED, S.RETURNED})
WORKING = frozenset({S.DISPATCHED, S.ACCEPTED, S.REOPENED})
ANSWERED = frozenset({S.REPLIED, S.FOLLOWED_UP})
OPEN = AWAITING_DISPATCH | WORKING | ANSWERED

GROUPS = {
    # waiting for the 兜底 clerk to classify and dispatch (the dispatch clock runs)
    "awaiting_dispatch": AWAITING_DISPATCH,
    # with the lead department, before its reply (the reply clock runs)
    "working": WORKING,
    # answered, waiting for the follow-up, the rating and the close
    "answered": ANSWERED,
    # waiting for the clerk's follow-up call (the follow-up clock runs)
    "awaiting_follow_up": frozenset({S.REPLIED}),
    # a department has it: working on it or answered (the department's inbox)
    "with_department": WORKING | ANSWERED,
    # not finished (closed or withdrawn): Open311's "open", the open data
    "open": OPEN,
    # has an answer the public may read (solved problems in the similar-problem hint)
    "solved": ANSWERED | {S.CLOSED},
    # whoever holds it now can be pressed (督办催办): everything open until the follow-up is done
    "urgeable": AWAITING_DISPATCH | WORKING | {S.REPLIED},
    "finished": frozenset({S.CLOSED, S.WITHDRAWN}),
}

_ORDER = {value: index for index, value in enumerate(IssueStatus.values)}


def statuses(group: str) -> list[str]:
    """A group's statuses in the order IssueStatus declares them (stable SQL: ``IN (…)`` lists that an
    expression index was built from must not change order)."""
    return sorted(ISSUE.group(group), key=_ORDER.__getitem__)


# --- who may: one predicate per role on a problem -------------------------------------------------


def own_enterprise_ids(user) -> frozenset[int]:
    """The user's verified enterprises, read once per user object (a request)."""
    if not hasattr(user, "_issues_enterprise_ids"):
        from portal.models.enterprises import enterprise_ids_for

        user._issues_enterprise_ids = frozenset(enterprise_ids_for(user))
    return user._issues_enterprise_ids


def is_member(user, issue) -> bool:
    """A verified member of the enterprise that raised the problem."""
    return permissions.is_enterprise_user(user) and issue.enterprise_id in own_enterprise_ids(user)


def is_clerk(user, issue=None) -> bool:
    return permissions.is_clerk(user)


def is_supervisor(user, issue=None) -> bool:
    return permissions.is_supervisor(user)


def is_lead_handler(user, issue) -> bool:
    return (
        permissions.is_handler(user)
        and issue.lead_department_id is not None
        and user.department_id == issue.lead_department_id
    )


def is_co_handler(user, issue) -> bool:
    """A handler of one of the co-departments (reads ``co_departments.all()``: prefetched on detail reads)."""
    return (
        permissions.is_handler(user)
        and user.department_id is not None
        and any(d.pk == user.department_id for d in issue.co_departments.all())
    )


def may_dispatch(user, issue) -> bool:
    """The 兜底 clerk; once the problem is with the supervisor (two returns or dispatches), only a supervisor."""
    return is_supervisor(user) if issue.with_supervisor else is_clerk(user)


def _dispatch_denied(user, issue) -> str:
    if issue.with_supervisor and is_clerk(user):
        return _("该问题已两次退回或两次交办未解决，已转兜底督办，须由督办人员交办。")
    return _("只有兜底办窗口人员或督办人员可以交办问题。")


def is_rated_handler(user, rating) -> bool:
    """A handler of the department a rating was given to (who may appeal it)."""
    return (
        permissions.is_handler(user) and rating.department_id is not None and user.department_id == rating.department_id
    )


def appeal_target(user, issue):
    """The rating this user's department may appeal on this problem: the latest enterprise rating ≤ 2
    given to the user's own department and not appealed yet; None when there is none. The one place
    that decides it — the page's button, the page's move and the API's ``appeal`` all ask it (after an
    escalation the rated department is no longer the lead department). Reads ``issue.ratings.all()``."""
    if not permissions.is_handler(user):
        return None
    candidates = [
        r
        for r in issue.ratings.all()
        if r.score <= 2 and r.source == RatingSource.ENTERPRISE and is_rated_handler(user, r)
    ]
    for rating in sorted(candidates, key=lambda r: r.round, reverse=True):
        if not hasattr(rating, "appeal"):
            return rating
    return None


def may_appeal(user, issue) -> bool:
    return appeal_target(user, issue) is not None


# --- conditions beyond the status ------------------------------------------------------------------

# The day the deadline conditions are judged on: today, or the day an action acts on (``now=``: demo
# data and backfills act in the past) — see :func:`as_of`.
_AS_OF: ContextVar[dt.date | None] = ContextVar("issues_workflow_as_of", default=None)


@contextlib.contextmanager
def as_of(day: dt.date):
    """Judge the deadline conditions (return limit, reply deadline) on ``day`` inside the block."""
    token = _AS_OF.set(day)
    try:
        yield
    finally:
        _AS_OF.reset(token)


def _today() -> dt.date:
    return _AS_OF.get() or timezone.localdate()


def _within_return_limit(issue) -> bool:
    return issue.return_due is None or _today() <= issue.return_due


def _return_refused(issue) -> str:
    return _("已超过退回时限（交办后 1 个工作日内，截至 %(due)s），不能退回，请办理或申请协调。") % {
        "due": issue.return_due.isoformat()
    }


def _before_reply_due(issue) -> bool:
    return issue.reply_due is None or _today() <= issue.reply_due


def _extension_refused(issue) -> str:
    return _("答复期限 %(due)s 已过，不能再申请延期。") % {"due": issue.reply_due.isoformat()}


def _not_answered_or_at_reopen_limit(issue) -> bool:
    """Escalating an answered problem: only once 重办 is exhausted and the supervisor decides."""
    return issue.status not in ANSWERED or issue.reopen_limit_reached


def _followed_up_or_at_reopen_limit(issue) -> bool:
    """Closing: after the 100% follow-up, or (重办 exhausted) with a reason the enterprise sees."""
    return issue.status == S.FOLLOWED_UP or issue.reopen_limit_reached


def _not_rated(issue) -> bool:
    return issue.rating is None


ISSUE = Workflow(
    "issues.issue",
    permission_first=True,
    groups=GROUPS,
    moves=[
        Move(
            "classify",
            sources=AWAITING_DISPATCH,
            allowed=is_clerk,
            label=_("分类定级"),
            needs_input=True,
            denied=_("只有兜底办窗口人员或督办人员可以分类定级。"),
        ),
        Move(
            "dispatch",
            sources=AWAITING_DISPATCH,
            target=S.DISPATCHED,
            allowed=may_dispatch,
            label=_("交办"),
            needs_input=True,
            denied=_dispatch_denied,
        ),
        Move(
            "withdraw",
            sources={S.SUBMITTED},
            target=S.WITHDRAWN,
            allowed=is_member,
            label=_("撤回问题"),
            needs_input=True,
            denied=_("只有提出问题的企业可以撤回。"),
        ),
        Move(
            "accept",
            sources={S.DISPATCHED, S.REOPENED},
            target=S.ACCEPTED,
            allowed=is_lead_handler,
            label=_("签收"),
            denied=_("只有牵头部门的承办人可以签收。"),
        ),
        Move(
            "return",
            sources={S.DISPATCHED, S.ACCEPTED},
            target=S.RETURNED,
            allowed=is_lead_handler,
            when=_within_return_limit,
            refused=_return_refused,
            label=_("退回（交办后 1 个工作日内）"),
            needs_input=True,
            denied=_("只有牵头部门的承办人可以退回。"),
        ),
        Move(
            "reply",
            sources=WORKING,
            target=S.REPLIED,
            allowed=is_lead_handler,
            label=_("答复"),
            needs_input=True,
            denied=_("只有牵头部门的承办人可以答复。"),
        ),
        Move(
            "request_extension",
            sources=WORKING,
            allowed=is_lead_handler,
            when=_before_reply_due,
            refused=_extension_refused,
            label=_("申请延期"),
            needs_input=True,
            denied=_("只有牵头部门的承办人可以申请延期。"),
        ),
        Move("approve_extension", sources=WORKING),  # by extension_decide (EXTENSION's permission)
        Move("reject_extension", sources=WORKING),
        Move(
            "co_opinion",
            sources=WORKING,
            allowed=is_co_handler,
            label=_("协办意见"),
            needs_input=True,
            denied=_("只有协办部门的承办人可以提交协办意见。"),
        ),
        Move(
            "escalate",
            sources=OPEN,
            target=S.DISPATCHED,
            allowed=is_supervisor,
            when=_not_answered_or_at_reopen_limit,
            refused=_("问题已答复，只有重办已达上限、转督办的问题可以在答复后提级。"),
            label=_("提级"),
            needs_input=True,
            denied=_("只有督办人员可以提级。"),
        ),
        Move(
            "urge",
            sources=GROUPS["urgeable"],
            allowed=is_supervisor,
            label=_("督办催办"),
            needs_input=True,
            denied=_("只有督办人员可以督办催办。"),
        ),
        Move(
            "consult",
            sources=OPEN,
            allowed=is_supervisor,
            label=_("集中会商（记录纪要）"),
            needs_input=True,
            denied=_("只有督办人员可以组织集中会商。"),
        ),
        Move(
            "follow_up",
            sources={S.REPLIED},
            target=S.FOLLOWED_UP,
            allowed=is_clerk,
            label=_("记录回访"),
            needs_input=True,
            denied=_("只有窗口人员或督办人员可以记录回访。"),
        ),
        Move("follow_up_unreached", sources={S.REPLIED}),  # by issue_follow_up when nobody answered
        Move(
            "rate",
            sources=ANSWERED,
            allowed=is_member,
            when=_not_rated,
            refused=_("本轮办理已评价，评价提交后不能修改或重复评价。"),
            label=_("评价（好差评）"),
            needs_input=True,
            denied=_("只有提出问题的企业本人可以评价。"),
        ),
        Move("reopen", sources=ANSWERED, target=S.REOPENED, allowed=nobody),  # a bad rating, by issue_rate
        Move("refer_to_supervisor", sources=ANSWERED, allowed=nobody),  # a bad rating at the 重办 limit
        Move(
            "close",
            sources=ANSWERED,
            target=S.CLOSED,
            allowed=is_supervisor,
            when=_followed_up_or_at_reopen_limit,
            refused=_("问题尚未回访，100% 回访后才能办结。"),
            label=_("办结"),
            needs_input=True,
            denied=_("只有督办人员可以办结问题。"),
        ),
        Move(
            "appeal",
            # any status: a rated round stays appealable after a 重办 or an escalation
            sources=frozenset(IssueStatus.values),
            allowed=may_appeal,
            label=_("差评申诉"),
            needs_input=True,
            denied=_("该问题没有本部门可申诉的差评（只有被评价部门的承办人可以申诉）。"),
        ),
    ],
)

# The moves a person makes from the problem's page or the API (the others are made by the system
# inside an action: a rating's 重办, an extension's decision, an unanswered follow-up call).
PERSON_MOVES = tuple(name for name, move in ISSUE.moves.items() if move.allowed is not nobody)

EXTENSION = Workflow(
    "issues.extension_request",
    permission_first=True,
    groups={"pending": {RequestStatus.PENDING}},
    moves=[
        Move(
            "approve",
            sources={RequestStatus.PENDING},
            target=RequestStatus.APPROVED,
            allowed=is_supervisor,
            denied=_("只有督办人员可以审批延期申请。"),
        ),
        Move(
            "reject",
            sources={RequestStatus.PENDING},
            target=RequestStatus.REJECTED,
            allowed=is_supervisor,
            denied=_("只有督办人员可以审批延期申请。"),
        ),
        # a reply makes a pending request moot (issue_reply withdraws it)
        Move("withdraw", sources={RequestStatus.PENDING}, target=RequestStatus.WITHDRAWN),
    ],
)

APPEAL = Workflow(
    "issues.appeal",
    permission_first=True,
    groups={"pending": {AppealStatus.PENDING}},
    moves=[
        Move(
            "uphold",
            sources={AppealStatus.PENDING},
            target=AppealStatus.UPHELD,
            allowed=is_supervisor,
            denied=_("只有督办人员可以裁定申诉。"),
        ),
        Move(
            "dismiss",
            sources={AppealStatus.PENDING},
            target=AppealStatus.DISMISSED,
            allowed=is_supervisor,
            denied=_("只有督办人员可以裁定申诉。"),
        ),
    ],
)
