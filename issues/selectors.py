"""Reads of the issues app (DESIGN.md rule 2). Lists select their relations up front: constant queries."""

import datetime as dt

from django.db import models
from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import JSONObject

from portal.models import User

from . import deadlines
from .choices import AppealStatus, IssueStatus, Light, RequestStatus
from .filters import IssueFilterSet
from .models import Appeal, Escalation, ExtensionRequest, Issue, IssueEvent
from .workflow import ISSUE, statuses

LIST_RELATED = ("enterprise", "category", "channel", "lead_department", "handler")


def _base(user: User) -> QuerySet[Issue]:
    return Issue.objects.visible_to(user).select_related(*LIST_RELATED)


def issue_list(*, user: User, data=None, queryset: QuerySet[Issue] | None = None) -> IssueFilterSet:
    """The filtered list (``.qs``) with its form, for pages and the API alike."""
    qs = queryset if queryset is not None else _base(user)
    return IssueFilterSet(data=data or None, queryset=qs)


# The configuration rows a problem's page shows (channel, category, 三不管 kind, lead department), each read
# as one JSON row in a subquery of the problem's own query rather than joined to it: PostgreSQL plans each
# such subquery on its own, while every joined table multiplies the join orders it weighs. At 1M problems,
# seven joined tables took 3.4-3.8 ms to plan (0.3-1 ms to run); the problem with its enterprise and
# handler joined, 0.3-0.4 ms. The rows are whole model instances (every concrete column), the same as
# select_related would build.
_DETAIL_LOOKUPS = ("channel", "category", "ownerless_kind", "lead_department")
_JSON_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


def _row_json(field) -> Subquery:
    model = field.related_model
    columns = model._meta.concrete_fields
    assert all(isinstance(column, _JSON_FIELDS) for column in columns), model  # JSON keeps their types
    row = JSONObject(**{column.attname: F(column.attname) for column in columns})
    return Subquery(model._base_manager.filter(pk=OuterRef(field.attname)).values(row=row)[:1])


def _attach_rows(obj, names, db: str):
    """Turn the ``detail_<name>_row`` annotations of ``obj`` into its related instances ``obj.<name>``."""
    for name in names:
        field = obj._meta.get_field(name)
        data = vars(obj).pop(f"detail_{name}_row")
        related = None
        if data is not None:
            columns = field.related_model._meta.concrete_fields
            related = field.related_model.from_db(db, [c.attname for c in columns], [data[c.attname] for c in columns])
        field.set_cached_value(obj, related)
    return obj


def _with_rows(qs: QuerySet, names) -> QuerySet:
    return qs.annotate(**{f"detail_{name}_row": _row_json(qs.model._meta.get_field(name)) for name in names})


def issue_get(*, user: User, pk: int) -> Issue:
    """The problem if visible to the user (else Issue.DoesNotExist → 404), with what its page shows of its
    history: co-departments, attachments, events, ratings (follow-ups, extension requests and escalations
    are not shown there, and not read). Of its own relations only those the page shows are read: the
    enterprise and the handler joined, the configuration rows as subqueries (above), and so the events'
    actors joined, their departments as subqueries; joined tables cost PostgreSQL more to plan than to run
    (a move that notifies the submitter or the dispatcher reads that account itself)."""
    events = _with_rows(IssueEvent.objects.select_related("actor"), ("department",))
    qs = _with_rows(Issue.objects.visible_to(user).select_related("enterprise", "handler"), _DETAIL_LOOKUPS)
    qs = qs.prefetch_related("co_departments", "attachments", Prefetch("events", queryset=events), "ratings")
    issue = _attach_rows(qs.get(pk=pk), _DETAIL_LOOKUPS, qs.db)
    for event in issue.events.all():
        _attach_rows(event, ("department",), issue._state.db)
    return issue


def catch_all_queue(*, user: User) -> QuerySet[Issue]:
    """The 兜底 queue: waiting for classification and dispatch, oldest deadline first."""
    return _base(user).filter(status__in=statuses("awaiting_dispatch")).order_by("dispatch_due", "id")


def department_inbox(*, user: User, include_finished: bool = False) -> QuerySet[Issue]:
    """What the handler's department must sign, reply to or follow: open work, most urgent first
    (``include_finished``: its closed and withdrawn problems too, after the open ones)."""
    if user.department_id is None:
        return Issue.objects.none()
    wanted = [*statuses("with_department"), *([IssueStatus.CLOSED, IssueStatus.WITHDRAWN] if include_finished else [])]
    return (
        Issue.objects.for_department(user.department)
        .select_related(*LIST_RELATED)
        .filter(status__in=wanted)
        .by_deadline()
    )


def follow_up_queue(*, user: User) -> QuerySet[Issue]:
    return _base(user).filter(status__in=statuses("awaiting_follow_up")).order_by("followup_due", "id")


def overdue_list(*, user: User, today: dt.date | None = None) -> QuerySet[Issue]:
    """督办: the problems whose current step is past its deadline now (derived, not the sweep's marks),
    most urgent first; the deadline index serves both the condition and the order."""
    return _base(user).overdue(today).by_deadline()


def due_soon_list(*, user: User, today: dt.date | None = None) -> QuerySet[Issue]:
    today = today or deadlines.local_date()
    limit = deadlines.due_soon_limit(today)
    from django.db.models import Q

    return (
        _base(user)
        .filter(
            Q(status__in=statuses("working"), reply_due__gte=today, reply_due__lte=limit)
            | Q(status__in=statuses("awaiting_dispatch"), dispatch_due__gte=today, dispatch_due__lte=limit)
            | Q(status__in=statuses("awaiting_follow_up"), followup_due__gte=today, followup_due__lte=limit)
        )
        .by_deadline()
    )


def with_supervisor_list(*, user: User) -> QuerySet[Issue]:
    """The 督办 queue: problems only a supervisor may dispatch (two returns or dispatches), and answered
    problems rated bad after the last allowed 重办 (escalate, 集中会商 or close with a reason)."""
    from django.db.models import Q

    return _base(user).filter(
        Q(with_supervisor=True, status__in=statuses("awaiting_dispatch"))
        | Q(reopen_limit_reached=True, status__in=statuses("answered"))
    )


def api_move_name(move: str) -> str:
    """A move's name in the API (its action path): ``request_extension`` → ``request-extension``."""
    return move.replace("_", "-")


def available_moves(user: User, issue: Issue) -> list[str]:
    """The moves ``user`` may make on ``issue`` now (``ISSUE.available``: each move's one predicate and
    its state), named as the API's action paths. Reads ``co_departments.all()`` and ``ratings.all()``
    (prefetched by detail reads)."""
    if not user.is_authenticated:
        return []
    return [api_move_name(name) for name in ISSUE.available(user, issue)]


def pending_extensions(*, user: User, include_decided: bool = False) -> QuerySet[ExtensionRequest]:
    """Extension requests waiting for a supervisor, oldest first (``include_decided``: every request)."""
    rows = ExtensionRequest.objects.visible_to(user)
    if not include_decided:
        rows = rows.filter(status=RequestStatus.PENDING)
    return rows.select_related("issue", "department", "requested_by", "decided_by").order_by("requested_at", "id")


def pending_appeals(*, user: User, include_decided: bool = False) -> QuerySet[Appeal]:
    """Appeals against bad ratings waiting for a ruling, oldest first (``include_decided``: every one)."""
    rows = Appeal.objects.visible_to(user)
    if not include_decided:
        rows = rows.filter(status=AppealStatus.PENDING)
    return rows.select_related("issue", "rating", "department", "requested_by", "decided_by").order_by(
        "requested_at", "id"
    )


def escalation_list(*, user: User) -> QuerySet[Escalation]:
    return (
        Escalation.objects.visible_to(user)
        .select_related("issue", "from_department", "to_department", "by")
        .order_by("-at", "-id")
    )


def attach_lights(issues, *, today: dt.date | None = None):
    """Set ``issue.light`` (on_time/due_soon/overdue/none) on each row; one calendar query in all, none when
    no row is at a step with a deadline (a closed or withdrawn problem's page, a page of them)."""
    rows = list(issues)
    dues = [issue.current_due() for issue in rows]
    if any(due is not None for due in dues):
        today = today or deadlines.local_date()
        soon = deadlines.due_soon_limit(today)
    for issue, due in zip(rows, dues, strict=True):
        issue.light = Light.NONE if due is None else deadlines.light(due, today=today, soon_limit=soon)
    return rows
