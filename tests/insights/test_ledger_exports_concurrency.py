"""Two workers claiming the same export job at once: exactly one runs it. Needs PostgreSQL."""

import pytest
from django.db import connection

from insights import actions
from insights.choices import LedgerKind
from insights.models import LedgerExport
from portal.models import AuditLog
from tests.concurrency import race

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

    def claim():
        return "won" if actions.ledger_export_start(job_id=job.pk) is not None else "skipped"

    # when they all claim it in their own threads and connections
    results = [r if isinstance(r, str) else f"error: {r!r}" for r in race(*[claim] * 8)]
    # then one runs it, seven do nothing, and one start is counted and audited
    assert sorted(results) == ["skipped"] * 7 + ["won"], results
    job = LedgerExport.objects.get(pk=job.pk)
    assert job.status == "running" and job.attempts == 1 and job.version == 1
    assert AuditLog.objects.filter(action="insights.ledgerexport.started", target_id=str(job.pk)).count() == 1
