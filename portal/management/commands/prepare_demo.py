"""``manage.py prepare_demo``: what ``make run`` does before serving, in one process.

Migrates the database, creates the django-q2 schedules and loads the demo data (``seed_demo``),
with one line per phase: what it did and how long it took. One process instead of three saves
two Django start-ups on the way to the first page.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


class NullOutput:
    def write(self, *args, **kwargs) -> None:
        pass

    def flush(self) -> None:
        pass


class Command(BaseCommand):
    help = "Migrate, create the schedules and load the demo data, with progress (used by `make run`)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed of the demo data")

    def handle(self, *args, seed, **options):
        started = time.monotonic()
        self.stdout.write("Migrating the database…", ending=" ")
        self.stdout.flush()
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        call_command("migrate", interactive=False, verbosity=0)
        done = f"{pending} migrations applied" if pending else "already up to date"
        self.stdout.write(f"{done} ({time.monotonic() - started:.1f} s)")

        phase = time.monotonic()
        call_command("setup_schedules", stdout=NullOutput())
        from django_q.models import Schedule

        self.stdout.write(f"Schedules: {Schedule.objects.count()} in place ({time.monotonic() - phase:.1f} s)")

        call_command("seed_demo", seed=seed, quiet=True, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Prepared in {time.monotonic() - started:.1f} s."))
