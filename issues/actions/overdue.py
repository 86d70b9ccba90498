"""The overdue sweep (督办): idempotent, safe on several workers.

The sweep notifies and records; it does not decide what pages show. "Overdue" is derived at read time
from the current step's deadline (``Issue.is_overdue()``, ``overdue_condition()``), so a sweep that did
not run (a stopped worker) delays the 督办 notices but never shows a late problem as on time."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.notifications import notify

from .. import deadlines
from ..choices import (
    OverdueStep,
)
from ..models import (
    STEPS,
    Issue,
    IssueEvent,
    OverdueMark,
)
from ._core import (
    _clerks,
    _handlers,
    _issue_url,
    _now,
    _supervisors,
)


def _overdue_candidates(today: dt.date):
    """(problem, step, due) for every open step past its deadline that has no mark yet."""
    base = Issue.objects.select_related("lead_department", "handler")
    for step, field, statuses in STEPS:
        marked = OverdueMark.objects.filter(issue=OuterRef("pk"), step=step, due=OuterRef(field))
        rows = base.filter(status__in=statuses, **{f"{field}__lt": today}).exclude(Exists(marked))
        yield from ((issue, step, getattr(issue, field)) for issue in rows)


def sweep_overdue(*, today: dt.date | None = None, now: dt.datetime | None = None) -> int:
    """Record each newly overdue step (OverdueMark, ``ever_overdue``, audit, timeline), notify the handler
    (or the lead department) and the supervisors (督办). Idempotent and safe on several workers: the
    unique OverdueMark row decides who records it."""
    now = _now(now)
    today = today or deadlines.local_date(now)
    marked = 0
    for issue, step, due in list(_overdue_candidates(today)):
        try:
            with transaction.atomic():
                OverdueMark.objects.create(
                    issue=issue, step=step, due=due, department=issue.lead_department, marked_at=now
                )
                Issue.objects.filter(pk=issue.pk).update(ever_overdue=True)
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
