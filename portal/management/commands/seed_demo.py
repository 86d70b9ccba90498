"""``manage.py seed_demo``: idempotent demo data for every app, through the apps' actions.

The core's demo (regions, departments, enterprises, accounts) comes first; then each installed app that
declares ``seed_demo`` on its ``AppConfig`` (portal/plugins.py), in ``INSTALLED_APPS`` order."""

import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal import demo
from portal.notifications import batched_delivery
from portal.plugins import demo_providers


class PhaseOutput:
    """The ``stdout`` handed to one app's demo: each line it writes ends with the seconds since the
    phase began, so ``make run`` shows one line per phase with its counts and its time."""

    def __init__(self, stdout, *, indent: str = "  "):
        self.stdout, self.indent, self.started = stdout, indent, time.monotonic()

    def write(self, message: str = "", *args, **kwargs) -> None:
        elapsed = time.monotonic() - self.started
        self.stdout.write(f"{self.indent}{message.rstrip()} ({elapsed:.1f} s)", *args, **kwargs)
        self.stdout.flush()


class Command(BaseCommand):
    help = "Load demo data (regions, departments, enterprises, accounts, catalogue, problems, policies)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed for deterministic data")
        parser.add_argument("--password", default=None, help="password for every demo account")
        parser.add_argument("--quiet", action="store_true", help="do not list the demo accounts at the end")

    def handle(self, *args, seed, password, quiet, **options):
        if not settings.DEBUG and not getattr(settings, "ALLOW_DEMO_PASSWORDS", False):
            raise CommandError("seed_demo creates accounts with demo passwords and only runs with DEBUG on.")
        reset_passwords = password is not None
        password = password or demo.DEFAULT_PASSWORD
        started = time.monotonic()
        self.stdout.write("Loading demo data…")
        # One delivery task per 100 demo notifications, queued when the seed ends, instead of one
        # task per action: the notifications themselves are written by the actions as in real use.
        with batched_delivery() as notification_ids:
            with transaction.atomic():
                context = demo.seed(
                    rng=random.Random(seed), password=password, stdout=PhaseOutput(self.stdout),
                    reset_passwords=reset_passwords,
                )  # fmt: skip
            for app in demo_providers():
                with transaction.atomic():
                    app.seed_demo(rng=random.Random(seed), context=context, stdout=PhaseOutput(self.stdout))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready in {time.monotonic() - started:.1f} s "
                f"({len(notification_ids)} notifications queued for the worker)."
            )
        )
        if not quiet:
            for line in demo.account_lines(password=password, reset_passwords=reset_passwords):
                self.stdout.write(line)
