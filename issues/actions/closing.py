"""Follow-up (回访), 好差评 with 重办, closing (办结) and appeals (申诉)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.choices import Role
from portal.exceptions import ActionError, TransitionNotAllowed
from portal.models import User
from portal.notifications import notify
from portal.permissions import CLERK_ROLES, SUPERVISOR_ROLES, user_has_role
from portal.statemachine import apply_transition

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
    Rating,
)
from ._core import (
    TRANSITIONS,
    S,
    _handlers,
    _is_member,
    _issue_url,
    _members,
    _now,
    _require,
    _supervisors,
    _transition,
)


def _check_score(rating, comment: str) -> int:
    try:
        score = int(rating)
    except (TypeError, ValueError):
        raise ActionError({"rating": _("评价须为 1 到 5 的整数。")}) from None
    if score < 1 or score > 5:
        raise ActionError({"rating": _("评价须为 1 到 5 之间（非常不满意 1 … 非常满意 5）。")})
    if score <= 2 and not (comment or "").strip():
        raise ActionError({"comment": _("评价为「不满意」或「非常不满意」时须填写理由。")})
    return score


def _record_rating(*, issue: Issue, actor, score: int, comment: str, source: str, now) -> Rating:
    if issue.ratings.filter(round=issue.round).exists():
        raise TransitionNotAllowed(_("本轮办理已评价，评价提交后不能修改或重复评价。"))
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                issue=issue,
                round=issue.round,
                score=score,
                comment=comment.strip(),
                source=source,
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
        note=comment.strip(),
        data={"rating": score, "source": source},
        recipients=[*_handlers([issue.lead_department_id] if issue.lead_department_id else [])],
        department=issue.lead_department,
    )
    if score <= 2:
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
                "reply_due": deadlines.redo_due(reopened_on=today, rule=rule),
                "followup_due": None,
                "followed_up_at": None,
                "rating": None,
                "accepted_at": None,
            },
            note=comment.strip(),
            data={"rating": score},
            recipients=[*_handlers([issue.lead_department_id]), *_members(issue), *_supervisors()],
            department=issue.lead_department,
        )
    return rating


@transaction.atomic
def issue_rate(*, actor: User, issue: Issue, rating, comment: str = "", now: dt.datetime | None = None) -> Rating:
    """好差评 by the enterprise, once per round; ≤ 2 needs a reason and reopens the problem (重办)."""
    now = _now(now)
    _require(_is_member(actor, issue.enterprise_id), _("只有提出问题的企业可以评价。"))
    score = _check_score(rating, comment)
    if issue.status not in TRANSITIONS["rate"][0]:
        raise TransitionNotAllowed(
            _("问题当前状态为「%(status)s」，答复后才能评价。") % {"status": issue.get_status_display()}
        )
    return _record_rating(
        issue=issue, actor=actor, score=score, comment=comment or "", source=RatingSource.ENTERPRISE, now=now
    )


@transaction.atomic
def issue_follow_up(
    *,
    actor: User,
    issue: Issue,
    reached: bool = True,
    satisfied: bool | None = None,
    note: str = "",
    rating=None,
    comment: str = "",
    now: dt.datetime | None = None,
) -> FollowUp:
    """回访 by a clerk. Reached → followed_up; the enterprise's rating, if it gives one on the call, is
    recorded as such (source follow_up). Not reached → the attempt is recorded, still waiting."""
    now = _now(now)
    _require(user_has_role(actor, CLERK_ROLES), _("只有窗口人员或督办人员可以记录回访。"))
    score = None
    if rating not in (None, ""):
        if not reached:
            raise ActionError({"rating": _("未联系上企业时不能记录评价。")})
        score = _check_score(rating, comment or note)
    follow_up = FollowUp(
        issue=issue,
        round=issue.round,
        clerk=actor,
        at=now,
        reached=reached,
        satisfied=satisfied if reached else None,
        note=(note or "").strip(),
    )
    follow_up.full_clean(exclude=["rating"])
    _transition(
        issue,
        event="follow_up" if reached else "follow_up_unreached",
        actor=actor,
        now=now,
        changes={"followed_up_at": now, "followup_count": issue.followup_count + 1}
        if reached
        else {"followup_count": issue.followup_count + 1},
        note=follow_up.note,
        data={"reached": reached, "satisfied": satisfied},
        recipients=[*_handlers([issue.lead_department_id] if issue.lead_department_id else [])],
        department=issue.lead_department,
    )
    follow_up.save()
    if score is not None:
        follow_up.rating = _record_rating(
            issue=issue,
            actor=actor,
            score=score,
            comment=(comment or note or "").strip(),
            source=RatingSource.FOLLOW_UP,
            now=now,
        )
        follow_up.save(update_fields=["rating"])
    return follow_up


@transaction.atomic
def issue_close(*, actor: User, issue: Issue, note: str = "", now: dt.datetime | None = None) -> Issue:
    """办结 by a supervisor; refused until the current round has been followed up."""
    now = _now(now)
    _require(user_has_role(actor, SUPERVISOR_ROLES), _("只有督办人员可以办结问题。"))
    if issue.status == S.REPLIED:
        raise TransitionNotAllowed(_("问题尚未回访，100% 回访后才能办结。"))
    return _transition(
        issue,
        event="close",
        actor=actor,
        now=now,
        changes={"closed_at": now},
        note=note.strip(),
        recipients=[*_members(issue), issue.handler],
        department=issue.lead_department,
    )


# --- appeals -----------------------------------------------------------------------------------


@transaction.atomic
def appeal_submit(*, actor: User, rating: Rating, reason: str, now: dt.datetime | None = None) -> Appeal:
    """申诉 by the rated department against a bad rating (≤ 2); a supervisor decides."""
    now = _now(now)
    _require(
        user_has_role(actor, {Role.HANDLER}) and rating.department_id and actor.department_id == rating.department_id,
        _("只有被评价部门的承办人可以申诉。"),
    )
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
    _require(user_has_role(actor, SUPERVISOR_ROLES), _("只有督办人员可以裁定申诉。"))
    status = AppealStatus.UPHELD if uphold else AppealStatus.DISMISSED
    apply_transition(
        appeal,
        to_status=status,
        allowed_from=[AppealStatus.PENDING],
        actor=actor,
        action=f"issues.appeal.{status}",
        changes={"decided_by": actor, "decided_at": now, "decision_note": (note or "").strip()},
        not_allowed_message=_("该申诉已裁定。"),
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
