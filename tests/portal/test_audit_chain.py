"""An audit trail nobody inside the application can erase (issue 12, finding 7): rows are hash-chained
and ``audit_verify`` names an edited or a missing row; the purge keeps 184 days and leaves a verifiable
chain; on PostgreSQL the application role cannot TRUNCATE, DELETE, UPDATE or disable the triggers."""

import datetime as dt
import io
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from portal.audit import GENESIS, audit_record, audit_verify
from portal.checks import audit_role_warnings
from portal.models import AuditAnchor, AuditLog

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="roles and triggers: PostgreSQL")


@pytest.fixture
def rows(clerk, enterprise):
    return [
        audit_record(actor=clerk, action="portal.enterprise.viewed", target=enterprise, data={"n": n, "x": 1.5})
        for n in range(5)
    ]


def raw(sql, params=()):
    """Run SQL behind the application's back (on PostgreSQL with the append-only trigger switched off, as
    only the table owner or a superuser could)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # superuser only: triggers off
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def verify():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
    except CommandError as exc:
        return False, err.getvalue() + str(exc)
    return True, out.getvalue()


def test_each_row_links_to_the_one_before(rows):
    assert rows[0].prev_hash == GENESIS or AuditLog.objects.filter(id__lt=rows[0].pk).exists()
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.hash and len(after.hash) == 64
    ok, out = verify()
    assert ok and f"{AuditLog.objects.count()} rows checked" in out


def test_an_edited_row_is_named(rows):
    # when someone edits one row's content with raw SQL, bypassing the triggers
    raw("UPDATE portal_auditlog SET target_repr = 'forged' WHERE id = %s", [rows[2].pk])
    # then the verification fails and names that row
    ok, message = verify()
    assert not ok
    assert f"row {rows[2].pk}: its content does not match its hash" in message
    assert f"row {rows[3].pk}" not in message


def test_an_edited_row_with_a_recomputed_hash_breaks_the_next_link(rows):
    raw("UPDATE portal_auditlog SET hash = %s WHERE id = %s", ["f" * 64, rows[1].pk])
    ok, message = verify()
    assert not ok and f"row {rows[2].pk}: does not follow the row before it" in message


def test_a_removed_row_is_detected(rows):
    raw("DELETE FROM portal_auditlog WHERE id = %s", [rows[2].pk])
    ok, message = verify()
    assert not ok and f"row {rows[3].pk}: does not follow the row before it: a row after row {rows[1].pk}" in message


def test_removing_the_oldest_rows_is_detected(rows):
    raw("DELETE FROM portal_auditlog WHERE id <= %s", [rows[1].pk])
    ok, message = verify()
    assert not ok and f"row {rows[2].pk}" in message


def test_the_purge_refuses_rows_younger_than_184_days(rows):
    too_recent = (timezone.localdate() - dt.timedelta(days=100)).isoformat()
    with pytest.raises(CommandError, match="kept 184 days"):
        call_command("audit_purge", "--before", too_recent, "--apply")
    assert AuditLog.objects.count() >= 5


def test_the_purge_removes_old_rows_and_the_rest_still_verifies(rows):
    # given the first three rows written 200 days ago
    old = timezone.now() - dt.timedelta(days=200)
    raw(
        "UPDATE portal_auditlog SET at = %s WHERE id <= %s", [connection.ops.adapt_datetimefield_value(old), rows[2].pk]
    )
    # (rehash them as if they had been written then)
    _rehash_all()
    assert verify()[0]
    # when the purge removes rows older than 190 days
    cutoff = (timezone.localdate() - dt.timedelta(days=190)).isoformat()
    call_command("audit_purge", "--before", cutoff, "--apply", stdout=io.StringIO())
    # then they are gone, an anchor holds the last one's hash, and the chain still verifies
    assert not AuditLog.objects.filter(id__lte=rows[2].pk).exists()
    anchor = AuditAnchor.objects.get()
    assert anchor.last_id == rows[2].pk and anchor.purged_rows >= 3
    assert AuditLog.objects.filter(action="portal.audit.purged").exists()
    ok, out = verify()
    assert ok and f"anchor ≤ {rows[2].pk}" in out


def _rehash_all():
    from portal.audit import row_hash

    prev = GENESIS
    for row in AuditLog.objects.order_by("id"):
        new = row_hash(
            prev_hash=prev, actor_id=row.actor_id, action=row.action, target_type=row.target_type,
            target_id=row.target_id, target_repr=row.target_repr, at=row.at, ip=row.ip, data=row.data,
        )  # fmt: skip
        raw("UPDATE portal_auditlog SET prev_hash = %s, hash = %s WHERE id = %s", [prev, new, row.pk])
        prev = new


def test_retention_below_184_days_is_a_configuration_error(settings):
    from portal.checks import audit_retention_check

    settings.AUDIT_RETENTION_DAYS = 90
    assert [e.id for e in audit_retention_check(None)] == ["portal.E001"]
    settings.AUDIT_RETENTION_DAYS = 184
    assert audit_retention_check(None) == []


@postgres_only
def test_truncate_is_refused_by_a_trigger_for_any_non_superuser(rows):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # (this test's own inserts: no pending checks)
        cursor.execute("CREATE ROLE sec_auth_test_owner NOLOGIN")
        cursor.execute("ALTER TABLE portal_auditlog OWNER TO sec_auth_test_owner")
        cursor.execute("SET ROLE sec_auth_test_owner")
        with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic():
            cursor.execute("TRUNCATE portal_auditlog CASCADE")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("DELETE FROM portal_auditlog")
        cursor.execute("RESET ROLE")
    assert AuditLog.objects.count() == 5 + AuditLog.objects.filter(id__lt=rows[0].pk).count()


@postgres_only
def test_the_application_role_cannot_erase_or_unprotect_the_audit_trail(rows):
    """db_roles applied inside this test's transaction (rolled back with it): the app role may append
    audit rows and nothing else."""
    # given the owner and application roles separated by db_roles
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # (this test's own inserts: no pending checks)
    call_command("db_roles", "--owner", "sec_auth_t_owner", "--app", "sec_auth_t_app", "--apply", stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SET ROLE sec_auth_t_app")
        assert audit_role_warnings(connection) == []  # the start-up check is content
        # when the application role tries to erase or unprotect the trail
        attempts = {
            "truncate": "TRUNCATE portal_auditlog CASCADE",
            "delete": "DELETE FROM portal_auditlog",
            "update": "UPDATE portal_auditlog SET action = 'x'",
            "disable trigger": "ALTER TABLE portal_auditlog DISABLE TRIGGER ALL",
            "drop trigger": "DROP TRIGGER portal_auditlog_append_only ON portal_auditlog",
            "replace function": "CREATE OR REPLACE FUNCTION portal_auditlog_append_only() RETURNS trigger "
            "AS $$ BEGIN RETURN OLD; END; $$ LANGUAGE plpgsql",
            "drop table": "DROP TABLE portal_auditlog CASCADE",
            "forge anchor": "INSERT INTO portal_auditanchor (last_id, last_hash, purged_rows, before, created_at, "
            "operator) VALUES (1, 'x', 1, now(), now(), 'x')",
            "replica mode": "SET session_replication_role = replica",
        }
        refused = []
        for name, sql in attempts.items():
            try:
                with transaction.atomic():
                    cursor.execute(sql)
            except DatabaseError:
                refused.append(name)
        # then every attempt was refused, and appending still works
        assert refused == list(attempts)
        row = audit_record(actor=None, action="portal.test.appended")
        assert row.prev_hash == rows[-1].hash
        cursor.execute("RESET ROLE")
        # the owner role and a superuser are warned about at start-up
        cursor.execute("SET ROLE sec_auth_t_owner")
        assert [w.id for w in audit_role_warnings(connection)] == ["portal.W002"]
        cursor.execute("RESET ROLE")
    assert [w.id for w in audit_role_warnings(connection)] == ["portal.W001"]
    assert audit_verify().ok


def test_db_roles_refuses_sqlite_and_odd_names():
    if connection.vendor == "postgresql":
        with pytest.raises(CommandError, match="plain role name"):
            call_command("db_roles", "--owner", "x; DROP TABLE y", "--app", "app")
    else:
        with pytest.raises(CommandError, match="PostgreSQL"):
            call_command("db_roles", "--owner", "owner", "--app", "app")


@postgres_only
def test_the_start_up_check_warns_when_the_app_connects_as_a_superuser():
    # the test database is reached as the superuser "postgres": exactly the mistake the check reports
    out, err = io.StringIO(), io.StringIO()
    call_command("check", "--database", "default", stdout=out, stderr=err)
    assert "portal.W001" in err.getvalue() + out.getvalue()


@postgres_only
def test_the_trigger_lets_the_purge_remove_only_rows_older_than_184_days(rows):
    with connection.cursor() as cursor:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("SET LOCAL portal.audit_purge = 'on'")
            cursor.execute("DELETE FROM portal_auditlog WHERE id = %s", [rows[0].pk])
    assert AuditLog.objects.filter(pk=rows[0].pk).exists()
