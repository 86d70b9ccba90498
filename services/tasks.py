"""Background tasks of the services app (django-q2). ``SCHEDULES`` lists periodic ones for setup_schedules.

Both reminder tasks are idempotent: a reminder is recorded once per subject (licence and expiry
date, or report year), so a run delivered twice sends nothing the second time.
"""

from services import actions


def send_license_expiry_reminders() -> int:
    return actions.reminders_license_expiry()


def send_annual_report_reminders() -> int:
    return actions.reminders_annual_report()


SCHEDULES: list[dict] = [
    {
        "name": "services.send_license_expiry_reminders",
        "func": "services.tasks.send_license_expiry_reminders",
        "schedule_type": "D",
    },
    {
        "name": "services.send_annual_report_reminders",
        "func": "services.tasks.send_annual_report_reminders",
        "schedule_type": "D",
    },
]
