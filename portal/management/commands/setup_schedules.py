"""``manage.py setup_schedules``: create or update the django-q2 schedules every app declares.

Each app lists its periodic tasks in ``<app>/tasks.py`` as ``SCHEDULES``:
``[{"name": ..., "func": "dotted.path", "schedule_type": "I"|"D"|..., "minutes": N}]``.
"""

from django.core.management.base import BaseCommand
from django_q.models import Schedule

import insights.tasks
import issues.tasks
import market.tasks
import policies.tasks
import portal.tasks
import services.tasks


class Command(BaseCommand):
    help = "Create or update the periodic django-q2 schedules (idempotent)."

    def handle(self, *args, **options):
        count = 0
        for module in (portal.tasks, services.tasks, issues.tasks, policies.tasks, insights.tasks, market.tasks):
            for spec in getattr(module, "SCHEDULES", []):
                spec = dict(spec)
                name = spec.pop("name")
                Schedule.objects.update_or_create(name=name, defaults=spec)
                count += 1
        self.stdout.write(f"{count} schedules in place.")
