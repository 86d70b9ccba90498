"""Writes of common problems (共性问题): create, link, answer, edit, record reuse.

Problems themselves are never changed here except through ``issues.actions`` (dispatch to the lead
department when a common problem is created, the one reply per problem when it is answered), so every
enterprise still gets its own reply, follow-up and rating under the issues app's rules.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from issues import actions as issue_actions
from issues.choices import IssueStatus
from issues.models import Issue
from issues.workflow import ISSUE
from portal.audit import audit_record
from portal.choices import DepartmentKind
from portal.exceptions import ActionError, ConcurrentUpdate, PermissionDeniedError, TransitionNotAllowed
from portal.models import Department, Region
from portal.permissions import is_supervisor

from ..choices import MechanismKind
from ..models import CommonIssue, CommonIssueLink, CommonIssueReuse
from ..workflow import COMMON_ISSUE

DISPATCHABLE = ISSUE.group("awaiting_dispatch")
REPLYABLE = ISSUE.group("working")
LINKABLE_EXCLUDED = frozenset({IssueStatus.WITHDRAWN})


UNCHANGED = object()  # a keyword left out (where None is a value: no category)


def _now(now):
    return now or timezone.now()


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDeniedError(message)


def _text(value, field: str, message: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise ActionError({field: message})
    if max_length and len(value) > max_length:
        raise ActionError({field: _("最多 %(n)d 个字。") % {"n": max_length}})
    return value


def _lead(value) -> Department:
    if isinstance(value, Department):
        department = value
    else:
        department = Department.objects.filter(pk=value).first() if str(value or "").isdigit() else None
        if department is None:
            department = Department.objects.filter(code=value).first() if value else None
    if department is None or not department.is_active:
        raise ActionError({"lead_department": _("请选择牵头部门。")})
    if department.kind in (DepartmentKind.CATCH_ALL, DepartmentKind.SERVICE_CENTRE):
        raise ActionError({"lead_department": _("牵头部门须为职能部门，不能是兜底办或服务中心。")})
    return department


def _issues(issue_ids: Iterable[int]) -> list[Issue]:
    ids = sorted({int(pk) for pk in issue_ids})
    issues = list(Issue.objects.filter(pk__in=ids).select_related("lead_department", "common_link"))
    if len(issues) != len(ids):
        raise ActionError({"issues": _("部分问题不存在。")})
    return issues


def _next_reference(common: CommonIssue, now: dt.datetime) -> str:
    return f"GX{timezone.localtime(now):%Y%m%d}{common.pk:05d}"


@transaction.atomic
def common_issue_create(
    *,
    actor,
    title: str,
    summary: str,
    lead_department,
    issue_ids: Iterable[int] = (),
    root_cause: str = "",
    category=None,
    dispatch_unassigned: bool = True,
    is_public: bool = False,
    now: dt.datetime | None = None,
) -> CommonIssue:
    """Create a common problem (共性问题), usually from a cluster of similar open problems, in one step.

    Linked problems still waiting to be dispatched (submitted, returned) are dispatched to the lead
    department through ``issues.actions.issue_dispatch`` when ``dispatch_unassigned`` is set, so that
    department can answer them together; problems already with a department stay where they are.
    """
    now = _now(now)
    _require(is_supervisor(actor), _("只有督办人员可以创建共性问题。"))
    title = _text(title, "title", _("请填写共性问题标题。"), 120)
    summary = _text(summary, "summary", _("请概述共性问题（公开展示，不写企业名称）。"))
    lead = _lead(lead_department)
    issues = _issues(issue_ids)
    taken = [issue.reference for issue in issues if hasattr(issue, "common_link")]
    if taken:
        raise ActionError({"issues": _("以下问题已归入其他共性问题：%(refs)s") % {"refs": "、".join(taken)}})
    if any(issue.status in LINKABLE_EXCLUDED for issue in issues):
        raise ActionError({"issues": _("已撤回的问题不能归入共性问题。")})
    common = CommonIssue(
        reference="pending",
        title=title,
        summary=summary,
        root_cause=(root_cause or "").strip(),
        lead_department=lead,
        category=category,
        is_public=is_public,
        created_by=actor,
        created_at=now,
    )
    common.full_clean(exclude=["reference"])
    common.save()
    common.reference = _next_reference(common, now)
    common.save(update_fields=["reference"])
    CommonIssueLink.objects.bulk_create(
        [CommonIssueLink(common_issue=common, issue=issue, linked_by=actor, linked_at=now) for issue in issues]
    )
    dispatched = []
    if dispatch_unassigned:
        for issue in issues:
            if issue.status in DISPATCHABLE:
                issue_actions.issue_dispatch(
                    actor=actor,
                    issue=issue,
                    lead_department=lead,
                    note=_("归入共性问题 %(ref)s，由牵头部门统一研究答复。") % {"ref": common.reference},
                    now=now,
                )
                dispatched.append(issue.reference)
    audit_record(
        actor=actor,
        action="insights.commonissue.created",
        target=common,
        data={"issues": [issue.reference for issue in issues], "dispatched": dispatched, "lead": lead.code},
    )
    return common


def _check(actor, common: CommonIssue, move: str, denied: str) -> None:
    """The guard of every write: ``COMMON_ISSUE``'s state and permission, refused with ``denied``."""
    try:
        COMMON_ISSUE.check(actor, common, move)
    except PermissionDeniedError:
        raise PermissionDeniedError(denied) from None


def _status_change(actor, common: CommonIssue, move: str) -> dict:
    """``{"status": target}`` when the common problem's state allows the status move, else nothing."""
    if not COMMON_ISSUE.can(common, move):
        return {}
    return {"status": COMMON_ISSUE.check(actor, common, move).target}


def _bump_version(common: CommonIssue, **changes) -> None:
    updated = CommonIssue.objects.filter(pk=common.pk, version=common.version).update(
        version=F("version") + 1, **changes
    )
    if updated != 1:
        raise ConcurrentUpdate()
    common.version += 1
    for field, value in changes.items():
        setattr(common, field, value)


@transaction.atomic
def common_issue_link(*, actor, common_issue: CommonIssue, issue_ids: Iterable[int], now=None) -> int:
    """Add problems to a common problem (e.g. a possible duplicate found while classifying)."""
    now = _now(now)
    _check(actor, common_issue, "link", _("您不能修改该共性问题。"))
    issues = _issues(issue_ids)
    taken = [
        i.reference for i in issues if hasattr(i, "common_link") and i.common_link.common_issue_id != common_issue.pk
    ]
    if taken:
        raise ActionError({"issues": _("以下问题已归入其他共性问题：%(refs)s") % {"refs": "、".join(taken)}})
    if any(issue.status in LINKABLE_EXCLUDED for issue in issues):
        raise ActionError({"issues": _("已撤回的问题不能归入共性问题。")})
    new = [issue for issue in issues if not hasattr(issue, "common_link")]
    CommonIssueLink.objects.bulk_create(
        [CommonIssueLink(common_issue=common_issue, issue=issue, linked_by=actor, linked_at=now) for issue in new]
    )
    if new:
        audit_record(
            actor=actor,
            action="insights.commonissue.linked",
            target=common_issue,
            data={"issues": [issue.reference for issue in new]},
        )
    return len(new)


@transaction.atomic
def common_issue_unlink(*, actor, common_issue: CommonIssue, issue: Issue) -> None:
    _check(actor, common_issue, "unlink", _("您不能修改该共性问题。"))
    deleted, _detail = CommonIssueLink.objects.filter(common_issue=common_issue, issue=issue).delete()
    if not deleted:
        raise ActionError({"issue": _("该问题不在此共性问题中。")})
    audit_record(
        actor=actor, action="insights.commonissue.unlinked", target=common_issue, data={"issue": issue.reference}
    )


@transaction.atomic
def common_issue_answer(
    *, actor, common_issue: CommonIssue, reply: str, public_reply: str = "", now: dt.datetime | None = None
) -> dict:
    """Answer the linked problems together: the lead department writes one answer and every linked
    problem it is handling (dispatched, accepted or 重办) gets its own reply through
    ``issues.actions.issue_reply`` — so each enterprise is told, followed up and rates separately.

    Returns ``{"answered": [references], "skipped": [(reference, reason)]}``.
    """
    now = _now(now)
    _check(
        actor,
        common_issue,
        "reply",
        _("只有牵头部门的承办人可以统一答复（各问题的答复须由其牵头部门作出）。"),
    )
    reply = _text(reply, "reply", _("请填写统一答复内容。"))
    public_reply = (public_reply or "").strip() or reply
    answered, skipped = [], []
    links = common_issue.links.select_related("issue").order_by("issue_id")
    for link in links:
        issue = link.issue
        if issue.status not in REPLYABLE:
            skipped.append((issue.reference, issue.get_status_display()))
            continue
        if issue.lead_department_id != common_issue.lead_department_id:
            skipped.append((issue.reference, _("由其他部门牵头")))
            continue
        try:
            with transaction.atomic():
                issue_actions.issue_reply(actor=actor, issue=issue, reply=reply, public_reply=public_reply, now=now)
        except (TransitionNotAllowed, PermissionDeniedError) as exc:
            skipped.append((issue.reference, str(getattr(exc, "message", exc))))
            continue
        answered.append(issue.reference)
    if not answered:
        raise ActionError({"reply": _("没有可统一答复的问题：关联问题须已交办给牵头部门且尚未答复。")})
    changes = {"solution": public_reply, "answered_at": now, **_status_change(actor, common_issue, "answer")}
    _bump_version(common_issue, **changes)
    audit_record(
        actor=actor,
        action="insights.commonissue.answered",
        target=common_issue,
        data={"answered": answered, "skipped": [ref for ref, _reason in skipped]},
    )
    return {"answered": answered, "skipped": skipped}


@transaction.atomic
def common_issue_update(
    *,
    actor,
    common_issue: CommonIssue,
    title: str | None = None,
    summary: str | None = None,
    root_cause: str | None = None,
    solution: str | None = None,
    mechanism_kind: str | None = None,
    mechanism: str | None = None,
    mechanism_adopted_on: dt.date | None = None,
    is_public: bool | None = None,
    is_exemplary: bool | None = None,
    internal_note: str | None = None,
    category=UNCHANGED,
) -> CommonIssue:
    """Edit the record: root cause, the lasting mechanism (长效机制), publication in the library.
    Recording a mechanism moves the status to 已形成长效机制."""
    _check(actor, common_issue, "edit", _("您不能修改该共性问题。"))
    changes = {}
    if title is not None:
        changes["title"] = _text(title, "title", _("请填写共性问题标题。"), 120)
    if summary is not None:
        changes["summary"] = _text(summary, "summary", _("请概述共性问题（公开展示，不写企业名称）。"))
    for field, value in (("root_cause", root_cause), ("solution", solution), ("internal_note", internal_note)):
        if value is not None:
            changes[field] = value.strip()
    if mechanism_kind is not None:
        if mechanism_kind and mechanism_kind not in MechanismKind.values:
            raise ActionError({"mechanism_kind": _("长效机制类型无效。")})
        changes["mechanism_kind"] = mechanism_kind
    if mechanism is not None:
        changes["mechanism"] = mechanism.strip()
    if mechanism_adopted_on is not None:
        changes["mechanism_adopted_on"] = mechanism_adopted_on
    if is_public is not None:
        if is_public and not (changes.get("solution", common_issue.solution) or changes.get("mechanism")):
            raise ActionError({"is_public": _("请先填写统一答复或长效机制，再在经验库公开。")})
        changes["is_public"] = is_public
    if is_exemplary is not None:
        changes["is_exemplary"] = is_exemplary
    if category is not UNCHANGED:
        changes["category"] = category
    mechanism_text = changes.get("mechanism", common_issue.mechanism)
    if mechanism_text and changes.get("mechanism_kind", common_issue.mechanism_kind) == "":
        raise ActionError({"mechanism_kind": _("请选择长效机制类型。")})
    if changes.get("solution") and not mechanism_text:
        changes.update(_status_change(actor, common_issue, "answer"))
    if mechanism_text and COMMON_ISSUE.can(common_issue, "institutionalise"):
        changes.update(_status_change(actor, common_issue, "institutionalise"))
        if not changes.get("mechanism_adopted_on") and not common_issue.mechanism_adopted_on:
            changes["mechanism_adopted_on"] = timezone.localdate()
    if not changes:
        return common_issue
    candidate = CommonIssue(**{f.attname: getattr(common_issue, f.attname) for f in CommonIssue._meta.concrete_fields})
    candidate._state.adding = False
    for field, value in changes.items():
        setattr(candidate, field, value)
    candidate.full_clean()
    _bump_version(common_issue, **changes)
    audit_record(
        actor=actor,
        action="insights.commonissue.updated",
        target=common_issue,
        data={field: str(value)[:200] for field, value in changes.items()},
    )
    return common_issue


ADMIN_FIELDS = (
    "title",
    "summary",
    "root_cause",
    "solution",
    "mechanism_kind",
    "mechanism",
    "mechanism_adopted_on",
    "is_public",
    "is_exemplary",
    "internal_note",
    "category",
)


def common_issue_admin_save(*, actor, instance: CommonIssue, form, formsets=(), change: bool) -> CommonIssue:
    """The back office's save of a common problem's record: :func:`common_issue_update` with the form's data
    (so a recorded mechanism moves the status, and everything is audited). Common problems are created from
    clusters on the supervisor's page, never here; links and reuses change only through their actions."""
    if not change:
        raise PermissionDeniedError(_("共性问题须在督办页面由问题归集创建。"))
    common = CommonIssue.objects.get(pk=instance.pk)
    data = {name: form.cleaned_data[name] for name in ADMIN_FIELDS if name in form.cleaned_data}
    for name in ("title", "summary", "root_cause", "solution", "mechanism_kind", "mechanism", "internal_note"):
        if name in data and data[name] is None:
            data[name] = ""
    common = common_issue_update(actor=actor, common_issue=common, **data)
    instance.__dict__.update({f.attname: getattr(common, f.attname) for f in CommonIssue._meta.concrete_fields})
    return common


@transaction.atomic
def common_issue_record_reuse(
    *, actor, common_issue: CommonIssue, region, department=None, note: str = "", reused_on=None
) -> CommonIssueReuse:
    """Record that another region adopted the solution (一地突破、全域共享). Once per region."""
    _check(actor, common_issue, "record_reuse", _("您不能修改该共性问题。"))
    if not isinstance(region, Region):
        region = Region.objects.filter(pk=region).first() if str(region or "").isdigit() else None
    if region is None:
        raise ActionError({"region": _("请选择复用地区。")})
    if CommonIssueReuse.objects.filter(common_issue=common_issue, region=region).exists():
        raise ActionError({"region": _("该地区已记录复用。")})
    reuse = CommonIssueReuse(
        common_issue=common_issue,
        region=region,
        department=department,
        note=(note or "").strip(),
        reused_on=reused_on or timezone.localdate(),
        recorded_by=actor,
    )
    reuse.full_clean()
    reuse.save()
    audit_record(
        actor=actor,
        action="insights.commonissue.reused",
        target=common_issue,
        data={"region": region.code, "department": department.code if department else ""},
    )
    return reuse
