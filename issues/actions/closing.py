"""Follow-up (回访), 好差评 with 重办 (and the supervisor once 重办 is exhausted), 集中会商, closing (办结)
and appeals (申诉)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.exceptions import ActionError, PermissionDeniedError, TransitionNotAllowed
from portal.models import User
from portal.notifications import notify
from portal.workdays import add_working_days

from .. import deadlines
from ..choices import (
    AppealStatus,
    RatingSource,
)
from ..models import (
    Appeal,
    FollowUp,
    Issue,
    IssueEvent,
    IssueSettings,
    Rating,
)
from ..workflow import APPEAL, appeal_target, is_rated_handler
from ._core import (
    _guard,
    _handlers,
    _issue_url,
    _members,
    _now,
    _supervisors,
    _transition,
)


def _check_score(rating, comment: str, *, field: str = "rating") -> int:
    try:
        score = int(rating)
    except (TypeError, ValueError):
        raise ActionError({field: _("评价须为 1 到 5 的整数。")}) from None
    if score < 1 or score > 5:
        raise ActionError({field: _("评价须为 1 到 5 之间（非常不满意 1 … 非常满意 5）。")})
    if field == "rating" and score <= 2 and not (comment or "").strip():
        raise ActionError({"comment": _("评价为「不满意」或「非常不满意」时须填写理由。")})
    return score


def _already_rated(issue: Issue) -> bool:
    return issue.ratings.filter(round=issue.round, source=RatingSource.ENTERPRISE).exists()


def _after_bad_rating(issue: Issue, *, actor, score: int, comment: str, now) -> None:
    """A rating ≤ 2 reopens the problem (重办) while rounds remain; after the last allowed 重办 it goes
    to the supervisor instead, who escalates it, holds a 集中会商 or closes it with a reason."""
    limit = IssueSettings.current().max_reopens
    if issue.reopen_count >= limit:
        _transition(
            issue,
            event="refer_to_supervisor",
            actor=actor,
            now=now,
            changes={"with_supervisor": True, "reopen_limit_reached": True},
            note=_("已重办 %(count)s 次（上限 %(limit)s 次），不再重办，转督办处理。")
            % {"count": issue.reopen_count, "limit": limit},
            data={"rating": score, "reopen_count": issue.reopen_count, "limit": limit},
            recipients=[*_supervisors(), *_handlers([issue.lead_department_id])],
            department=issue.lead_department,
        )
        return
    rule = deadlines.rule_for(issue.category_id, issue.tier)
    today = deadlines.local_date(now)
    _transition(
        issue,
        event="reopen",
        actor=actor,
        now=now,
        changes={
            "reopen_count": issue.reopen_count + 1,
            "reopened_at": now,
            "accept_due": add_working_days(today, 1),
            "reply_due": deadlines.redo_due(reopened_on=today, rule=rule),
            "followup_due": None,
            "followed_up_at": None,
            "rating": None,
            "follow_up_satisfaction": None,
            "accepted_at": None,
        },
        note=comment,
        data={"rating": score},
        recipients=[*_handlers([issue.lead_department_id]), *_members(issue), *_supervisors()],
        department=issue.lead_department,
    )


@transaction.atomic
def issue_rate(*, actor: User, issue: Issue, rating, comment: str = "", now: dt.datetime | None = None) -> Rating:
    """好差评: the enterprise's own member rates the current round, once (GB/T 39734). ≤ 2 needs a reason
    and reopens the problem (重办) until the configured limit, then goes to the supervisor.

    Nobody else can rate: staff record what the enterprise says on a call as 回访满意度
    (:func:`issue_follow_up`), which never counts as, blocks or replaces this rating."""
    now = _now(now)
    _guard(
        actor,
        issue,
        "rate",
        now,
        message=_("问题当前状态为「%(status)s」，答复后才能评价。") % {"status": issue.get_status_display()},
    )
    score = _check_score(rating, comment)
    comment = (comment or "").strip()
    if _already_rated(issue):
        raise TransitionNotAllowed(_("本轮办理已评价，评价提交后不能修改或重复评价。"))
    try:
        with transaction.atomic():
            rating_row = Rating.objects.create(
                issue=issue,
                round=issue.round,
                score=score,
                comment=comment,
                source=RatingSource.ENTERPRISE,
                rated_by=actor,
                department=issue.lead_department,
                at=now,
            )
    except IntegrityError:
        raise TransitionNotAllowed(_("本轮办理已评价，评价提交后不能修改或重复评价。")) from None
    _transition(
        issue,
        event="rate",
        actor=actor,
        now=now,
        changes={"rating": score},
        note=comment,
        data={"rating": score, "round": rating_row.round},
        recipients=[*_handlers([issue.lead_department_id] if issue.lead_department_id else [])],
        department=issue.lead_department,
    )
    if score <= 2:
        _after_bad_rating(issue, actor=actor, score=score, comment=comment, now=now)
    return rating_row


@transaction.atomic
def issue_follow_up(
    *,
    actor: User,
    issue: Issue,
    reached: bool = True,
    satisfied: bool | None = None,
    note: str = "",
    satisfaction=None,
    now: dt.datetime | None = None,
) -> FollowUp:
    """回访 by a clerk: reached or not, what the enterprise said (``note``) and, if it stated a level on
    the phone, its 回访满意度 (``satisfaction`` 1–5) — recorded as the clerk's record, published apart
    from the enterprise's own 好差评, which it never creates, blocks or replaces.
    Reached → followed_up; not reached → the attempt is recorded, still waiting."""
    now = _now(now)
    _guard(actor, issue, "follow_up", now)
    level = None
    if satisfaction not in (None, ""):
        if not reached:
            raise ActionError({"satisfaction": _("未联系上企业时不能记录回访满意度。")})
        level = _check_score(satisfaction, "", field="satisfaction")
    follow_up = FollowUp(
        issue=issue,
        round=issue.round,
        clerk=actor,
        at=now,
        reached=reached,
        satisfied=satisfied if reached else None,
        note=(note or "").strip(),
        satisfaction=level,
    )
    follow_up.full_clean(exclude=["rating"])
    changes = {"followup_count": issue.followup_count + 1}
    if reached:
        changes["followed_up_at"] = now
        if level is not None:
            changes["follow_up_satisfaction"] = level
    _transition(
        issue,
        event="follow_up" if reached else "follow_up_unreached",
        actor=actor,
        now=now,
        changes=changes,
        note=follow_up.note,
        data={"reached": reached, "satisfied": satisfied, "satisfaction": level},
        recipients=[*_handlers([issue.lead_department_id] if issue.lead_department_id else [])],
        department=issue.lead_department,
    )
    follow_up.save()
    return follow_up


@transaction.atomic
def issue_close(*, actor: User, issue: Issue, note: str = "", now: dt.datetime | None = None) -> Issue:
    """办结 by a supervisor; refused until the current round has been followed up — except for a problem
    whose 重办 is exhausted, which the supervisor may close with a reason that the enterprise sees."""
    now = _now(now)
    _guard(actor, issue, "close", now)
    note = (note or "").strip()
    if issue.reopen_limit_reached and not note:
        raise ActionError({"note": _("重办已达上限的问题须说明办结理由（企业可见）。")})
    return _transition(
        issue,
        event="close",
        actor=actor,
        now=now,
        changes={"closed_at": now, "with_supervisor": False},
        note=note,
        data={"reason": note} if issue.reopen_limit_reached else None,
        recipients=[*_members(issue), issue.handler],
        department=issue.lead_department,
    )


@transaction.atomic
def issue_consult(*, actor: User, issue: Issue, minutes: str, now: dt.datetime | None = None) -> Issue:
    """集中会商: the supervisor convenes the departments concerned on a problem (typically one whose
    重办 is exhausted) and records the minutes on its timeline."""
    now = _now(now)
    _guard(actor, issue, "consult", now)
    minutes = (minutes or "").strip()
    if not minutes:
        raise ActionError({"minutes": _("请填写会商纪要。")})
    departments = [issue.lead_department_id, *issue.co_departments.values_list("pk", flat=True)]
    return _transition(
        issue,
        event="consult",
        actor=actor,
        now=now,
        note=minutes,
        public=False,
        department=issue.lead_department,
        recipients=_handlers([pk for pk in departments if pk]),
    )


# --- appeals -----------------------------------------------------------------------------------


@transaction.atomic
def issue_appeal(*, actor: User, issue: Issue, reason: str, now: dt.datetime | None = None) -> Appeal:
    """申诉 from the problem: the rating appealed is :func:`issues.workflow.appeal_target` (the latest bad
    enterprise rating of the actor's own department not appealed yet) — the page and the API alike."""
    now = _now(now)
    _guard(actor, issue, "appeal", now)
    return appeal_submit(actor=actor, rating=appeal_target(actor, issue), reason=reason, now=now)


@transaction.atomic
def appeal_submit(*, actor: User, rating: Rating, reason: str, now: dt.datetime | None = None) -> Appeal:
    """申诉 by the rated department against a bad rating (≤ 2); a supervisor decides."""
    now = _now(now)
    if not is_rated_handler(actor, rating):
        raise PermissionDeniedError(_("只有被评价部门的承办人可以申诉。"))
    if rating.score > 2:
        raise ActionError({"rating": _("只能对「不满意」或「非常不满意」的评价申诉。")})
    reason = (reason or "").strip()
    if not reason:
        raise ActionError({"reason": _("请填写申诉理由。")})
    if Appeal.objects.filter(rating=rating).exists():
        raise TransitionNotAllowed(_("该评价已申诉过。"))
    appeal = Appeal.objects.create(
        issue=rating.issue,
        rating=rating,
        department_id=rating.department_id,
        reason=reason,
        requested_by=actor,
        requested_at=now,
    )
    audit_record(actor=actor, action="issues.appeal.submit", target=appeal, data={"rating": rating.pk})
    IssueEvent.objects.create(issue=rating.issue, action="appeal", actor=actor, at=now, note=reason, public=False)
    notify(
        recipients=_supervisors(),
        kind="issues.appeal",
        title=_("【差评申诉】%(reference)s") % {"reference": rating.issue.reference},
        body=reason,
        url=_issue_url(rating.issue),
    )
    return appeal


@transaction.atomic
def appeal_decide(
    *, actor: User, appeal: Appeal, uphold: bool, note: str = "", now: dt.datetime | None = None
) -> Appeal:
    """A supervisor decides an appeal. The rating itself is never changed."""
    now = _now(now)
    move = "uphold" if uphold else "dismiss"
    refused = _("该申诉已裁定。")
    APPEAL.check(actor, appeal, move, not_allowed_message=refused)
    status = APPEAL[move].target
    APPEAL.apply(
        appeal,
        move,
        actor=actor,
        action=f"issues.appeal.{status}",
        changes={"decided_by": actor, "decided_at": now, "decision_note": (note or "").strip()},
        not_allowed_message=refused,
    )
    IssueEvent.objects.create(
        issue=appeal.issue,
        action="decide_appeal",
        actor=actor,
        at=now,
        note=f"{AppealStatus(status).label} {note}".strip(),
        public=False,
    )
    notify(
        recipients=[appeal.requested_by],
        kind="issues.decide_appeal",
        title=_("【申诉裁定】%(reference)s %(result)s")
        % {"reference": appeal.issue.reference, "result": AppealStatus(status).label},
        url=_issue_url(appeal.issue),
    )
    return appeal


# --- overdue sweep --------------------------------------------------------------------------
