"""``manage.py backup --out DIR``: the database, uploads and private exports, with a manifest.

See :mod:`portal.backup` for the layout and ``docs/operations.md`` for schedule and retention.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from portal.backup import BackupError, databases, runner


class Command(BaseCommand):
    # the checks query the database inside BEGIN IMMEDIATE on SQLite (JSON support), which waits for any
    # writer; a backup must not depend on the portal being idle
    requires_system_checks = []
    help = "Back up the database (pg_dump -Fc or SQLite's online backup), MEDIA_ROOT and LEDGER_EXPORT_ROOT."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path, help="a new, empty directory for this backup")
        parser.add_argument("--database-url", help="back up this database instead of DATABASE_URL")

    def handle(self, *args, out: Path, database_url: str | None, **options):
        try:
            with databases.database(database_url) as alias:
                manifest = runner.backup(out=Path(out), alias=alias)
        except BackupError as error:
            raise CommandError(str(error))
        except DatabaseError as error:
            raise CommandError(f"Database error: {error}")
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            f"{len(manifest['tables'])} tables, {rows} rows; "
            + ", ".join(f"{name} {size} bytes" for name, size in manifest["bytes"].items())
        )
        self.stdout.write(self.style.SUCCESS(f"Backup written to {out} in {manifest['seconds']:.1f} s."))
