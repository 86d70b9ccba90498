"""``manage.py backup_verify DIR``: compare a database and the file roots with a backup's manifest.

Checks the sha256 of the backup's own files, recounts and re-checksums every table, compares the
migration state and every archived file, prints one line per item and exits non-zero on any difference.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from portal.backup import BackupError, databases, files, runner


class Command(BaseCommand):
    help = "Verify a database (and MEDIA_ROOT, LEDGER_EXPORT_ROOT) against a backup's manifest."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="the backup directory (with manifest.json)")
        parser.add_argument("--database-url", help="verify this database instead of DATABASE_URL")
        parser.add_argument(
            "--database-name", help="verify this database on DATABASE_URL's PostgreSQL server (same credentials)"
        )
        parser.add_argument("--media-root", type=Path, help="compare uploads here instead of MEDIA_ROOT")
        parser.add_argument("--exports-root", type=Path, help="compare exports here instead of LEDGER_EXPORT_ROOT")
        parser.add_argument(
            "--backup-only", action="store_true", help="only check the backup's own files against its manifest"
        )
        parser.add_argument("--skip-files", action="store_true", help="do not compare MEDIA_ROOT and exports")

    def handle(self, *args, directory, database_url, database_name, skip_files, backup_only, **options):
        roots = None if skip_files else files.file_roots(media=options["media_root"], exports=options["exports_root"])
        try:
            manifest = runner.read_manifest(Path(directory))
            report = runner.check_archive_files(Path(directory), manifest)
            if backup_only:
                checked = runner.Report()
            else:
                with databases.database(database_url, name=database_name) as alias:
                    checked = runner.verify(manifest=manifest, alias=alias, roots=roots)
        except BackupError as error:
            raise CommandError(str(error))
        except DatabaseError as error:
            raise CommandError(f"Database error: {error}")
        report.lines += checked.lines
        report.differences += checked.differences
        for line in report.lines:
            self.stdout.write(line)
        if report.differences:
            raise CommandError(f"{report.differences} differences from the backup (DIFF lines above).")
        self.stdout.write(self.style.SUCCESS(f"Everything matches the backup of {manifest['created_at']}."))
