"""The three procedures behind ``manage.py backup``, ``restore`` and ``backup_verify``."""

import datetime
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.utils import timezone

from portal.backup import BackupError, databases, files, tables

FORMAT = "portal-backup/1"
MANIFEST = "manifest.json"
logger = logging.getLogger("portal.backup")


@dataclass
class Report:
    """Lines to print, and whether anything differed."""

    lines: list[str] = field(default_factory=list)
    differences: int = 0

    def ok(self, text: str) -> None:
        self.lines.append(f"OK    {text}")

    def differ(self, text: str) -> None:
        self.lines.append(f"DIFF  {text}")
        self.differences += 1


def backup(*, out: Path, alias: str) -> dict:
    """Write a backup of the database and the file roots into the new directory ``out``."""
    started = time.monotonic()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(f"{out} already exists and is not empty; give a new directory for each backup.")
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    previous_umask = os.umask(0o077)  # a backup holds personal data: owner only
    try:
        created_at = timezone.now()
        with databases.dumped(alias, out) as snapshot:
            table_figures = tables.table_fingerprints(snapshot)
            migrations = tables.applied_migrations(snapshot)
        archives = {}
        for root in files.file_roots():  # after the dump: every file the dump refers to is in the copy
            archives[root.name] = {
                "file": root.archive,
                "root": str(root.path),
                "files": files.archive(root, out / root.archive),
            }
        vendor = databases.vendor(alias)
        written = [databases.DUMP_FILES[vendor], *(entry["file"] for entry in archives.values())]
        manifest = {
            "format": FORMAT,
            "created_at": created_at.astimezone(datetime.UTC).isoformat(),
            "seconds": 0.0,
            "django": django.get_version(),
            "database": {"vendor": vendor, "name": databases.describe(alias), "file": databases.DUMP_FILES[vendor]},
            "migrations": migrations,
            "tables": table_figures,
            "archives": archives,
            "sha256": {name: files.sha256_of(out / name) for name in written},
            "bytes": {name: (out / name).stat().st_size for name in written},
        }
        manifest["seconds"] = round(time.monotonic() - started, 2)
        partial = out / f"{MANIFEST}.partial"
        partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        partial.rename(out / MANIFEST)  # the manifest appears last: a directory without one is incomplete
    finally:
        os.umask(previous_umask)
    logger.info("backup written to %s in %.1f s", out, manifest["seconds"])
    return manifest


def read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path} is missing: not a backup, or an incomplete one (the manifest is written last).")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise BackupError(f"{path} is not valid JSON ({error}).")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a {FORMAT} manifest.")
    return manifest


def check_archive_files(directory: Path, manifest: dict) -> Report:
    """Compare every file of the backup with the sha256 the manifest recorded."""
    report = Report()
    for name, digest in sorted(manifest["sha256"].items()):
        path = directory / name
        if not path.is_file():
            report.differ(f"{name}: missing from the backup")
        elif files.sha256_of(path) != digest:
            report.differ(f"{name}: sha256 differs from the manifest (changed or damaged since the backup)")
        else:
            report.ok(f"{name}: sha256 as in the manifest")
    return report


def release_mismatch(manifest: dict) -> str:
    """Why this release cannot check the backup ('' if it can): the checksums cover the columns of the
    models of the release that wrote the backup, so only a release with the same migrations sees the
    same columns."""
    backup = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    code = {(app, name) for app, names in tables.code_migrations().items() for name in names}
    if backup == code:
        return ""
    only_backup = ", ".join(f"{app}.{name}" for app, name in sorted(backup - code)[:3])
    only_code = ", ".join(f"{app}.{name}" for app, name in sorted(code - backup)[:3])
    return (
        "The backup was written by another release of the portal (migrations only in the backup: "
        f"{only_backup or 'none'}; only in this release: {only_code or 'none'}). Install the release that "
        "wrote it, restore and verify with that one, then upgrade as usual (migrate)."
    )


def restore(*, directory: Path, alias: str, force: bool, roots: list | None = None) -> Report:
    """Restore the backup into the (empty) database and file roots, then verify it."""
    manifest = read_manifest(directory)
    checked = check_archive_files(directory, manifest)
    if checked.differences:
        damaged = [line for line in checked.lines if line.startswith("DIFF")]
        raise BackupError("The backup is damaged; nothing was restored.\n" + "\n".join(damaged))
    mismatch = release_mismatch(manifest)
    if mismatch:
        raise BackupError(f"Nothing was restored. {mismatch}")
    vendor = databases.vendor(alias)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"This is a backup of a {manifest['database']['vendor']} database; the target is {vendor}. "
            "Restore it into a database of the same kind."
        )
    roots = roots or files.file_roots()
    _refuse_non_empty(alias, roots, force)
    started = time.monotonic()
    if force:
        databases.clear(alias)
    databases.load(alias, directory / manifest["database"]["file"])
    for root in roots:
        if root.name in manifest["archives"]:
            files.extract(root, directory / manifest["archives"][root.name]["file"])
    report = verify(manifest=manifest, alias=alias, roots=roots)
    report.lines.insert(0, f"restored and verified in {time.monotonic() - started:.1f} s")
    logger.info("backup %s restored into %s, %d differences", directory, databases.describe(alias), report.differences)
    return report


def _refuse_non_empty(alias: str, roots: list, force: bool) -> None:
    if force:
        return
    problems = []
    existing = databases.table_names(alias)
    if existing:
        problems.append(
            f"The database {databases.describe(alias)} already has {len(existing)} tables. Restore into an empty "
            "database: create a new one (PostgreSQL: createdb --owner=portal portal_restored; SQLite: a new "
            "file name), point DATABASE_URL at it or give --database-name / --database-url, and run restore again."
        )
    for root in roots:
        if not files.is_empty(root):
            problems.append(
                f"{root.path} ({root.name}) is not empty. Give empty directories with --media-root / --exports-root "
                "(or DJANGO_MEDIA_ROOT / DJANGO_LEDGER_EXPORT_ROOT), or move the current files away first."
            )
    if problems:
        problems.append("Or pass --force to replace the current data and overwrite the files: that data is lost.")
        raise BackupError("Nothing was restored.\n" + "\n".join(problems))


def verify(*, manifest: dict, alias: str, roots: list | None) -> Report:
    """Recount and re-checksum every table (and every file under ``roots``, unless None) and compare."""
    report = Report()
    mismatch = release_mismatch(manifest)
    if mismatch:
        report.differ(mismatch)
        return report
    with databases.one_snapshot(alias):
        now_tables = tables.table_fingerprints(alias)
        migrations = tables.applied_migrations(alias)
    for name, expected in sorted(manifest["tables"].items()):
        found = now_tables.get(name)
        if found is None:
            report.differ(f"{name}: table missing (backup had {expected['rows']} rows)")
        elif found == expected:
            report.ok(f"{name}: {found['rows']} rows, checksum equal")
        elif found["rows"] != expected["rows"]:
            report.differ(f"{name}: {found['rows']} rows, backup had {expected['rows']}")
        else:
            report.differ(f"{name}: {found['rows']} rows, checksum differs (a row's content changed)")
    for name in sorted(set(now_tables) - set(manifest["tables"])):
        report.differ(f"{name}: table not in the backup ({now_tables[name]['rows']} rows)")
    if migrations == manifest["migrations"]:
        report.ok(f"migrations: {sum(len(names) for names in migrations.values())} applied, as in the backup")
    else:
        report.differ("migrations: the applied migrations differ from the backup's")
    for root in roots or []:
        entry = manifest["archives"].get(root.name)
        if entry is None:
            continue
        found = files.compare(root, entry["files"])
        count = len(entry["files"])
        if found["missing"] or found["changed"]:
            shown = ", ".join((found["missing"] + found["changed"])[:5])
            report.differ(
                f"{root.name} ({root.path}): {len(found['missing'])} missing, {len(found['changed'])} "
                f"changed of {count} files: {shown}"
            )
        else:
            extra = f", {len(found['extra'])} newer files not in the backup" if found["extra"] else ""
            report.ok(f"{root.name} ({root.path}): {count} files byte-identical{extra}")
    return report
