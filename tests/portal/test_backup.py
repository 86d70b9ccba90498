"""Backups that restore: ``manage.py backup``, ``restore`` and ``backup_verify`` on the database under test.

On SQLite the backup is restored into a new database file; on PostgreSQL into a second database that the
test creates and drops. Either way the round trip must give the same rows (counts and per-table checksums)
and byte-identical uploads and exports, and any change to the backup or the restored data must be found.
"""

import hashlib
import io
import json
import sqlite3
import subprocess
import threading

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection, connections

from insights.choices import LedgerExportStatus, LedgerKind
from insights.models import LedgerExport
from issues.models import Issue, IssueAttachment
from portal.backup import databases, files, tables
from tests import dbtemplate
from tests.issues.conftest import ensure_issue_configuration
from tests.issues.factories import issue_in
from tests.policies.factories import ConditionFactory
from tests.services.factories import BundleFactory, BundleItemFactory, ServiceMaterialFactory

pytestmark = pytest.mark.django_db(transaction=True)

UPLOAD = bytes(range(256)) * 40 + "营业执照扫描件".encode()
EXPORT = b"PK\x03\x04 not really a workbook, but bytes that must come back unchanged \x00\xff"


@pytest.fixture
def roots(settings, tmp_path):
    """Uploads and exports in two separate directories (the exports outside MEDIA_ROOT)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LEDGER_EXPORT_ROOT = tmp_path / "private" / "exports"
    return settings


@pytest.fixture
def data(roots, member, clerk, handler, supervisor):
    """A few rows in every app, one uploaded attachment and one finished ledger export."""
    ensure_issue_configuration()
    issue = issue_in("closed", member=member, clerk=clerk, handler=handler, supervisor=supervisor)
    attachment = IssueAttachment(
        issue=issue,
        original_name="营业执照.pdf",
        content_type="application/pdf",
        size=len(UPLOAD),
        sha256=hashlib.sha256(UPLOAD).hexdigest(),
        uploaded_by=member,
    )
    attachment.file.save("licence.pdf", ContentFile(UPLOAD), save=True)
    export = LedgerExport(
        ledger=LedgerKind.ISSUES,
        requested_by=clerk,
        filters={"period": "2026-03", "区县": ["吴兴区", "德清县"]},
        period_label="2026年3月",
        description="全部问题",
        status=LedgerExportStatus.DONE,
        row_count=1,
    )
    export.file.save("ledger.xlsx", ContentFile(EXPORT), save=True)
    BundleItemFactory(bundle=BundleFactory(), service=ServiceMaterialFactory().item)
    ConditionFactory()
    return {"attachment": attachment, "export": export}


@pytest.fixture
def target_url(tmp_path):
    """An empty second database: a new SQLite file, or a PostgreSQL database created and dropped here."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    settings_dict = connection.settings_dict
    name = f"{settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield dbtemplate.database_url(settings_dict, name)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _backup(tmp_path) -> tuple:
    out = tmp_path / "backup"
    call_command("backup", out=str(out), stdout=io.StringIO())
    return out, json.loads((out / "manifest.json").read_text())


def _move_roots(settings, tmp_path):
    """Point MEDIA_ROOT and LEDGER_EXPORT_ROOT at new, empty directories, as on a fresh host."""
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    settings.LEDGER_EXPORT_ROOT = tmp_path / "restored-exports"


def _restore(directory, url, **options) -> str:
    stdout = io.StringIO()
    call_command("restore", str(directory), database_url=url, stdout=stdout, **options)
    return stdout.getvalue()


def test_round_trip_gives_the_same_rows_and_byte_identical_files(data, roots, tmp_path, target_url):
    # given a backup of generated data in several apps, with one upload and one export
    out, manifest = _backup(tmp_path)
    for table in ("issues_issue", "issues_issueattachment", "insights_ledgerexport", "services_bundleitem"):
        assert manifest["tables"][table]["rows"] == 1
    assert manifest["tables"]["policies_condition"]["rows"] == 1
    assert len([t for t in manifest["tables"].values() if t["rows"]]) >= 15
    assert set(manifest["sha256"]) == {databases.DUMP_FILES[connection.vendor], "media.tar", "exports.tar"}
    assert list(manifest["archives"]["media"]["files"]) == [data["attachment"].file.name]
    assert list(manifest["archives"]["exports"]["files"]) == [data["export"].file.name]

    # when it is restored into an empty database and empty scratch directories, as in a restore drill
    media, exports = tmp_path / "drill" / "media", tmp_path / "drill" / "exports"
    output = _restore(out, target_url, media_root=media, exports_root=exports)

    # then every table has the same rows and checksum, and the files are byte-identical
    assert "DIFF" not in output and "every table and file matches" in output
    with databases.database(target_url) as alias:
        assert tables.table_fingerprints(alias) == manifest["tables"]
        assert tables.applied_migrations(alias) == manifest["migrations"]
        assert Issue.objects.using(alias).get().title == Issue.objects.get().title
    assert (media / data["attachment"].file.name).read_bytes() == UPLOAD
    assert (exports / data["export"].file.name).read_bytes() == EXPORT


def test_checksums_see_one_changed_value(data):
    # given the fingerprint of the problems table
    before = tables.fingerprint(Issue, "default")

    # when one row's text changes by one character, then back
    Issue.objects.update(title="储能集装箱消防验收无人受理。")
    changed = tables.fingerprint(Issue, "default")
    Issue.objects.update(title="储能集装箱消防验收无人受理")

    # then the count stays, the checksum differs, and returns when the value does
    assert changed["rows"] == before["rows"] and changed["sha256"] != before["sha256"]
    assert tables.fingerprint(Issue, "default") == before


def test_a_changed_archive_file_is_refused_before_anything_is_restored(data, roots, tmp_path, target_url):
    # given a backup whose exports archive changed afterwards
    out, _ = _backup(tmp_path)
    with open(out / "exports.tar", "r+b") as archive:
        archive.seek(1024)
        archive.write(b"X")
    _move_roots(roots, tmp_path)

    # then backup_verify --backup-only names the file
    stdout = io.StringIO()
    with pytest.raises(CommandError, match="1 differences"):
        call_command("backup_verify", str(out), backup_only=True, stdout=stdout)
    assert "DIFF  exports.tar: sha256 differs" in stdout.getvalue() and "OK    media.tar" in stdout.getvalue()

    # when it is restored, then it is refused and the target stays empty
    with pytest.raises(CommandError, match=r"damaged; nothing was restored\.\nDIFF  exports\.tar: sha256 differs"):
        _restore(out, target_url)
    with databases.database(target_url) as alias:
        assert databases.table_names(alias) == []
    assert files.is_empty(files.file_roots()[0])


def test_a_row_changed_inside_the_backup_is_found_by_the_table_checksum(data, roots, tmp_path, target_url):
    # given a backup in which one row was changed and the file's sha256 in the manifest forged to match
    out, manifest = _backup(tmp_path)
    dump = out / databases.DUMP_FILES[connection.vendor]
    _change_one_title(dump, target_url)
    manifest["sha256"][dump.name] = files.sha256_of(dump)
    (out / "manifest.json").write_text(json.dumps(manifest))
    _move_roots(roots, tmp_path)

    # when it is restored, then the verification names the table and the command fails
    with pytest.raises(CommandError, match="Restored, but 1 differences"):
        output = io.StringIO()
        call_command("restore", str(out), database_url=target_url, stdout=output)
    assert "DIFF  issues_issue: 1 rows, checksum differs" in output.getvalue()
    assert "OK    issues_issueevent:" in output.getvalue()


def _change_one_title(dump, scratch_url):
    """Edit one row inside the dump: in the SQLite copy directly; a PostgreSQL dump is loaded into the
    (empty) scratch database, edited there, dumped again over the original and the scratch emptied."""
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(dump)
        with copy:
            copy.execute("UPDATE issues_issue SET title = title || '!'")
        copy.close()
        return
    with databases.database(scratch_url) as alias:
        databases.load(alias, dump)
        Issue.objects.using(alias).update(title="储能集装箱消防验收无人受理!")
        databases._run_pg(alias, "pg_dump", "--format=custom", f"--file={dump}")
        databases.clear(alias)


def test_backup_verify_finds_a_changed_row_and_a_changed_file_after_a_restore(data, roots, tmp_path, target_url):
    # given a good restore
    out, _ = _backup(tmp_path)
    _move_roots(roots, tmp_path)
    _restore(out, target_url)
    stdout = io.StringIO()
    call_command("backup_verify", str(out), database_url=target_url, stdout=stdout)
    assert "DIFF" not in stdout.getvalue()

    # when one row and one upload change in the restored copy
    with databases.database(target_url) as alias:
        Issue.objects.using(alias).update(title="改过的标题")
    (roots.MEDIA_ROOT / data["attachment"].file.name).write_bytes(UPLOAD[:-1] + b"?")

    # then backup_verify reports both and exits non-zero
    stdout = io.StringIO()
    with pytest.raises(CommandError, match="2 differences"):
        call_command("backup_verify", str(out), database_url=target_url, stdout=stdout)
    lines = stdout.getvalue().splitlines()
    assert "DIFF  issues_issue: 1 rows, checksum differs (a row's content changed)" in lines
    assert any(line.startswith("DIFF  media (") and "0 missing, 1 changed of 1 files" in line for line in lines)


def test_restore_over_a_non_empty_database_is_refused_and_changes_nothing(data, roots, tmp_path):
    # given a backup, and the database under test, which has data
    out, _ = _backup(tmp_path)
    before = tables.table_fingerprints("default")

    # when the backup is restored into it, then that is refused with what to do instead
    with pytest.raises(CommandError) as refused:
        _restore(out, None)
    message = str(refused.value)
    assert message.startswith("Nothing was restored.\nThe database ")
    assert "already has" in message and "create a new one" in message and "--force" in message
    assert "(media) is not empty" in message and "(exports) is not empty" in message
    assert tables.table_fingerprints("default") == before


def test_restore_with_force_replaces_a_non_empty_database(data, roots, tmp_path, target_url):
    # given a backup already restored once into the target, whose data then changed
    out, manifest = _backup(tmp_path)
    _move_roots(roots, tmp_path)
    _restore(out, target_url)
    with databases.database(target_url) as alias:
        Issue.objects.using(alias).update(title="改过的标题")

    # when it is restored again with --force, then the target equals the backup again
    output = _restore(out, target_url, force=True)
    assert "DIFF" not in output
    with databases.database(target_url) as alias:
        assert tables.table_fingerprints(alias) == manifest["tables"]


def test_backup_refuses_a_directory_that_is_not_empty(roots, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "manifest.json").write_text("{}")
    with pytest.raises(CommandError, match="already exists and is not empty"):
        call_command("backup", out=str(tmp_path / "old"), stdout=io.StringIO())


def test_exports_inside_media_root_are_archived_once(settings, tmp_path):
    # given the default layout: exports in a folder of MEDIA_ROOT
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LEDGER_EXPORT_ROOT = tmp_path / "media" / "ledger-exports"
    (settings.LEDGER_EXPORT_ROOT / "2026").mkdir(parents=True)
    (settings.LEDGER_EXPORT_ROOT / "2026" / "a.xlsx").write_bytes(EXPORT)
    (settings.MEDIA_ROOT / "issues").mkdir()
    (settings.MEDIA_ROOT / "issues" / "b.pdf").write_bytes(UPLOAD)

    # then each file is in exactly one archive's listing
    media, exports = files.file_roots()
    assert [relative for relative, _ in files.walk(media)] == ["issues/b.pdf"]
    assert [relative for relative, _ in files.walk(exports)] == ["2026/a.xlsx"]


def test_a_backup_of_another_release_is_refused_before_anything_is_restored(data, roots, tmp_path, target_url):
    # given a backup written by a later release (one migration this code does not have)
    out, manifest = _backup(tmp_path)
    manifest["migrations"]["portal"].append("9999_from_a_later_release")
    (out / "manifest.json").write_text(json.dumps(manifest))
    _move_roots(roots, tmp_path)

    # when it is restored, then the refusal says which release to use, and the target stays empty
    with pytest.raises(CommandError, match=r"only in the backup: portal\.9999_from_a_later_release; only in this"):
        _restore(out, target_url)
    with databases.database(target_url) as alias:
        assert databases.table_names(alias) == []


def test_restore_of_a_directory_without_manifest_says_so(tmp_path):
    with pytest.raises(CommandError, match=r"manifest\.json is missing: not a backup"):
        _restore(tmp_path, None)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore belong to PostgreSQL")
def test_postgresql_backup_is_a_custom_format_dump_made_by_the_servers_pg_dump(data, roots, tmp_path, target_url):
    # given a backup of the PostgreSQL database under test
    out, manifest = _backup(tmp_path)

    # then pg_dump's major version is the server's, and pg_restore reads the dump's table of contents
    version = subprocess.run(["pg_dump", "--version"], capture_output=True, text=True, check=True).stdout
    assert int(version.split()[2].split(".")[0]) == connection.pg_version // 10000
    listing = subprocess.run(
        ["pg_restore", "--list", out / "database.dump"], capture_output=True, text=True, check=True
    )
    assert "TABLE DATA public issues_issue" in listing.stdout
    assert manifest["database"] == {
        "vendor": "postgresql",
        "name": connection.settings_dict["NAME"],
        "file": "database.dump",
    }

    # and it restores by database name on the same server, as the restore drill does
    output = _restore(
        out, None, database_name=target_url.rsplit("/", 1)[1], media_root=tmp_path / "m", exports_root=tmp_path / "e"
    )
    assert "DIFF" not in output


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the shared snapshot is PostgreSQL's")
def test_postgresql_dump_and_manifest_describe_the_same_instant_while_the_portal_writes(
    data, roots, tmp_path, target_url, monkeypatch
):
    # given a write that another session commits after the checksums' snapshot began, before pg_dump runs
    run_pg = databases._run_pg

    def write_then_run(alias, program, *arguments, **kwargs):
        if program == "pg_dump":
            writer = threading.Thread(target=_rename_every_issue)
            writer.start()
            writer.join()
        return run_pg(alias, program, *arguments, **kwargs)

    monkeypatch.setattr(databases, "_run_pg", write_then_run)
    out, _ = _backup(tmp_path)
    assert Issue.objects.get().title == "并发写入"

    # when the backup is restored, then dump and manifest agree (neither holds the late write)
    _move_roots(roots, tmp_path)
    assert "DIFF" not in _restore(out, target_url)
    with databases.database(target_url) as alias:
        assert Issue.objects.using(alias).get().title != "并发写入"


def _rename_every_issue():
    try:
        Issue.objects.update(title="并发写入")
    finally:
        connections.close_all()
