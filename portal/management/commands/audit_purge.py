"""``manage.py audit_purge --before YYYY-MM-DD``: remove audit rows older than the retention period.

Refuses a date inside ``AUDIT_RETENTION_DAYS`` (at least 184 days, 等保2.0), refuses to purge a broken
chain, and records an anchor (the last removed row's id and hash) so that what remains still verifies.
On PostgreSQL it must run as the owner role (the application role may not delete audit rows), and the
table's trigger itself refuses any row younger than 184 days.
"""

import datetime as dt
import getpass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from portal.audit import audit_record, audit_verify
from portal.models import AuditAnchor, AuditLog


class Command(BaseCommand):
    help = "Remove audit rows older than the retention period (dry run unless --apply)."

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="remove rows written before this date (YYYY-MM-DD)")
        parser.add_argument("--apply", action="store_true", help="really remove them (default: only count)")

    def handle(self, *args, before, apply, **options):
        try:
            day = dt.date.fromisoformat(before)
        except ValueError:
            raise CommandError("--before must be a date YYYY-MM-DD.") from None
        cutoff = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        retention = max(settings.AUDIT_RETENTION_DAYS, 184)
        oldest_allowed = timezone.now() - dt.timedelta(days=retention)
        if cutoff > oldest_allowed:
            raise CommandError(
                f"Refused: audit rows are kept {retention} days; --before may be at most "
                f"{timezone.localdate(oldest_allowed).isoformat()}."
            )
        report = audit_verify()
        if not report.ok:
            raise CommandError("Refused: the audit chain does not verify (run audit_verify); nothing removed.")
        first_young = AuditLog.objects.filter(at__gte=cutoff).order_by("id").values_list("id", flat=True).first()
        rows = AuditLog.objects.all() if first_young is None else AuditLog.objects.filter(id__lt=first_young)
        last = rows.order_by("-id").values("id", "hash").first()
        count = rows.count()
        if not count:
            self.stdout.write("Nothing to remove.")
            return
        if not apply:
            self.stdout.write(f"{count} rows up to id {last['id']} would be removed (dry run; add --apply).")
            return
        try:
            with transaction.atomic():
                AuditAnchor.objects.create(
                    last_id=last["id"], last_hash=last["hash"], purged_rows=count, before=cutoff,
                    operator=getpass.getuser(),
                )  # fmt: skip
                with connection.cursor() as cursor:
                    if connection.vendor == "postgresql":
                        cursor.execute("SET LOCAL portal.audit_purge = 'on'")
                    cursor.execute("DELETE FROM portal_auditlog WHERE id <= %s", [last["id"]])
                audit_record(actor=None, action="portal.audit.purged", data={"rows": count, "last_id": last["id"]})
        except DatabaseError as exc:
            raise CommandError(f"Refused by the database (run as the owner role): {exc}") from None
        self.stdout.write(self.style.SUCCESS(f"Removed {count} rows up to id {last['id']}; anchor recorded."))
