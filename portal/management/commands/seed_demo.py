"""``manage.py seed_demo``: idempotent demo data for every app, through the apps' actions."""

import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import insights.demo
import issues.demo
import market.demo
import policies.demo
import services.demo
from portal import demo


class Command(BaseCommand):
    help = "Load demo data (regions, departments, enterprises, accounts, catalogue, problems, policies)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed for deterministic data")
        parser.add_argument("--password", default=None, help="password for every demo account")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, seed, password, quiet, **options):
        if not settings.DEBUG and not getattr(settings, "ALLOW_DEMO_PASSWORDS", False):
            raise CommandError("seed_demo creates accounts with demo passwords and only runs with DEBUG on.")
        reset_passwords = password is not None
        password = password or demo.DEFAULT_PASSWORD
        rng = random.Random(seed)
        with transaction.atomic():
            context = demo.seed(rng=rng, password=password, stdout=self.stdout, reset_passwords=reset_passwords)
        for app_demo in (services.demo, issues.demo, policies.demo, insights.demo, market.demo):
            with transaction.atomic():
                app_demo.seed(rng=random.Random(seed), context=context, stdout=self.stdout)
        if quiet:
            return
        note = "" if reset_passwords else " unless you changed it"
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Accounts (password: {password}{note}):"))
        rows = [
            ("ent-a", "enterprise member (法定代表人) of " + context["enterprises"][0].name),
            ("ent-b", "enterprise member (法定代表人) of " + context["enterprises"][1].name),
            ("ent-c", "enterprise agent whose membership is still pending"),
            ("(ent-b)", "also a member of one intermediary per service type in the 中介超市 (quotes)"),
            ("clerk", "window clerk, 湖州市企业综合服务中心 (also the 兜底 window)"),
            ("supervisor", "supervisor, 兜底办"),
            ("admin", "system administrator (back office at /admin/; cannot read the audit log)"),
            ("security", "security administrator (lifts sign-in pauses, revokes API tokens)"),
            ("auditor", "audit administrator (the only one who reads the audit log)"),
        ]
        for username, role in rows:
            self.stdout.write(f"  {username:<28} {role}")
        for code in sorted(context["handlers"]):
            self.stdout.write(f"  handler-{code:<20} handler of {context['departments'][code].name}")
