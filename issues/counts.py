"""The issues app's work-queue counts in the navigation (``portal.counts``): the same selectors as the
queue pages, so a badge and its page agree."""

from portal import counts
from portal.permissions import CLERK_ROLES, HANDLER_ROLES, SUPERVISOR_ROLES

from . import selectors


def register() -> None:
    # Counted for whom the navigation shows it (issues/_nav.html): a supervisor's shows 督办 instead, so
    # the supervisors and administrators who may also do window work are not asked for it.
    counts.register(
        "catch_all", lambda user: selectors.catch_all_queue(user=user), roles=CLERK_ROLES - SUPERVISOR_ROLES
    )
    counts.register("department_inbox", lambda user: selectors.department_inbox(user=user), roles=HANDLER_ROLES)
    # what waits for the supervisor's own decision: extension requests and appeals
    counts.register("extensions", lambda user: selectors.pending_extensions(user=user), roles=SUPERVISOR_ROLES)
    counts.register("appeals", lambda user: selectors.pending_appeals(user=user), roles=SUPERVISOR_ROLES)
