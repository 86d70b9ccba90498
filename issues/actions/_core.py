"""The transition table and the one transition function of the problem state machine (DESIGN.md rule 3).

Every action checks who may act, then calls :func:`_transition`, which does the conditional UPDATE
(``portal.statemachine.apply_transition``), writes the audit row and the timeline event, and queues
the notifications (after commit).
"""

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.choices import MembershipStatus, Role
from portal.exceptions import ActionError, PermissionDeniedError
from portal.models import Department, User
from portal.models.enterprises import enterprise_ids_for
from portal.notifications import notify
from portal.permissions import user_has_role
from portal.statemachine import apply_transition

from ..choices import (
    EVENT_LABELS,
    IssueStatus,
)
from ..models import (
    Issue,
    IssueEvent,
)

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
    # from replied/followed_up only once 重办 is exhausted (the action checks reopen_limit_reached)
    "escalate": (
        (S.SUBMITTED, S.DISPATCHED, S.ACCEPTED, S.RETURNED, S.REOPENED, S.REPLIED, S.FOLLOWED_UP),
        S.DISPATCHED,
    ),
    "follow_up": ((S.REPLIED,), S.FOLLOWED_UP),
    "follow_up_unreached": ((S.REPLIED,), None),
    "rate": ((S.REPLIED, S.FOLLOWED_UP), None),
    "reopen": ((S.REPLIED, S.FOLLOWED_UP), S.REOPENED),
    "refer_to_supervisor": ((S.REPLIED, S.FOLLOWED_UP), None),
    # from replied only once 重办 is exhausted, with a reason the enterprise sees (the action checks)
    "close": ((S.REPLIED, S.FOLLOWED_UP), S.CLOSED),
    "consult": ((S.SUBMITTED, S.RETURNED, S.DISPATCHED, S.ACCEPTED, S.REOPENED, S.REPLIED, S.FOLLOWED_UP), None),
    "co_opinion": (WORKING, None),
    "urge": ((S.SUBMITTED, S.RETURNED, S.DISPATCHED, S.ACCEPTED, S.REOPENED, S.REPLIED), None),
}


def event_label(action: str) -> str:
    return str(EVENT_LABELS.get(action, action))


# Moves that a replied problem allows only once 重办 is exhausted and the supervisor decides.
AFTER_REPLY_AT_REOPEN_LIMIT = {"escalate": (S.REPLIED, S.FOLLOWED_UP), "close": (S.REPLIED,)}


def can(issue: Issue, event: str) -> bool:
    """Whether the move is allowed from the problem's state (the actions and the buttons ask it)."""
    allowed_from, _to = TRANSITIONS[event]
    if issue.status not in allowed_from:
        return False
    if issue.status in AFTER_REPLY_AT_REOPEN_LIMIT.get(event, ()):
        return issue.reopen_limit_reached
    return True


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
    allowed_from, to_status = TRANSITIONS[event]
    from_status = issue.status
    to_status = to_status or from_status
    changes = dict(changes or {})
    if not issue.ever_overdue and issue.is_overdue(timezone.localdate(now)):
        # a move made after the step's deadline: the step was late, whether or not the sweep saw it
        changes.setdefault("ever_overdue", True)
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


def _department(value) -> Department:
    if isinstance(value, Department):
        return value
    try:
        return Department.objects.select_related("region").get(pk=value, is_active=True)
    except (Department.DoesNotExist, ValueError, TypeError):
        raise ActionError({"lead_department": _("未知的部门。")}) from None
