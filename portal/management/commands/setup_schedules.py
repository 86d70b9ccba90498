"""``manage.py setup_schedules``: create or update the django-q2 schedules every app declares.

Each app declares its periodic tasks with ``schedules()`` on its ``AppConfig`` (portal/plugins.py), by
convention the ``SCHEDULES`` list of ``<app>/tasks.py``:
``[{"name": ..., "func": "dotted.path", "schedule_type": "I"|"D"|..., "minutes": N}]``.
"""

from django.core.management.base import BaseCommand
from django_q.models import Schedule

from portal.plugins import schedule_providers


class Command(BaseCommand):
    help = "Create or update the periodic django-q2 schedules (idempotent)."

    def handle(self, *args, **options):
        count = 0
        for app in schedule_providers():
            for spec in app.schedules():
                spec = dict(spec)
                name = spec.pop("name")
                Schedule.objects.update_or_create(name=name, defaults=spec)
                count += 1
        self.stdout.write(f"{count} schedules in place.")
