"""The services app's state machines, declared once (DESIGN.md rule 3): fulfilment tasks, applications
and bundle publication. The actions (``services.actions``) check these before they change anything; the
task page's buttons and the API's ``available_moves`` ask the same predicates.

Imports only choices and the core's permissions, so the models may use the status groups without a cycle.
"""

from portal.permissions import is_admin, is_handler
from portal.workflow import Move, Workflow, nobody

from .choices import ApplicationStatus, TaskEvent, TaskStatus

# --- permission predicates ----------------------------------------------------------------------


def is_task_handler(user, task) -> bool:
    """A handler of the task's department (one department's task is never moved by another)."""
    return bool(is_handler(user) and user.department_id and user.department_id == task.department_id)


def is_catalogue_admin(user, bundle=None) -> bool:
    """The catalogue is configured by the system administrator (the back office)."""
    return is_admin(user)


# --- fulfilment tasks ---------------------------------------------------------------------------

T = TaskStatus

TASK = Workflow(
    "services.applicationitem",
    groups={
        "open": {T.PENDING, T.ACCEPTED, T.IN_PROGRESS, T.SUPPLEMENT},
        "final": {T.DONE, T.REFUSED},
        # the clock stops when the task is finished or paused for 补正: no overdue, no due-soon then
        "clock_stopped": {T.DONE, T.REFUSED, T.SUPPLEMENT},
    },
    moves=[
        Move(TaskEvent.ACCEPT, sources={T.PENDING}, target=T.ACCEPTED, allowed=is_task_handler),
        Move(TaskEvent.START, sources={T.ACCEPTED}, target=T.IN_PROGRESS, allowed=is_task_handler),
        Move(
            TaskEvent.REQUEST_MATERIALS,
            sources={T.PENDING, T.ACCEPTED, T.IN_PROGRESS},
            target=T.SUPPLEMENT,
            allowed=is_task_handler,
            needs_input=True,
        ),
        Move(TaskEvent.RESUME, sources={T.SUPPLEMENT}, target=T.IN_PROGRESS, allowed=is_task_handler),
        Move(
            TaskEvent.COMPLETE,
            sources={T.ACCEPTED, T.IN_PROGRESS},
            target=T.DONE,
            allowed=is_task_handler,
            needs_input=True,
        ),
        Move(
            TaskEvent.REJECT,
            sources={T.PENDING, T.SUPPLEMENT},
            target=T.REFUSED,
            allowed=is_task_handler,
            needs_input=True,
        ),
    ],
)

OPEN_TASK_STATUSES = TASK.group("open")
FINAL_TASK_STATUSES = TASK.group("final")
CLOCK_STOPPED = TASK.group("clock_stopped")

# --- applications -------------------------------------------------------------------------------

A = ApplicationStatus

# An application is never moved by a person: its status is rolled up from its tasks
# (``services.actions.applications.roll_up_status``) in the transaction that moved a task.
APPLICATION = Workflow(
    "services.application",
    groups={
        "open": {A.SUBMITTED, A.IN_PROGRESS, A.NEEDS_MATERIALS},
        "final": {A.DONE, A.PARTLY_DONE, A.REFUSED},
    },
    moves=[Move("roll_up", sources=set(A.values), allowed=nobody)],
)

# --- bundle publication (Bundle.published) --------------------------------------------------------

BUNDLE = Workflow(
    "services.bundle",
    status_field="published",
    groups={"listed": {True}, "unlisted": {False}},
    moves=[
        # publishing again freezes the current offering as a new version (target stays published)
        Move("publish", sources={False, True}, target=True, allowed=is_catalogue_admin),
        Move("unpublish", sources={True}, target=False, allowed=is_catalogue_admin),
    ],
)
