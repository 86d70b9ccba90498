"""Ledgers and rankings count a problem past its deadline as late even when the overdue sweep never ran:
the ledger's 当前超期/曾超期 columns, its page and the 曾超期 drill-down derive it from the deadlines."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from insights import exports, rankings, selectors
from issues.models import Issue, OverdueMark
from tests.issues.factories import issue_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(member, clerk, handler):
    """A problem dispatched and accepted 60 days ago whose reply is late (no sweep has run), and one
    dispatched the same day that was answered on time."""
    roles = {"member": member, "clerk": clerk, "handler": handler}
    long_ago = timezone.now() - dt.timedelta(days=60)
    late = issue_in("accepted", **roles, now=long_ago, title="迟迟未答复")
    answered = issue_in("replied", **roles, now=long_ago, title="按时答复")
    Issue.objects.filter(pk=answered.pk).update(followup_due=timezone.localdate() + dt.timedelta(days=5))
    assert not OverdueMark.objects.exists() and not Issue.objects.filter(ever_overdue=True).exists()
    period = rankings.parse_period(f"{timezone.localdate(long_ago):%Y-%m}")
    return late, answered, period


def test_ledger_rows_say_overdue_without_the_sweep(clerk, two):
    late, answered, period = two
    qs = selectors.issue_ledger(user=clerk, period=period)
    header = [str(h) for h in exports.ISSUE_HEADER]
    now_col, ever_col = header.index("当前超期"), header.index("曾超期")
    rows = {row[0]: row for row in exports.issue_rows(qs)}
    assert (rows[late.reference][now_col], rows[late.reference][ever_col]) == (True, True)
    assert (rows[answered.reference][now_col], rows[answered.reference][ever_col]) == (False, False)


def test_ever_overdue_drilldown_and_ledger_page_count_the_late_problem(client_for, clerk, two):
    late, _answered, period = two
    # the 曾超期 figure's problems: the late one, though nothing recorded ever_overdue
    drilled = rankings.drilldown(period=period, by="department", key=late.lead_department_id, metric="overdue")
    assert list(drilled) == [late]
    ledger = selectors.issue_ledger(user=clerk, period=period, metric="overdue")
    assert list(ledger) == [late]
    # and the ledger page marks it
    page = client_for(clerk).get(reverse("insights:ledger"), {"period": period.label}).content.decode()
    assert 'data-overdue="reply"' in page and page.count("data-overdue=") == 1
