"""Background tasks of this app (django-q2). ``SCHEDULES`` lists periodic ones for setup_schedules."""

SCHEDULES: list[dict] = []
