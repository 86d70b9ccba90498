"""The guard and the one transition function of the problem state machine (DESIGN.md rule 3).

The moves, who may make them and the status groups are declared once in :mod:`issues.workflow`.
Every action asks :func:`_guard` (``ISSUE.check``: who may act and whether the state allows it), then
calls :func:`_transition`, which does the conditional UPDATE
(``portal.statemachine.apply_transition``), writes the audit row and the timeline event, and queues
the notifications (after commit).
"""

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.choices import MembershipStatus
from portal.exceptions import ActionError
from portal.models import Department, User
from portal.notifications import notify
from portal.permissions import clerk_accounts, department_handlers, supervisor_accounts
from portal.statemachine import apply_transition

from ..choices import (
    EVENT_LABELS,
    IssueStatus,
)
from ..models import (
    Issue,
    IssueEvent,
)
from ..workflow import ISSUE, as_of

S = IssueStatus


def event_label(action: str) -> str:
    return str(EVENT_LABELS.get(action, action))


def can(issue: Issue, event: str) -> bool:
    """Whether the problem's state allows the move (who asks is not considered): ``ISSUE.can``."""
    return ISSUE.can(issue, event)


def _state_message(issue: Issue, event: str) -> str:
    return _("问题当前状态为「%(status)s」，不能%(event)s。") % {
        "status": issue.get_status_display(),
        "event": event_label(event),
    }


def _guard(actor, issue: Issue, move: str, now: dt.datetime, *, message: str | None = None) -> None:
    """The action's guard: who may (the move's one predicate) and the state (its sources and condition),
    judged on the day the action acts (``now``) — :data:`issues.workflow.ISSUE`."""
    with as_of(timezone.localdate(now)):
        ISSUE.check(actor, issue, move, not_allowed_message=message or _state_message(issue, move))


# --- recipients -------------------------------------------------------------------------------


def _members(issue: Issue):
    return User.objects.filter(
        memberships__enterprise_id=issue.enterprise_id, memberships__status=MembershipStatus.VERIFIED, is_active=True
    )


# Who is told, by role: named once in portal.permissions.
_handlers = department_handlers
_supervisors = supervisor_accounts
_clerks = clerk_accounts


def _issue_url(issue: Issue) -> str:
    return reverse("issues:issue_detail", args=[issue.pk])


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
    move = ISSUE[event]
    allowed_from, to_status = move.sources, move.target
    from_status = issue.status
    to_status = to_status or from_status
    changes = dict(changes or {})
    if not issue.ever_overdue and issue.is_overdue(timezone.localdate(now)):
        # a move made after the step's deadline: the step was late, whether or not the sweep saw it
        changes.setdefault("ever_overdue", True)
    message = _state_message(issue, event)
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


def _department(value) -> Department:
    if isinstance(value, Department):
        return value
    try:
        return Department.objects.select_related("region").get(pk=value, is_active=True)
    except (Department.DoesNotExist, ValueError, TypeError):
        raise ActionError({"lead_department": _("未知的部门。")}) from None
