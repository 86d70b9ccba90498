"""Two (or twenty) people acting at once: exactly one wins. Needs PostgreSQL (real row locks)."""

import threading

import pytest
from django.db import connection, connections

from issues import actions
from issues.models import Issue, IssueEvent
from portal.exceptions import TransitionNotAllowed
from tests.concurrency import race
from tests.issues.factories import submit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip(
            "并发测试需要 PostgreSQL（SQLite 只有库级写锁，测不出行级竞争）；设置 DATABASE_URL 指向 PostgreSQL 后运行。"
        )


def test_twenty_concurrent_dispatches_exactly_one_wins(people):
    # given one submitted problem and twenty clerks' sessions, each holding its own copy
    issue = submit(people["member"])
    departments = [people["handler"].department, people["other_handler"].department]
    barrier = threading.Barrier(20)
    results: list[str] = []
    lock = threading.Lock()

    def attempt(n):
        try:
            try:
                copy = Issue.objects.get(pk=issue.pk)
                # give the connection back to the pool while waiting, so twenty threads fit a smaller pool
                connections.close_all()
                barrier.wait(timeout=60)
                actions.issue_dispatch(actor=people["clerk"], issue=copy, lead_department=departments[n % 2])
                outcome = "won"
            except TransitionNotAllowed as exc:
                outcome = f"refused: {exc.message}"
            except Exception as exc:  # reported by the assertion below
                outcome = f"error: {exc!r}"
            with lock:
                results.append(outcome)
        finally:
            connections.close_all()

    # when all twenty dispatch at the same moment, each in its own thread and connection
    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then exactly one succeeded, nineteen were told clearly, and one dispatch is recorded
    assert len(results) == 20, results
    assert results.count("won") == 1, results
    assert all("已被他人修改" in r for r in results if r != "won")
    issue.refresh_from_db()
    assert issue.status == "dispatched" and issue.dispatch_count == 1 and issue.version == 1
    assert IssueEvent.objects.filter(issue=issue, action="dispatch").count() == 1


def test_two_sweeps_at_once_record_each_overdue_step_once(people):
    # given five problems whose dispatch deadline passed long ago
    import datetime as dt

    from issues.models import OverdueMark
    from portal.models import Notification
    from tests.issues.factories import at

    for i in range(5):
        submit(people["member"], title=f"问题{i}", now=at("2026-03-02"))
    # when two workers sweep at the same moment
    totals = race(*[lambda: actions.sweep_overdue(today=dt.date(2026, 4, 1))] * 2)
    # then each overdue step is recorded and notified exactly once
    assert sum(totals) == 5 and OverdueMark.objects.count() == 5
    assert IssueEvent.objects.filter(action="overdue").count() == 5
    per_issue = Notification.objects.filter(kind="issues.overdue", recipient=people["clerk"], channel="inbox").count()
    assert per_issue == 5
