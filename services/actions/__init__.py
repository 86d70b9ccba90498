"""All writes of the services app (DESIGN.md rule 1): keyword-only, atomic, audited.

The fulfilment task state machine is declared in ``services.workflow`` (``TASK``) and run by the one
function :func:`task_transition`; an application's status is never set by hand, it is rolled up from its
tasks inside the same transaction. Callers use ``from services import actions``.
"""

from .applications import DuplicateSubmission, application_submit, check_selection, roll_up_status
from .catalogue import bundle_admin_save, bundle_publish, bundle_snapshot, bundle_unpublish
from .catalogue_import import catalogue_load
from .fulfilment import task_transition
from .reminders import reminder_send, reminders_annual_report, reminders_license_expiry

__all__ = [
    "DuplicateSubmission",
    "application_submit",
    "bundle_admin_save",
    "bundle_publish",
    "bundle_snapshot",
    "bundle_unpublish",
    "catalogue_load",
    "check_selection",
    "reminder_send",
    "reminders_annual_report",
    "reminders_license_expiry",
    "roll_up_status",
    "task_transition",
]
