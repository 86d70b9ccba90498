"""The one function that moves a fulfilment task, :func:`task_transition`, along ``services.workflow.TASK``."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import ActionError, PermissionDeniedError
from portal.models import User
from portal.notifications import notify
from portal.workdays import add_working_days, working_days_between

from ..choices import TaskEvent
from ..models import Application, ApplicationItem
from ..workflow import TASK
from .applications import _members_of, _roll_up, when

# --- Fulfilment tasks -----------------------------------------------------------------------


@transaction.atomic
def task_transition(
    *,
    actor: User,
    task: ApplicationItem,
    event: str,
    result: str = "",
    reason: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> ApplicationItem:
    """The one way a fulfilment task changes status (``workflow.TASK``), by a handler of its department.

    补正材料 pauses the clock; when the materials are in, the due date moves on by the working days
    it was paused. Every move is audited, notified to the enterprise, and rolled up. ``now`` records a
    move made earlier (see :func:`~services.actions.applications.when`).
    """
    if event not in TASK:
        raise ActionError(_("未知的操作。"))
    not_allowed = _("任务当前为「%(status)s」，不能执行「%(event)s」。") % {
        "status": task.get_status_display(),
        "event": TaskEvent(event).label,
    }
    try:
        TASK.check(actor, task, event, not_allowed_message=not_allowed)
    except PermissionDeniedError:
        raise PermissionDeniedError(
            _("只有「%(dept)s」的承办人可以办理该任务。") % {"dept": task.department.name}
        ) from None
    # Lock the application (PostgreSQL) so concurrent moves of its tasks roll up one after the other.
    application = Application.objects.select_for_update().get(pk=task.application_id)
    now = when(now)
    today = timezone.localdate(now)
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
    TASK.apply(
        task,
        event,
        actor=actor,
        action=f"services.applicationitem.{event}",
        changes=changes,
        data=data,
        not_allowed_message=not_allowed,
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
