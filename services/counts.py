"""The services app's work-queue count in the navigation (``portal.counts``): a handler's open tasks,
from the same selector as the task inbox's default list."""

from portal import counts
from portal.permissions import HANDLER_ROLES

from . import selectors


def register() -> None:
    counts.register("tasks", lambda user: selectors.open_task_inbox(user=user), roles=HANDLER_ROLES)
