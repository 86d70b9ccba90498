"""``manage.py restore DIR``: put a backup back into an empty database and empty file roots, then verify.

Stop the web and worker services first. The restore refuses a database that has tables, or file roots
that hold files, unless ``--force`` (which deletes what is there).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from portal.backup import BackupError, databases, files, runner


class Command(BaseCommand):
    help = "Restore a backup written by 'manage.py backup' into an empty database, then verify it."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="the backup directory (with manifest.json)")
        parser.add_argument("--database-url", help="restore into this database instead of DATABASE_URL")
        parser.add_argument(
            "--database-name", help="restore into this database on DATABASE_URL's PostgreSQL server (same credentials)"
        )
        parser.add_argument("--media-root", type=Path, help="restore uploads here instead of MEDIA_ROOT")
        parser.add_argument("--exports-root", type=Path, help="restore exports here instead of LEDGER_EXPORT_ROOT")
        parser.add_argument(
            "--force", action="store_true", help="replace a non-empty database and overwrite files (data is lost)"
        )

    def handle(self, *args, directory, database_url, database_name, force, media_root, exports_root, **options):
        roots = files.file_roots(media=media_root, exports=exports_root)
        try:
            with databases.database(database_url, name=database_name) as alias:
                report = runner.restore(directory=Path(directory), alias=alias, force=force, roots=roots)
        except BackupError as error:
            raise CommandError(str(error))
        except DatabaseError as error:
            raise CommandError(f"Database error: {error}")
        for line in report.lines:
            self.stdout.write(line)
        if report.differences:
            raise CommandError(f"Restored, but {report.differences} differences from the backup (DIFF lines above).")
        self.stdout.write(self.style.SUCCESS(f"Restored {directory}; every table and file matches the manifest."))
