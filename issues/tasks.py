"""Background tasks of this app (django-q2). ``SCHEDULES`` lists periodic ones for setup_schedules."""


def sweep_overdue() -> int:
    """Mark overdue problems and send 督办 notices. Idempotent; safe to run on several workers at once."""
    from issues.actions import sweep_overdue as sweep

    return sweep()


SCHEDULES: list[dict] = [
    {
        "name": "issues.sweep_overdue",
        "func": "issues.tasks.sweep_overdue",
        "schedule_type": "I",
        "minutes": 30,
    },
]
