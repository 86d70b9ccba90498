"""All writes of the services app (DESIGN.md rule 1): keyword-only, atomic, audited.

The fulfilment task state machine is :data:`TASK_MOVES` plus the one function
:func:`task_transition`; an application's status is never set by hand, it is rolled up from its
tasks by :func:`_roll_up` inside the same transaction.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.choices import MembershipStatus, Role
from portal.exceptions import ActionError, PermissionDeniedError
from portal.models import Enterprise, User
from portal.models.enterprises import enterprise_ids_for
from portal.notifications import notify
from portal.permissions import CLERK_ROLES
from portal.statemachine import apply_transition
from portal.workdays import add_working_days, working_days_between

from .choices import ApplicationStatus, Automation, Channel, ItemKind, TaskEvent, TaskStatus
from .models import Application, ApplicationItem, Bundle, BundleItem, BundleVersion, Reminder

# event: (statuses it may start from, status it leads to)
TASK_MOVES: dict[str, tuple[frozenset[str], str]] = {
    TaskEvent.ACCEPT: (frozenset({TaskStatus.PENDING}), TaskStatus.ACCEPTED),
    TaskEvent.START: (frozenset({TaskStatus.ACCEPTED}), TaskStatus.IN_PROGRESS),
    TaskEvent.REQUEST_MATERIALS: (
        frozenset({TaskStatus.PENDING, TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS}),
        TaskStatus.SUPPLEMENT,
    ),
    TaskEvent.RESUME: (frozenset({TaskStatus.SUPPLEMENT}), TaskStatus.IN_PROGRESS),
    TaskEvent.COMPLETE: (frozenset({TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS}), TaskStatus.DONE),
    TaskEvent.REJECT: (frozenset({TaskStatus.PENDING, TaskStatus.SUPPLEMENT}), TaskStatus.REFUSED),
}


class DuplicateSubmission(ActionError):
    """The same form (idempotency token) was posted again; ``application`` is the one it created."""

    def __init__(self, application: Application):
        super().__init__(_("该申请已提交（编号 %(ref)s），请勿重复提交。") % {"ref": application.reference})
        self.application = application


# --- Catalogue ----------------------------------------------------------------------------------


def bundle_snapshot(bundle: Bundle) -> dict:
    """What the bundle offers right now, as plain data (items, departments, time limits, rules)."""
    items = (
        BundleItem.objects.filter(bundle=bundle)
        .select_related("service", "service__department")
        .prefetch_related("requires", "excludes")
        .order_by("kind", "order", "id")
    )
    return {
        "code": bundle.code,
        "name": bundle.name,
        "kind": bundle.kind,
        "items": [
            {
                "id": bi.pk,
                "kind": bi.kind,
                "default_selected": bi.default_selected,
                "requires": sorted(r.pk for r in bi.requires.all()),
                "excludes": sorted(x.pk for x in bi.excludes.all()),
                "service_id": bi.service_id,
                "service_code": bi.service.code,
                "service_version": bi.service.version,
                "name": bi.service.name,
                "department": {"id": bi.service.department_id, "name": bi.service.department.name},
                "promised_days": bi.service.promised_days,
                "fee": str(bi.service.fee),
                "provider_side": bi.service.provider_side,
            }
            for bi in items
        ],
    }


def _freeze(*, bundle: Bundle, actor) -> BundleVersion:
    snapshot = bundle_snapshot(bundle)
    digest = hashlib.sha256(json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    existing = BundleVersion.objects.filter(bundle=bundle, digest=digest).first()
    if existing is not None:
        return existing
    number = (BundleVersion.objects.filter(bundle=bundle).aggregate(n=Max("number"))["n"] or 0) + 1
    version = BundleVersion(
        bundle=bundle, number=number, digest=digest, snapshot=snapshot, created_by=actor if actor else None
    )
    version.full_clean()
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError:  # someone froze the same offering at the same moment
        return BundleVersion.objects.get(bundle=bundle, digest=digest)
    audit_record(actor=actor, action="services.bundleversion.created", target=version, data={"number": number})
    return version


@transaction.atomic
def bundle_publish(*, actor: User, bundle: Bundle) -> Bundle:
    """Publish a bundle (enterprises can apply) and freeze its offering as a new version."""
    if not bundle.items.exists():
        raise ActionError(_("一类事「%(name)s」还没有任何事项，不能发布。") % {"name": bundle.name})
    version = _freeze(bundle=bundle, actor=actor)
    if bundle.published and bundle.version == version.number:
        return bundle  # already published as this very offering
    Bundle.objects.filter(pk=bundle.pk).update(published=True, published_at=timezone.now(), version=version.number)
    bundle.refresh_from_db()
    audit_record(actor=actor, action="services.bundle.published", target=bundle, data={"version": version.number})
    return bundle


@transaction.atomic
def bundle_unpublish(*, actor: User, bundle: Bundle) -> Bundle:
    """Take a bundle off the catalogue; running applications are not affected."""
    Bundle.objects.filter(pk=bundle.pk).update(published=False)
    bundle.refresh_from_db()
    audit_record(actor=actor, action="services.bundle.unpublished", target=bundle)
    return bundle


# --- Applications ---------------------------------------------------------------------------


def check_selection(*, bundle: Bundle, selected_ids: Iterable[int], basic_included: bool) -> list[BundleItem]:
    """The bundle items an application would contain, or ActionError naming what is wrong.

    ``selected_ids`` are the ticked bundle-item ids. With ``basic_included`` (the API) basic items
    are added automatically; otherwise (the forms, which list basic items as ticked boxes) an
    unticked basic item is refused.
    """
    if not bundle.published:
        raise ActionError(_("一类事「%(name)s」已下架或尚未发布，暂不能申请。") % {"name": bundle.name})
    offered = {
        bi.pk: bi
        for bi in BundleItem.objects.filter(bundle=bundle)
        .select_related("service", "service__department")
        .prefetch_related("requires", "excludes")
    }
    try:
        chosen_ids = {int(pk) for pk in selected_ids}
    except (TypeError, ValueError):
        raise ActionError({"selected": _("所选事项编号无效。")}) from None
    errors = []
    strangers = sorted(chosen_ids - set(offered))
    if strangers:
        errors.append(
            _("所选事项 %(ids)s 不属于一类事「%(name)s」，请刷新页面后重新选择。")
            % {"ids": "、".join(str(i) for i in strangers), "name": bundle.name}
        )
    for bi in offered.values():
        if bi.is_basic and bi.pk not in chosen_ids:
            if basic_included:
                chosen_ids.add(bi.pk)
            else:
                errors.append(_("「%(item)s」是基本服务，必须办理，不能取消勾选。") % {"item": bi.service.name})
        elif not bi.service.active and bi.pk in chosen_ids:
            errors.append(_("「%(item)s」已停止办理，请取消勾选。") % {"item": bi.service.name})
    chosen = [offered[pk] for pk in sorted(chosen_ids) if pk in offered]
    reported = set()
    for bi in chosen:
        for other in bi.excludes.all():
            pair = frozenset({bi.pk, other.pk})
            if other.pk in chosen_ids and pair not in reported:
                reported.add(pair)
                errors.append(
                    _("「%(a)s」与「%(b)s」不能同时选择，请只保留一项。")
                    % {"a": bi.service.name, "b": other.service.name}
                )
        for needed in bi.requires.all():
            if needed.pk not in chosen_ids:
                errors.append(
                    _("选择「%(a)s」需要同时选择「%(b)s」。") % {"a": bi.service.name, "b": needed.service.name}
                )
    if errors:
        raise ActionError({"selected": errors})
    return sorted(chosen, key=lambda bi: (bi.kind != ItemKind.BASIC, bi.order, bi.pk))


def _check_applicant(*, actor: User, enterprise: Enterprise, channel: str) -> tuple[str, bool]:
    if actor.has_role(Role.ENTERPRISE):
        if enterprise.pk not in enterprise_ids_for(actor):
            raise ActionError({"enterprise": _("您不是该企业的已核验成员，不能为其申请。")})
        if channel not in (None, "", Channel.ONLINE, Channel.APP):
            raise ActionError({"channel": _("企业用户只能通过线上渠道申请。")})
        return channel or Channel.ONLINE, False
    if actor.has_role(*CLERK_ROLES):
        if channel in (None, "", Channel.ONLINE):
            channel = Channel.WINDOW
        return channel, True
    raise PermissionDeniedError(_("只有企业成员或窗口人员可以提交一类事申请。"))


def _new_reference(today: dt.date, offset: int = 0) -> str:
    prefix = f"YLS{today:%Y%m%d}"
    last = (
        Application.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = (int(last[len(prefix) :]) if last else 0) + 1 + offset
    return f"{prefix}{number:04d}"


def _members_of(enterprise_id: int):
    return User.objects.filter(
        memberships__enterprise_id=enterprise_id, memberships__status=MembershipStatus.VERIFIED, is_active=True
    )


def _handlers_of(department_ids):
    return User.objects.filter(role=Role.HANDLER, department_id__in=list(department_ids), is_active=True)


@transaction.atomic
def application_submit(
    *,
    actor: User,
    bundle: Bundle,
    enterprise: Enterprise,
    selected_ids: Iterable[int],
    contact_name: str,
    contact_phone: str,
    address: str = "",
    note: str = "",
    channel: str | None = None,
    basic_included: bool = False,
    idempotency_key: str | None = None,
) -> Application:
    """Submit a bundle for an enterprise: one application, one task per chosen item, due dates from
    the promised working days. The same ``idempotency_key`` twice raises DuplicateSubmission."""
    if idempotency_key:
        existing = Application.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            raise DuplicateSubmission(existing)
    channel, on_behalf = _check_applicant(actor=actor, enterprise=enterprise, channel=channel)
    if channel not in Channel.values:
        raise ActionError({"channel": _("未知的申请渠道。")})
    errors = {}
    if not (contact_name or "").strip():
        errors["contact_name"] = [_("请填写联系人。")]
    phone = (contact_phone or "").strip()
    if not phone or not phone.replace("-", "").isdigit() or not 7 <= len(phone) <= 20:
        errors["contact_phone"] = [_("请填写有效的联系电话（手机或固定电话）。")]
    if bundle.region_id and bundle.region.code not in enterprise.region.ancestor_codes():
        errors["enterprise"] = [
            _("「%(bundle)s」仅面向%(region)s的企业，%(name)s不在适用范围内。")
            % {"bundle": bundle.name, "region": bundle.region.full_name, "name": enterprise.name}
        ]
    try:
        chosen = check_selection(bundle=bundle, selected_ids=selected_ids, basic_included=basic_included)
    except ValidationError as exc:
        errors.update(exc.message_dict if hasattr(exc, "error_dict") else {"selected": exc.messages})
    if errors:
        raise ActionError(errors)
    version = _freeze(bundle=bundle, actor=actor)
    chosen_ids = {bi.pk for bi in chosen}
    now = timezone.now()
    today = timezone.localdate(now)
    application = Application(
        reference=_new_reference(today),
        bundle=bundle,
        bundle_version=version,
        enterprise=enterprise,
        channel=channel,
        submitted_by=actor,
        on_behalf=on_behalf,
        contact_name=contact_name.strip(),
        contact_phone=phone,
        address=(address or "").strip(),
        note=(note or "").strip(),
        offered={
            "value_added": [
                {"id": item["id"], "name": item["name"], "chosen": item["id"] in chosen_ids}
                for item in version.snapshot["items"]
                if item["kind"] == ItemKind.VALUE_ADDED
            ]
        },
        idempotency_key=idempotency_key or None,
        submitted_at=now,
    )
    # Uniqueness of the reference and the token is left to the database (see the retry below).
    application.full_clean(exclude=["reference", "idempotency_key"])
    for attempt in range(5):
        try:
            with transaction.atomic():
                application.save()
            break
        except IntegrityError:
            # Either the same form was posted twice at once, or another submission took the same
            # reference number this instant: the first is a duplicate, the second is retried.
            if idempotency_key:
                existing = Application.objects.filter(idempotency_key=idempotency_key).first()
                if existing is not None:
                    raise DuplicateSubmission(existing) from None
            if attempt == 4:
                raise
            application.pk = None
            application.reference = _new_reference(today, offset=attempt + 1)
    answers = {"contact_name": application.contact_name, "contact_phone": phone, "address": application.address}
    tasks = []
    due_dates: dict[int, dt.date] = {}

    def due(days: int) -> dt.date:
        if days not in due_dates:
            due_dates[days] = add_working_days(today, days)
        return due_dates[days]

    for order, bi in enumerate(chosen):
        service = bi.service
        automatic = service.is_automatic
        tasks.append(
            ApplicationItem(
                application=application,
                bundle_item=bi,
                service=service,
                service_code=service.code,
                name=service.name,
                kind=bi.kind,
                department=service.department,
                status=TaskStatus.DONE if automatic else TaskStatus.PENDING,
                promised_days=service.promised_days,
                due_date=due(service.promised_days),
                answers=answers,
                result=_("已开通，系统将按企业证照和年报期限自动提醒。") if automatic else "",
                finished_at=now if automatic else None,
                order=order,
            )
        )
    for task in tasks:
        # The related rows were just read from the database; skip re-fetching each foreign key.
        task.full_clean(exclude=["application", "bundle_item", "service", "department", "handler"])
    ApplicationItem.objects.bulk_create(tasks)
    _roll_up(application, actor=actor)
    audit_record(
        actor=actor,
        action="services.application.submitted",
        target=application,
        data={
            "bundle": bundle.code,
            "bundle_version": version.number,
            "enterprise": enterprise.uscc,
            "channel": channel,
            "items": [bi.service.code for bi in chosen],
        },
    )
    url = reverse("services:application_detail", args=[application.pk])
    notify(
        recipients=[*_members_of(enterprise.pk), actor],
        kind="services.application.submitted",
        title=_("您的「%(bundle)s」申请已提交，编号 %(ref)s") % {"bundle": bundle.name, "ref": application.reference},
        url=url,
    )
    manual_departments = {t.department_id for t in tasks if t.status == TaskStatus.PENDING}
    notify(
        recipients=_handlers_of(manual_departments),
        kind="services.task.assigned",
        title=_("新的一类事办理任务：%(ref)s（%(ent)s）") % {"ref": application.reference, "ent": enterprise.name},
        url=reverse("services:task_inbox"),
    )
    return application


def roll_up_status(statuses: Iterable[str]) -> str:
    """An application's status from its tasks' statuses."""
    found = set(statuses)
    if not found or found == {TaskStatus.PENDING}:
        return ApplicationStatus.SUBMITTED
    if found == {TaskStatus.DONE}:
        return ApplicationStatus.DONE
    if found == {TaskStatus.REFUSED}:
        return ApplicationStatus.REFUSED
    if found <= {TaskStatus.DONE, TaskStatus.REFUSED}:
        return ApplicationStatus.PARTLY_DONE
    if TaskStatus.SUPPLEMENT in found:
        return ApplicationStatus.NEEDS_MATERIALS
    return ApplicationStatus.IN_PROGRESS


def _roll_up(application: Application, *, actor) -> str:
    new = roll_up_status(ApplicationItem.objects.filter(application=application).values_list("status", flat=True))
    old = Application.objects.filter(pk=application.pk).values_list("status", flat=True).first()
    if old != new:
        Application.objects.filter(pk=application.pk).update(status=new, updated_at=timezone.now())
        if application.pk and application.items.exists() and old is not None:
            audit_record(
                actor=actor,
                action="services.application.status_rolled_up",
                target=application,
                data={"from": old, "to": new},
            )
    application.status = new
    return new


# --- Fulfilment tasks -----------------------------------------------------------------------


@transaction.atomic
def task_transition(
    *, actor: User, task: ApplicationItem, event: str, result: str = "", reason: str = "", note: str = ""
) -> ApplicationItem:
    """The one way a fulfilment task changes status (TASK_MOVES), by a handler of its department.

    补正材料 pauses the clock; when the materials are in, the due date moves on by the working days
    it was paused. Every move is audited, notified to the enterprise, and rolled up.
    """
    if event not in TASK_MOVES:
        raise ActionError(_("未知的操作。"))
    if not (actor.has_role(Role.HANDLER) and actor.department_id == task.department_id):
        raise PermissionDeniedError(_("只有「%(dept)s」的承办人可以办理该任务。") % {"dept": task.department.name})
    # Lock the application (PostgreSQL) so concurrent moves of its tasks roll up one after the other.
    application = Application.objects.select_for_update().get(pk=task.application_id)
    allowed_from, to_status = TASK_MOVES[event]
    today = timezone.localdate()
    now = timezone.now()
    changes: dict = {}
    data: dict = {"event": event}
    if event == TaskEvent.ACCEPT:
        changes = {"handler": actor, "accepted_at": now}
    elif event == TaskEvent.START:
        changes = {"handler": actor}
    elif event == TaskEvent.REQUEST_MATERIALS:
        if not note.strip():
            raise ActionError({"note": _("请写明需要补正的材料。")})
        changes = {"note": note.strip()[:500], "paused_on": today, "handler": task.handler or actor}
        data["note"] = note.strip()
    elif event == TaskEvent.RESUME:
        paused = working_days_between(task.paused_on, today) if task.paused_on else 0
        changes = {
            "paused_on": None,
            "paused_days": task.paused_days + paused,
            "due_date": add_working_days(task.due_date, paused) if paused else task.due_date,
            "accepted_at": task.accepted_at or now,
        }
        data["paused_working_days"] = paused
    elif event == TaskEvent.COMPLETE:
        if not result.strip():
            raise ActionError({"result": _("请填写办理结果（如证照编号、办理情况）。")})
        changes = {"result": result.strip()[:500], "finished_at": now, "handler": task.handler or actor}
        data["result"] = result.strip()
    elif event == TaskEvent.REJECT:
        if not reason.strip():
            raise ActionError({"reason": _("不予受理时必须写明理由。")})
        changes = {"reason": reason.strip()[:500], "finished_at": now, "handler": task.handler or actor}
        data["reason"] = reason.strip()
    apply_transition(
        task,
        to_status=to_status,
        allowed_from=allowed_from,
        actor=actor,
        action=f"services.applicationitem.{event}",
        changes=changes,
        data=data,
        not_allowed_message=_("任务当前为「%(status)s」，不能执行「%(event)s」。")
        % {"status": task.get_status_display(), "event": TaskEvent(event).label},
    )
    _roll_up(application, actor=actor)
    notify(
        recipients=_members_of(application.enterprise_id),
        kind=f"services.task.{event}",
        title=_("%(ref)s「%(item)s」：%(status)s")
        % {"ref": application.reference, "item": task.name, "status": task.get_status_display()},
        body=data.get("note") or data.get("reason") or data.get("result") or "",
        url=reverse("services:application_detail", args=[application.pk]),
    )
    return task


# --- Automatic value-added items ------------------------------------------------------------

LICENSE_REMINDER_DAYS = 30
ANNUAL_REPORT_DEADLINE = (6, 30)
ANNUAL_REPORT_WINDOW_DAYS = 30


def _subscribed_tasks(automation: str):
    return (
        ApplicationItem.objects.filter(service__automation=automation, status=TaskStatus.DONE)
        .select_related("application")
        .order_by("application__enterprise_id", "id")
    )


@transaction.atomic
def reminder_send(*, enterprise_id: int, kind: str, subject: str, due_on: dt.date, title: str, task=None) -> bool:
    """Record and send one reminder unless it was already sent (idempotent by subject)."""
    if Reminder.objects.filter(enterprise_id=enterprise_id, kind=kind, subject=subject).exists():
        return False
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                enterprise_id=enterprise_id, kind=kind, subject=subject, due_on=due_on, task=task
            )
    except IntegrityError:
        return False
    audit_record(actor=None, action="services.reminder.sent", target=reminder, data={"subject": subject})
    notify(recipients=_members_of(enterprise_id), kind=f"services.reminder.{kind}", title=title, url="/my/enterprises/")
    return True


def reminders_license_expiry(*, today: dt.date | None = None) -> int:
    """证照到期提醒: licences expiring within 30 days, for enterprises that ticked the item."""
    from portal.models import EnterpriseLicense

    today = today or timezone.localdate()
    tasks = {}
    for task in _subscribed_tasks(Automation.LICENSE_EXPIRY):
        tasks.setdefault(task.application.enterprise_id, task)
    sent = 0
    licenses = EnterpriseLicense.objects.filter(
        enterprise_id__in=list(tasks),
        expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=LICENSE_REMINDER_DAYS),
    ).order_by("id")
    for lic in licenses:
        sent += reminder_send(
            enterprise_id=lic.enterprise_id,
            kind=Automation.LICENSE_EXPIRY,
            subject=f"license:{lic.pk}:{lic.expires_on.isoformat()}",
            due_on=lic.expires_on,
            title=_("证照到期提醒：「%(name)s」将于 %(date)s 到期，请及时办理延续。")
            % {"name": lic.name, "date": lic.expires_on.isoformat()},
            task=tasks[lic.enterprise_id],
        )
    return sent


def reminders_annual_report(*, today: dt.date | None = None) -> int:
    """年报提醒: within 30 days before 30 June, once a year, for enterprises that ticked the item."""
    today = today or timezone.localdate()
    deadline = dt.date(today.year, *ANNUAL_REPORT_DEADLINE)
    if not 0 <= (deadline - today).days <= ANNUAL_REPORT_WINDOW_DAYS:
        return 0
    tasks = {}
    for task in _subscribed_tasks(Automation.ANNUAL_REPORT):
        tasks.setdefault(task.application.enterprise_id, task)
    sent = 0
    for enterprise_id, task in tasks.items():
        sent += reminder_send(
            enterprise_id=enterprise_id,
            kind=Automation.ANNUAL_REPORT,
            subject=f"annual:{today.year}",
            due_on=deadline,
            title=_("年报提醒：请于 %(date)s 前通过国家企业信用信息公示系统报送 %(year)s 年度报告。")
            % {"date": deadline.isoformat(), "year": today.year - 1},
            task=task,
        )
    return sent


# --- Catalogue import (Excel and demo data) -------------------------------------------------


class _RowErrors:
    def __init__(self):
        self.messages: list[str] = []

    def add(self, sheet: str, row: int, message) -> None:
        self.messages.append(_("「%(sheet)s」第 %(row)d 行：%(msg)s") % {"sheet": sheet, "row": row, "msg": message})


def _choice(choices, value, *, required=True, default=""):
    text = "" if value is None else str(value).strip()
    if not text:
        if required and not default:
            raise ValueError(_("不能为空"))
        return default
    lookup = {v: v for v in choices.values} | {str(label): v for v, label in choices.choices}
    if text not in lookup:
        raise ValueError(
            _("“%(value)s”不是有效的选项（可选：%(options)s）")
            % {"value": text, "options": "、".join(str(label) for _v, label in choices.choices)}
        )
    return lookup[text]


def _int(value, *, default=0, minimum=0):
    if value is None or str(value).strip() == "":
        return default
    try:
        number = int(float(str(value).strip()))
    except ValueError:
        raise ValueError(_("“%(value)s”不是整数") % {"value": value}) from None
    if number < minimum:
        raise ValueError(_("不能小于 %(min)d") % {"min": minimum})
    return number


def _bool(value, *, default=False) -> bool:
    text = "" if value is None else str(value).strip().lower()
    if text == "":
        return default
    if text in {"1", "true", "yes", "y", "是", "√", "1.0"}:
        return True
    if text in {"0", "false", "no", "n", "否", "0.0"}:
        return False
    raise ValueError(_("“%(value)s”应为 是/否") % {"value": value})


def _codes(value) -> list[str]:
    text = "" if value is None else str(value)
    return [c.strip() for c in text.replace("，", ",").replace("、", ",").split(",") if c.strip()]


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _parse_materials(value) -> list[dict]:
    from .choices import MaterialForm

    result = []
    for order, chunk in enumerate(c for c in _text(value).replace("；", ";").split(";") if c.strip()):
        parts = [p.strip() for p in chunk.split("|")] + [""] * 5
        if not parts[0]:
            raise ValueError(_("材料“%(chunk)s”缺少名称") % {"chunk": chunk})
        result.append(
            {
                "name": parts[0],
                "form": _choice(MaterialForm, parts[1], default=MaterialForm.ELECTRONIC),
                "count": _int(parts[2], default=1, minimum=1),
                "required": _bool(parts[3], default=True),
                "source": parts[4][:100],
                "order": order,
            }
        )
    return result


@transaction.atomic
def catalogue_load(*, actor, items: list[dict], bundles: list[dict], bundle_items: list[dict]) -> dict:
    """Create or update service items, bundles and their items from rows (Excel import, demo data).

    Every row is checked first; if any row is wrong, ActionError lists each one by sheet and row
    number and nothing is written. A bundle that appears in ``bundle_items`` gets exactly the
    items listed; a bundle marked published is (re)published, which freezes a version.
    """
    from decimal import Decimal, InvalidOperation

    from portal.choices import Board
    from portal.models import Department, Region

    from .choices import BundleKind, ItemType, LifecycleStage, ProviderSide
    from .models import ServiceItem, ServiceMaterial

    errors = _RowErrors()
    departments = {d.code: d for d in Department.objects.all()}
    regions = {r.code: r for r in Region.objects.all()}
    existing_items = {i.code: i for i in ServiceItem.objects.all()}
    existing_bundles = {b.code: b for b in Bundle.objects.all()}
    sheet_items, sheet_bundles, sheet_links = _("事项"), _("一类事"), _("一类事事项")

    planned_items: list[tuple[ServiceItem, list[dict] | None, bool]] = []
    seen: set[str] = set()
    for index, row in enumerate(items):
        number = row.get("_row", index + 2)
        code = _text(row.get("code"))
        try:
            if not code:
                raise ValueError(_("事项编码不能为空"))
            if code in seen:
                raise ValueError(_("事项编码 %(code)s 重复") % {"code": code})
            seen.add(code)
            department = departments.get(_text(row.get("department")))
            if department is None:
                raise ValueError(_("实施部门“%(code)s”不存在") % {"code": _text(row.get("department"))})
            try:
                fee = Decimal(str(row.get("fee") or 0))
            except InvalidOperation:
                raise ValueError(_("收费“%(v)s”不是数字") % {"v": row.get("fee")}) from None
            values = {
                "name": _text(row.get("name")),
                "item_type": _choice(ItemType, row.get("item_type")),
                "kind": _choice(ItemKind, row.get("kind")),
                "department": department,
                "provider_side": _choice(ProviderSide, row.get("provider_side"), default=ProviderSide.GOVERNMENT),
                "board": _choice(Board, row.get("board"), required=False),
                "automation": _choice(Automation, row.get("automation"), default=Automation.MANUAL),
                "promised_days": _int(row.get("promised_days")),
                "legal_days": _int(row.get("legal_days")),
                "fee": fee,
                "online": _bool(row.get("online"), default=True),
                "visits": _int(row.get("visits")),
                "description": _text(row.get("description"))[:300],
                "conditions": _text(row.get("conditions")),
                "contact_phone": _text(row.get("contact_phone")),
            }
            if values["legal_days"] and values["promised_days"] > values["legal_days"]:
                raise ValueError(_("承诺时限不能超过法定时限"))
            materials = _parse_materials(row.get("materials")) if "materials" in row else None
            item = existing_items.get(code) or ServiceItem(code=code)
            changed = any(getattr(item, field) != value for field, value in values.items())
            for field, value in values.items():
                setattr(item, field, value)
            if item.pk and changed:
                item.version += 1
            item.full_clean(validate_unique=False)
        except ValidationError as exc:
            errors.add(sheet_items, number, "；".join(exc.messages))
            continue
        except ValueError as exc:
            errors.add(sheet_items, number, str(exc))
            continue
        planned_items.append((item, materials, changed or not item.pk))
    item_codes = set(existing_items) | seen

    planned_bundles: list[tuple[Bundle, bool | None]] = []
    seen_bundles: set[str] = set()
    for index, row in enumerate(bundles):
        number = row.get("_row", index + 2)
        code = _text(row.get("code"))
        try:
            if not code:
                raise ValueError(_("一类事编码不能为空"))
            if code in seen_bundles:
                raise ValueError(_("一类事编码 %(code)s 重复") % {"code": code})
            seen_bundles.add(code)
            region_code = _text(row.get("region"))
            if region_code and region_code not in regions:
                raise ValueError(_("适用区划“%(code)s”不存在") % {"code": region_code})
            bundle = existing_bundles.get(code) or Bundle(code=code)
            bundle.name = _text(row.get("name"))
            bundle.kind = _choice(BundleKind, row.get("kind"))
            bundle.stage = _choice(LifecycleStage, row.get("stage"), required=False)
            bundle.chain = _text(row.get("chain"))
            bundle.board = _choice(Board, row.get("board"), required=False)
            bundle.region = regions.get(region_code)
            bundle.summary = _text(row.get("summary"))[:200]
            if "description" in row:
                bundle.description = _text(row.get("description"))
            bundle.order = _int(row.get("order"))
            publish = _bool(row.get("published")) if _text(row.get("published")) else None
            bundle.full_clean(validate_unique=False)
        except ValidationError as exc:
            errors.add(sheet_bundles, number, "；".join(exc.messages))
            continue
        except ValueError as exc:
            errors.add(sheet_bundles, number, str(exc))
            continue
        planned_bundles.append((bundle, publish))
    bundle_codes = set(existing_bundles) | seen_bundles

    links: dict[str, list[dict]] = {}
    for index, row in enumerate(bundle_items):
        number = row.get("_row", index + 2)
        try:
            bundle_code, item_code = _text(row.get("bundle")), _text(row.get("item"))
            if bundle_code not in bundle_codes:
                raise ValueError(_("一类事“%(code)s”不存在") % {"code": bundle_code})
            if item_code not in item_codes:
                raise ValueError(_("事项“%(code)s”不存在") % {"code": item_code})
            if any(link["item"] == item_code for link in links.get(bundle_code, [])):
                raise ValueError(_("事项 %(code)s 在该一类事中重复") % {"code": item_code})
            sizes = _codes(row.get("recommend_sizes"))
            bad_sizes = set(sizes) - {"large", "medium", "small", "micro"}
            if bad_sizes:
                raise ValueError(_("推荐规模“%(v)s”无效") % {"v": "、".join(sorted(bad_sizes))})
            links.setdefault(bundle_code, []).append(
                {
                    "_row": number,
                    "item": item_code,
                    "kind": _choice(ItemKind, row.get("kind")),
                    "default_selected": _bool(row.get("default_selected")),
                    "order": _int(row.get("order")),
                    "requires": _codes(row.get("requires")),
                    "excludes": _codes(row.get("excludes")),
                    "recommend_industries": ",".join(_codes(row.get("recommend_industries"))),
                    "recommend_sizes": ",".join(sizes),
                    "recommend_max_age_years": _int(row.get("recommend_max_age_years"), default=None)
                    if _text(row.get("recommend_max_age_years"))
                    else None,
                }
            )
        except ValueError as exc:
            errors.add(sheet_links, number, str(exc))
    for bundle_code, rows in links.items():
        listed = {link["item"] for link in rows}
        for link in rows:
            for other in link["requires"] + link["excludes"]:
                if other not in listed:
                    errors.add(
                        sheet_links,
                        link["_row"],
                        _("依赖或互斥的事项 %(code)s 不在一类事 %(bundle)s 中")
                        % {"code": other, "bundle": bundle_code},
                    )
                elif other == link["item"]:
                    errors.add(sheet_links, link["_row"], _("事项不能依赖或排斥自己"))
    if errors.messages:
        raise ActionError(errors.messages)

    # Everything checked: write.
    saved_items = {}
    for item, materials, _dirty in planned_items:
        item.save()
        saved_items[item.code] = item
        if materials is not None:
            ServiceMaterial.objects.filter(item=item).delete()
            ServiceMaterial.objects.bulk_create([ServiceMaterial(item=item, **m) for m in materials])
    all_items = {i.code: i for i in ServiceItem.objects.filter(code__in=item_codes)}
    saved_bundles = {}
    for bundle, _publish in planned_bundles:
        bundle.save()
        saved_bundles[bundle.code] = bundle
    all_bundles = {b.code: b for b in Bundle.objects.filter(code__in=bundle_codes)}
    for bundle_code, rows in links.items():
        bundle = all_bundles[bundle_code]
        wanted = {all_items[link["item"]].pk: link for link in rows}
        BundleItem.objects.filter(bundle=bundle).exclude(service_id__in=wanted).delete()
        current = {bi.service_id: bi for bi in BundleItem.objects.filter(bundle=bundle)}
        by_code = {}
        for service_id, link in wanted.items():
            bi = current.get(service_id) or BundleItem(bundle=bundle, service_id=service_id)
            for field in ("kind", "default_selected", "order", "recommend_industries", "recommend_sizes"):
                setattr(bi, field, link[field])
            bi.recommend_max_age_years = link["recommend_max_age_years"]
            bi.full_clean(validate_unique=False, validate_constraints=False)
            bi.save()
            by_code[link["item"]] = bi
        for link in rows:
            bi = by_code[link["item"]]
            bi.requires.set([by_code[c] for c in link["requires"]])
            if link["excludes"]:
                bi.excludes.add(*[by_code[c] for c in link["excludes"]])
        for link in rows:
            bi = by_code[link["item"]]
            declared = {by_code[c].pk for c in link["excludes"]}
            # excludes is symmetrical: keep a pair only if either side still declares it
            for other in list(bi.excludes.all()):
                other_code = other.service.code
                other_link = next((r for r in rows if r["item"] == other_code), None)
                if other.pk not in declared and not (other_link and link["item"] in other_link["excludes"]):
                    bi.excludes.remove(other)
    published = 0
    for bundle, publish in planned_bundles:
        bundle = all_bundles[bundle.code]
        if publish is True:
            bundle_publish(actor=actor, bundle=bundle)
            published += 1
        elif publish is False and bundle.published:
            bundle_unpublish(actor=actor, bundle=bundle)
    counts = {
        "items": len(saved_items),
        "bundles": len(saved_bundles),
        "bundle_items": sum(len(rows) for rows in links.values()),
        "published": published,
    }
    audit_record(actor=actor, action="services.catalogue.imported", data=counts)
    return counts
