"""Intake: an enterprise or a clerk registers a problem; classification; attachments; withdrawal."""

import datetime as dt
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.exceptions import ActionError, PermissionDeniedError
from portal.models import Enterprise, User
from portal.models.enterprises import enterprise_ids_for
from portal.notifications import notify
from portal.permissions import is_calling_system, is_enterprise_user

from .. import deadlines
from ..choices import (
    Discovery,
    Level,
    Tier,
)
from ..models import (
    Category,
    Channel,
    Issue,
    IssueAttachment,
    IssueEvent,
    OwnerlessKind,
)
from ..uploads import MAX_ATTACHMENTS, check_upload
from ..workflow import is_clerk, is_lead_handler, is_member
from ._core import (
    _clerks,
    _guard,
    _issue_url,
    _members,
    _now,
    _resolve,
    _transition,
)


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
    behalf of any enterprise through any channel, or a calling system (Open311) through its key's channel."""
    now = _now(now)
    is_system = is_calling_system(actor)
    is_staff = is_clerk(actor) or is_system
    if not is_staff and not is_enterprise_user(actor):
        raise PermissionDeniedError(_("只有企业用户或窗口人员可以登记问题。"))
    if is_staff:
        if enterprise is None:
            raise ActionError({"enterprise": _("请选择提出问题的企业。")})
        channel = _resolve(Channel, channel, "channel", _("受理渠道"))
        if channel is None and is_system:
            raise ActionError({"channel": _("对接系统必须指明受理渠道。")})
        channel = channel or Channel.objects.get(code="window")
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
    if not (is_member(actor, issue) or is_clerk(actor) or is_lead_handler(actor, issue)):
        raise PermissionDeniedError(_("您不能为该问题上传附件。"))
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
    _guard(actor, issue, "classify", now)
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
    _guard(actor, issue, "withdraw", now)
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
