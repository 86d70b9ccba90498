"""Submitting a bundle: the selection rules, the application and its tasks, the status roll-up."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.choices import MembershipStatus
from portal.exceptions import ActionError, PermissionDeniedError
from portal.models import Enterprise, User
from portal.models.enterprises import enterprise_ids_for
from portal.notifications import notify
from portal.permissions import department_handlers, is_clerk, is_enterprise_user
from portal.workdays import add_working_days

from ..choices import ApplicationStatus, Channel, ItemKind, TaskStatus
from ..models import Application, ApplicationItem, Bundle, BundleItem
from .catalogue import _freeze


class DuplicateSubmission(ActionError):
    """The same form (idempotency token) was posted again; ``application`` is the one it created."""

    def __init__(self, application: Application):
        super().__init__(_("该申请已提交（编号 %(ref)s），请勿重复提交。") % {"ref": application.reference})
        self.application = application


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
    if is_enterprise_user(actor):
        if enterprise.pk not in enterprise_ids_for(actor):
            raise ActionError({"enterprise": _("您不是该企业的已核验成员，不能为其申请。")})
        if channel not in (None, "", Channel.ONLINE, Channel.APP):
            raise ActionError({"channel": _("企业用户只能通过线上渠道申请。")})
        return channel or Channel.ONLINE, False
    if is_clerk(actor):
        if channel in (None, "", Channel.ONLINE):
            channel = Channel.WINDOW
        return channel, True
    raise PermissionDeniedError(_("只有企业成员或窗口人员可以提交一类事申请。"))


def when(now: dt.datetime | None) -> dt.datetime:
    """When a step happened: now, or earlier when it is recorded after the fact (a paper application entered
    later, demo data); never in the future."""
    current = timezone.now()
    if now is None:
        return current
    if now > current:
        raise ActionError(_("办理时间不能晚于当前时间。"))
    return now


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
    now: dt.datetime | None = None,
) -> Application:
    """Submit a bundle for an enterprise: one application, one task per chosen item, due dates from
    the promised working days. The same ``idempotency_key`` twice raises DuplicateSubmission. ``now``
    records an application received earlier (see :func:`when`)."""
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
    now = when(now)
    version = _freeze(bundle=bundle, actor=actor)
    chosen_ids = {bi.pk for bi in chosen}
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
        recipients=department_handlers(manual_departments),
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
