"""``manage.py audit_verify``: walk the audit hash chain; exit 1 naming each row that was edited or that
follows a removed row."""

from django.core.management.base import BaseCommand, CommandError

from portal.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain (an edited or a missing row is named)."

    def handle(self, *args, **options):
        report = audit_verify()
        start = f"from purge anchor ≤ {report.anchor.last_id}" if report.anchor else "from the start"
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} rows checked {start}."))
            return
        for row_id, problem in report.problems:
            self.stderr.write(f"row {row_id}: {problem}")
        raise CommandError(f"Audit chain broken: {len(report.problems)} problem(s) in {report.checked} rows ({start}).")
