"""Audit rows written at the same moment by many transactions still form one valid chain (PostgreSQL,
real threads: the advisory lock serialises the append)."""

import pytest
from django.db import connection, transaction

from portal.audit import audit_record, audit_verify
from portal.models import AuditLog
from tests.concurrency import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for real concurrent transactions"),
]


def test_twenty_concurrent_writers_keep_one_chain(db):
    def write(n):
        def run():
            with transaction.atomic():
                audit_record(actor=None, action="portal.test.concurrent", data={"n": n, "step": 1})
                audit_record(actor=None, action="portal.test.concurrent", data={"n": n, "step": 2})
            return n

        return run

    outcomes = race(*(write(n) for n in range(20)))
    assert sorted(outcomes) == list(range(20)), outcomes
    assert AuditLog.objects.filter(action="portal.test.concurrent").count() == 40
    report = audit_verify()
    assert report.ok, report.problems
    hashes = list(AuditLog.objects.values_list("prev_hash", flat=True))
    assert len(hashes) == len(set(hashes))  # no two rows link to the same predecessor: no fork
