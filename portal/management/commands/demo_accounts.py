"""``manage.py demo_accounts``: list the demo accounts that exist (``make run`` prints it last)."""

from django.core.management.base import BaseCommand

from portal import demo


class Command(BaseCommand):
    help = "List the demo accounts loaded by seed_demo, with their password."

    def handle(self, *args, **options):
        lines = demo.account_lines()
        if not lines:
            self.stdout.write("No demo accounts: run `manage.py seed_demo` first.")
        for line in lines:
            self.stdout.write(line)
