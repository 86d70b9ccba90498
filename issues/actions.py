"""All writes of the issues app (DESIGN.md rules 1 and 3): one transition table, one transition function.

Every action is keyword-only, atomic, checks who may act, then calls :func:`_transition`, which does
the conditional UPDATE (``portal.statemachine.apply_transition``), writes the audit row and the
timeline event, and queues the notifications. ``now=`` lets demo data and backfills act in the past.
"""

import datetime as dt
import uuid
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.choices import DepartmentKind, MembershipStatus, Role
from portal.exceptions import ActionError, PermissionDeniedError, TransitionNotAllowed
from portal.models import Department, Enterprise, User
from portal.models.enterprises import enterprise_ids_for
from portal.notifications import notify
from portal.permissions import CLERK_ROLES, SUPERVISOR_ROLES, user_has_role
from portal.statemachine import apply_transition
from portal.workdays import add_working_days

from . import deadlines
from .choices import (
    EVENT_LABELS,
    LEVEL_ORDER,
    AppealStatus,
    Discovery,
    IssueStatus,
    Level,
    OverdueStep,
    RatingSource,
    RequestStatus,
    Tier,
)
from .models import (
    Appeal,
    Category,
    Channel,
    Escalation,
    ExtensionRequest,
    FollowUp,
    Issue,
    IssueAttachment,
    IssueEvent,
    OverdueMark,
    OwnerlessKind,
    Rating,
)
from .uploads import MAX_ATTACHMENTS, check_upload

S = IssueStatus
WORKING = (S.DISPATCHED, S.ACCEPTED, S.REOPENED)

# event → (statuses it is allowed from, status it leads to; None = stays where it is)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "classify": ((S.SUBMITTED, S.RETURNED), None),
    "withdraw": ((S.SUBMITTED,), S.WITHDRAWN),
    "dispatch": ((S.SUBMITTED, S.RETURNED), S.DISPATCHED),
    "accept": ((S.DISPATCHED, S.REOPENED), S.ACCEPTED),
    "return": ((S.DISPATCHED, S.ACCEPTED), S.RETURNED),
    "reply": (WORKING, S.REPLIED),
    "request_extension": (WORKING, None),
    "approve_extension": (WORKING, None),
    "reject_extension": (WORKING, None),
    "escalate": ((S.SUBMITTED, S.DISPATCHED, S.ACCEPTED, S.RETURNED, S.REOPENED), S.DISPATCHED),
    "follow_up": ((S.REPLIED,), S.FOLLOWED_UP),
    "follow_up_unreached": ((S.REPLIED,), None),
    "rate": ((S.REPLIED, S.FOLLOWED_UP), None),
    "reopen": ((S.REPLIED, S.FOLLOWED_UP), S.REOPENED),
    "close": ((S.FOLLOWED_UP,), S.CLOSED),
}


def event_label(action: str) -> str:
    return str(EVENT_LABELS.get(action, action))


def can(issue: Issue, event: str) -> bool:
    """Whether the move is allowed from the problem's status (templates use it only to show buttons)."""
    allowed_from, _to = TRANSITIONS[event]
    return issue.status in allowed_from


# --- recipients -------------------------------------------------------------------------------


def _members(issue: Issue):
    return User.objects.filter(
        memberships__enterprise_id=issue.enterprise_id, memberships__status=MembershipStatus.VERIFIED, is_active=True
    )


def _handlers(department_ids: Iterable[int]):
    return User.objects.filter(role=Role.HANDLER, department_id__in=list(department_ids), is_active=True)


def _supervisors():
    return User.objects.filter(role=Role.SUPERVISOR, is_active=True)


def _clerks():
    return User.objects.filter(role=Role.CLERK, is_active=True)


def _issue_url(issue: Issue) -> str:
    return f"/issues/{issue.pk}/"


# --- the one transition function ---------------------------------------------------------------


def _transition(
    issue: Issue,
    *,
    event: str,
    actor,
    now: dt.datetime,
    changes: dict | None = None,
    note: str = "",
    public: bool = True,
    data: dict | None = None,
    recipients: Iterable = (),
    department: Department | None = None,
) -> Issue:
    allowed_from, to_status = TRANSITIONS[event]
    from_status = issue.status
    to_status = to_status or from_status
    changes = dict(changes or {})
    if to_status != from_status:
        changes.setdefault("overdue", False)
        changes.setdefault("overdue_step", "")
    message = _("问题当前状态为「%(status)s」，不能%(event)s。") % {
        "status": issue.get_status_display(),
        "event": event_label(event),
    }
    apply_transition(
        issue,
        to_status=to_status,
        allowed_from=allowed_from,
        actor=actor,
        action=f"issues.issue.{event}",
        changes=changes,
        data={"note": note, **(data or {})},
        not_allowed_message=message,
    )
    IssueEvent.objects.create(
        issue=issue,
        action=event,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        department=department,
        at=now,
        from_status=from_status,
        to_status=to_status,
        note=note,
        public=public,
        data=data or {},
    )
    notify(
        recipients=recipients,
        kind=f"issues.{event}",
        title=_("【%(event)s】%(reference)s %(title)s")
        % {"event": event_label(event), "reference": issue.reference, "title": issue.title},
        body=note,
        url=_issue_url(issue),
    )
    return issue


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDeniedError(message)


def _is_member(actor, enterprise_id: int) -> bool:
    return user_has_role(actor, {Role.ENTERPRISE}) and enterprise_id in enterprise_ids_for(actor)


def _is_lead_handler(actor, issue: Issue) -> bool:
    return (
        user_has_role(actor, {Role.HANDLER})
        and issue.lead_department_id is not None
        and actor.department_id == issue.lead_department_id
    )


# --- intake ----------------------------------------------------------------------------------


def _resolve(model, value, field: str, label: str):
    if value is None or value == "":
        return None
    if isinstance(value, model):
        return value
    try:
        return model.objects.active().get(code=value)
    except model.DoesNotExist:
        raise ActionError({field: _("未知的%(label)s：%(value)s。") % {"label": label, "value": value}}) from None


def _save_attachments(issue: Issue, uploads, actor, now) -> list[IssueAttachment]:
    uploads = list(uploads or [])
    if len(uploads) > MAX_ATTACHMENTS:
        raise ActionError({"attachments": _("最多上传 %(n)d 个附件。") % {"n": MAX_ATTACHMENTS}})
    checked = [(upload, check_upload(upload)) for upload in uploads]
    saved = []
    for upload, facts in checked:
        upload.seek(0)
        attachment = IssueAttachment(
            issue=issue,
            original_name=(getattr(upload, "name", "") or "file")[:200],
            content_type=facts["content_type"],
            size=facts["size"],
            sha256=facts["sha256"],
            uploaded_by=actor,
            uploaded_at=now,
        )
        attachment.file.save(f"{uuid.uuid4().hex}{facts['ext']}", ContentFile(upload.read()), save=False)
        attachment.full_clean()
        attachment.save()
        saved.append(attachment)
    return saved


@transaction.atomic
def issue_submit(
    *,
    actor: User,
    title: str,
    description: str,
    category,
    enterprise: Enterprise | None = None,
    channel=None,
    contact_name: str = "",
    contact_phone: str = "",
    discovery: str = Discovery.PASSIVE,
    tier: str = Tier.GENERAL,
    ownerless_kind=None,
    attachments=(),
    now: dt.datetime | None = None,
) -> Issue:
    """Register a problem: an enterprise member for their enterprise (channel 线上门户), or a clerk on
    behalf of any enterprise through any channel."""
    now = _now(now)
    is_staff = user_has_role(actor, CLERK_ROLES)
    if not is_staff and not user_has_role(actor, {Role.ENTERPRISE}):
        raise PermissionDeniedError(_("只有企业用户或窗口人员可以登记问题。"))
    if is_staff:
        if enterprise is None:
            raise ActionError({"enterprise": _("请选择提出问题的企业。")})
        channel = _resolve(Channel, channel, "channel", _("受理渠道")) or Channel.objects.get(code="window")
    else:
        own = enterprise_ids_for(actor)
        if enterprise is None and len(own) == 1:
            enterprise = Enterprise.objects.get(pk=own[0])
        if enterprise is None:
            raise ActionError({"enterprise": _("请选择提出问题的企业。")})
        if enterprise.pk not in own:
            raise PermissionDeniedError(_("您不是该企业的已核验成员，不能代表该企业提出问题。"))
        channel = Channel.objects.get(code="online")
        discovery = Discovery.PASSIVE
    category = _resolve(Category, category, "category", _("问题分类"))
    if category is None:
        raise ActionError({"category": _("请选择问题分类。")})
    ownerless_kind = _resolve(OwnerlessKind, ownerless_kind, "ownerless_kind", _("三不管类型"))
    contact_name = (contact_name or "").strip() or (actor.name if not is_staff else enterprise.legal_representative)
    contact_phone = (contact_phone or "").strip() or (actor.phone if not is_staff else "") or enterprise.contact_phone
    if not contact_phone:
        raise ActionError({"contact_phone": _("请填写联系电话。")})
    rule = deadlines.rule_for(category, tier)
    region_level = enterprise.region.level if enterprise.region.level in Level.values else Level.COUNTY
    issue = Issue(
        reference=uuid.uuid4().hex[:30],
        enterprise=enterprise,
        contact_name=contact_name[:50],
        contact_phone=contact_phone[:20],
        channel=channel,
        discovery=discovery,
        category=category,
        ownerless_kind=ownerless_kind,
        tier=tier,
        level=region_level,
        title=(title or "").strip(),
        description=(description or "").strip(),
        submitted_by=actor,
        registered_at=now,
        dispatch_due=deadlines.dispatch_due(registered_on=deadlines.local_date(now), rule=rule),
    )
    issue.full_clean(exclude=["reference"])
    issue.save()
    issue.reference = f"SQ{deadlines.local_date(now):%Y%m%d}{issue.pk:06d}"
    Issue.objects.filter(pk=issue.pk).update(reference=issue.reference)
    _save_attachments(issue, attachments, actor, now)
    audit_record(actor=actor, action="issues.issue.submit", target=issue, data={"channel": channel.code})
    IssueEvent.objects.create(
        issue=issue,
        action="submit",
        actor=actor,
        at=now,
        to_status=issue.status,
        note=_("经「%(channel)s」登记。") % {"channel": channel.name},
    )
    notify(
        recipients=[*_members(issue), *_clerks()],
        kind="issues.submit",
        title=_("【问题已受理】%(reference)s %(title)s") % {"reference": issue.reference, "title": issue.title},
        url=_issue_url(issue),
    )
    return issue


@transaction.atomic
def issue_add_attachments(*, actor: User, issue: Issue, attachments, now: dt.datetime | None = None) -> list:
    now = _now(now)
    _require(
        _is_member(actor, issue.enterprise_id) or user_has_role(actor, CLERK_ROLES) or _is_lead_handler(actor, issue),
        _("您不能为该问题上传附件。"),
    )
    if issue.attachments.count() + len(list(attachments)) > MAX_ATTACHMENTS:
        raise ActionError({"attachments": _("最多上传 %(n)d 个附件。") % {"n": MAX_ATTACHMENTS}})
    saved = _save_attachments(issue, attachments, actor, now)
    for attachment in saved:
        audit_record(
            actor=actor, action="issues.issue.attachment", target=issue, data={"file": attachment.original_name}
        )
        IssueEvent.objects.create(issue=issue, action="attachment", actor=actor, at=now, note=attachment.original_name)
    return saved


@transaction.atomic
def issue_classify(
    *,
    actor: User,
    issue: Issue,
    category=None,
    tier: str | None = None,
    ownerless_kind=None,
    now: dt.datetime | None = None,
) -> Issue:
    """兜底 classification before dispatch: category, tier, 三不管 kind; the dispatch deadline follows."""
    now = _now(now)
    _require(user_has_role(actor, CLERK_ROLES), _("只有兜底办窗口人员或督办人员可以分类定级。"))
    changes = {}
    category = _resolve(Category, category, "category", _("问题分类")) or issue.category
    if tier is not None and tier not in Tier.values:
        raise ActionError({"tier": _("难易程度只能是一般、复杂或疑难。")})
    tier = tier or issue.tier
    kind = _resolve(OwnerlessKind, ownerless_kind, "ownerless_kind", _("三不管类型"))
    changes = {"category": category, "tier": tier, "ownerless_kind": kind}
    rule = deadlines.rule_for(category, tier)
    changes["dispatch_due"] = deadlines.dispatch_due(registered_on=deadlines.local_date(issue.registered_at), rule=rule)
    return _transition(
        issue,
        event="classify",
        actor=actor,
        now=now,
        changes=changes,
        public=False,
        note=_("分类：%(category)s；难度：%(tier)s；三不管类型：%(kind)s")
        % {"category": category.name, "tier": Tier(tier).label, "kind": kind.name if kind else "—"},
        data={"category": category.code, "tier": tier, "ownerless_kind": kind.code if kind else ""},
        recipients=[],
    )


@transaction.atomic
def issue_withdraw(*, actor: User, issue: Issue, reason: str = "", now: dt.datetime | None = None) -> Issue:
    """The enterprise takes its problem back before it is dispatched."""
    now = _now(now)
    _require(_is_member(actor, issue.enterprise_id), _("只有提出问题的企业可以撤回。"))
    return _transition(
        issue,
        event="withdraw",
        actor=actor,
        now=now,
        changes={"withdrawn_at": now},
        note=reason.strip(),
        recipients=[issue.submitted_by, *_members(issue)],
    )


# --- dispatch and department work ------------------------------------------------------------


def _department(value) -> Department:
    if isinstance(value, Department):
        return value
    try:
        return Department.objects.select_related("region").get(pk=value, is_active=True)
    except (Department.DoesNotExist, ValueError, TypeError):
        raise ActionError({"lead_department": _("未知的部门。")}) from None


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
    _require(user_has_role(actor, CLERK_ROLES), _("只有兜底办窗口人员或督办人员可以交办问题。"))
    if issue.with_supervisor and not user_has_role(actor, SUPERVISOR_ROLES):
        raise PermissionDeniedError(_("该问题已两次退回或两次交办未解决，已转兜底督办，须由督办人员交办。"))
    lead = _department(lead_department)
    if lead.kind in (DepartmentKind.CATCH_ALL, DepartmentKind.SERVICE_CENTRE):
        raise ActionError({"lead_department": _("牵头部门须为承办问题的职能部门，不能是兜底办或服务中心。")})
    co = [_department(value) for value in co_departments]
    co = [dept for dept in co if dept.pk != lead.pk]
    today = deadlines.local_date(now)
    rule = deadlines.rule_for(issue.category_id, issue.tier)
    level = lead.region.level if lead.region.level in Level.values else issue.level
    changes = {
        "lead_department": lead,
        "handler": None,
        "dispatched_by": actor,
        "dispatched_at": now,
        "first_dispatched_at": issue.first_dispatched_at or now,
        "accepted_at": None,
        "return_due": deadlines.return_due(dispatched_on=today, rule=rule),
        "reply_due": deadlines.reply_due(dispatched_on=today, rule=rule),
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
    _require(_is_lead_handler(actor, issue), _("只有牵头部门的承办人可以签收。"))
    on_time = deadlines.local_date(now) <= add_working_days(deadlines.local_date(issue.dispatched_at), 1)
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
    _require(_is_lead_handler(actor, issue), _("只有牵头部门的承办人可以退回。"))
    reason = (reason or "").strip()
    if not reason:
        raise ActionError({"reason": _("请填写退回理由。")})
    if issue.status in TRANSITIONS["return"][0] and issue.return_due and deadlines.local_date(now) > issue.return_due:
        raise TransitionNotAllowed(
            _("已超过退回时限（交办后 1 个工作日内，截至 %(due)s），不能退回，请办理或申请协调。")
            % {"due": issue.return_due.isoformat()}
        )
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
    _require(_is_lead_handler(actor, issue), _("只有牵头部门的承办人可以答复。"))
    reply = (reply or "").strip()
    if not reply:
        raise ActionError({"reply": _("请填写答复内容。")})
    public_reply = (public_reply or "").strip() or reply
    today = deadlines.local_date(now)
    rule = deadlines.rule_for(issue.category_id, issue.tier)
    return _transition(
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


@transaction.atomic
def issue_request_extension(
    *, actor: User, issue: Issue, requested_due: dt.date, reason: str, now: dt.datetime | None = None
) -> ExtensionRequest:
    """延期申请 by the lead department, before the reply deadline has passed; a supervisor decides."""
    now = _now(now)
    _require(_is_lead_handler(actor, issue), _("只有牵头部门的承办人可以申请延期。"))
    reason = (reason or "").strip()
    if not reason:
        raise ActionError({"reason": _("请填写延期理由。")})
    today = deadlines.local_date(now)
    if issue.status in WORKING and issue.reply_due and today > issue.reply_due:
        raise TransitionNotAllowed(_("答复期限 %(due)s 已过，不能再申请延期。") % {"due": issue.reply_due.isoformat()})
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
    _require(user_has_role(actor, SUPERVISOR_ROLES), _("只有督办人员可以审批延期申请。"))
    status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    apply_transition(
        request,
        to_status=status,
        allowed_from=[RequestStatus.PENDING],
        actor=actor,
        action=f"issues.extensionrequest.{status}",
        changes={"decided_by": actor, "decided_at": now, "decision_note": note.strip()},
        not_allowed_message=_("该延期申请已处理。"),
    )
    issue = request.issue
    changes = {}
    if approve:
        changes = {"reply_due": request.requested_due, "extensions_count": issue.extensions_count + 1}
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
    _require(user_has_role(actor, SUPERVISOR_ROLES), _("只有督办人员可以提级。"))
    reason = (reason or "").strip()
    if not reason:
        raise ActionError({"reason": _("请填写提级理由。")})
    target = _department(to_department)
    current = LEVEL_ORDER.index(issue.level) if issue.level in LEVEL_ORDER else 0
    target_level = target.region.level
    if target_level not in LEVEL_ORDER or LEVEL_ORDER.index(target_level) != current + 1:
        raise ActionError(
            {
                "to_department": _("提级须交给上一级（%(level)s级）部门。")
                % {"level": Level(LEVEL_ORDER[min(current + 1, 3)]).label}
            }
        )
    today = deadlines.local_date(now)
    rule = deadlines.rule_for(issue.category_id, issue.tier)
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
            "lead_department": target,
            "handler": None,
            "level": target_level,
            "dispatched_by": actor,
            "dispatched_at": now,
            "first_dispatched_at": issue.first_dispatched_at or now,
            "accepted_at": None,
            "return_due": deadlines.return_due(dispatched_on=today, rule=rule),
            "reply_due": deadlines.reply_due(dispatched_on=today, rule=rule),
            "escalation_count": issue.escalation_count + 1,
            "with_supervisor": False,
        },
        note=reason,
        department=target,
        data={"from_level": issue.level, "to_level": target_level, "to_department": target.code},
        recipients=[*_handlers([target.pk]), *_members(issue)],
    )
    return issue


# --- follow-up, rating, close --------------------------------------------------------------


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


def _overdue_candidates(today: dt.date):
    base = Issue.objects.select_related("lead_department", "handler")
    yield from (
        (i, OverdueStep.DISPATCH, i.dispatch_due)
        for i in base.filter(status__in=[S.SUBMITTED, S.RETURNED], dispatch_due__lt=today)
    )
    yield from ((i, OverdueStep.REPLY, i.reply_due) for i in base.filter(status__in=WORKING, reply_due__lt=today))
    yield from (
        (i, OverdueStep.FOLLOW_UP, i.followup_due) for i in base.filter(status=S.REPLIED, followup_due__lt=today)
    )


def sweep_overdue(*, today: dt.date | None = None, now: dt.datetime | None = None) -> int:
    """Mark overdue steps, notify the handler (or the lead department) and the supervisors (督办), record
    it. Idempotent and safe on several workers: the unique OverdueMark row decides who records it."""
    now = _now(now)
    today = today or deadlines.local_date(now)
    marked = 0
    for issue, step, due in list(_overdue_candidates(today)):
        try:
            with transaction.atomic():
                OverdueMark.objects.create(
                    issue=issue, step=step, due=due, department=issue.lead_department, marked_at=now
                )
                Issue.objects.filter(pk=issue.pk).update(overdue=True, overdue_step=step, ever_overdue=True)
                note = _("%(step)s：期限 %(due)s 已过。") % {"step": OverdueStep(step).label, "due": due.isoformat()}
                audit_record(actor=None, action="issues.issue.overdue", target=issue, data={"step": step, "due": due})
                IssueEvent.objects.create(
                    issue=issue,
                    action="overdue",
                    at=now,
                    note=note,
                    public=False,
                    department=issue.lead_department,
                    data={"step": step, "due": due.isoformat()},
                )
                if step == OverdueStep.REPLY:
                    first = [issue.handler] if issue.handler else list(_handlers([issue.lead_department_id]))
                else:
                    first = [issue.dispatched_by] if issue.dispatched_by_id else list(_clerks())
                notify(
                    recipients=[*first, *_supervisors()],
                    kind="issues.overdue",
                    title=_("【超期督办】%(reference)s %(title)s")
                    % {"reference": issue.reference, "title": issue.title},
                    body=note,
                    url=_issue_url(issue),
                )
        except IntegrityError:
            continue  # another worker (or an earlier run) already recorded this step
        marked += 1
    return marked
