"""Two workers claiming the same export job at once: exactly one runs it. Needs PostgreSQL."""

import threading

import pytest
from django.db import connection, connections

from insights import actions
from insights.choices import LedgerKind
from insights.models import LedgerExport
from portal.models import AuditLog

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions")


def test_eight_workers_claim_one_job_and_exactly_one_wins(clerk):
    # given a queued export and eight workers that got its task at once (the row is made directly:
    # through the action, the committed request would already run the task in sync mode)
    job = LedgerExport.objects.create(
        ledger=LedgerKind.ISSUES, requested_by=clerk, filters={"period": "2026-03"}, period_label="2026-03"
    )
    barrier = threading.Barrier(8)
    results: list[str] = []
    lock = threading.Lock()

    def claim():
        try:
            connections.close_all()
            barrier.wait(timeout=60)
            try:
                outcome = "won" if actions.ledger_export_start(job_id=job.pk) is not None else "skipped"
            except Exception as exc:  # reported by the assertion below
                outcome = f"error: {exc!r}"
            with lock:
                results.append(outcome)
        finally:
            connections.close_all()

    # when they all claim it in their own threads and connections
    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then one runs it, seven do nothing, and one start is counted and audited
    assert sorted(results) == ["skipped"] * 7 + ["won"], results
    job = LedgerExport.objects.get(pk=job.pk)
    assert job.status == "running" and job.attempts == 1 and job.version == 1
    assert AuditLog.objects.filter(action="insights.ledgerexport.started", target_id=str(job.pk)).count() == 1
