"""tests/flush.py: on PostgreSQL the tables are emptied with DELETE between transactional tests, the audit
log (whose triggers refuse deletes and TRUNCATE by others than a superuser) included."""

import pytest
from django.core.management.color import no_style
from django.db import connection

from portal.audit import audit_record
from tests.portal.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's flush only")


def rows_left() -> dict[str, int]:
    left = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True, include_views=False):
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (Django's own table names)
            if count := cursor.fetchone()[0]:
                left[table] = count
    return left


@pytest.mark.django_db(transaction=True)
def test_the_flush_between_transactional_tests_empties_every_table_audit_log_included():
    # given rows in many tables, the append-only audit log among them
    user = UserFactory()
    EnterpriseFactory()
    audit_record(actor=user, action="test.flush", target=user)
    assert {"portal_auditlog", "portal_enterprise"} <= set(rows_left())
    # when Django's flush statements run (as between two transactional tests)
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    statements = connection.ops.sql_flush(no_style(), tables)
    connection.ops.execute_sql_flush(statements)
    # then they were deletes with triggers off for that transaction only, and every table is empty
    assert statements[0] == "SET LOCAL session_replication_role = replica"
    assert all(s.startswith("DELETE FROM ") for s in statements[1:]) and len(statements) == len(tables) + 1
    assert rows_left() == {}
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
