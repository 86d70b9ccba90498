"""Issue 11: fair ranks — shared ranks, a minimum sample, the last-place flag over two periods, the
default period, one calendar."""

import datetime as dt
import inspect

import pytest

from insights import rankings
from insights.rankings import Row, _last_place, _rank, parse_period, ranking
from issues.models import IssueSettings
from tests.insights.factories import at, drive, submit

pytestmark = pytest.mark.django_db


def _row(key, received, score_parts):
    """A row whose score is set by its counts: ``score_parts`` = closed problems (closure 20 × rate)."""
    return Row(key=key, name=str(key), received=received, closed=score_parts)


def test_equal_scores_share_a_rank_and_the_next_rank_skips():
    rows = {1: _row(1, 10, 10), 2: _row(2, 10, 5), 3: _row(3, 20, 10), 4: _row(4, 10, 2)}
    # scores: 1 → 20, 2 → 10, 3 → 10, 4 → 4
    ranked = _rank(rows, 5)
    assert [(row.key, row.rank) for row in ranked] == [(1, 1), (3, 2), (2, 2), (4, 4)]
    assert _last_place(ranked) == {4}


def test_a_department_below_the_minimum_is_listed_but_not_ranked():
    rows = {1: _row(1, 4, 4), 2: _row(2, 5, 1), 3: _row(3, 0, 0)}
    ranked = _rank(rows, 5)
    assert [row.key for row in ranked] == [2]
    assert rows[1].rank is None and rows[1].insufficient_sample and rows[1].score == 20
    assert not rows[3].insufficient_sample


def test_nobody_is_last_when_all_share_the_first_rank():
    rows = {1: _row(1, 5, 5), 2: _row(2, 5, 5)}
    assert _last_place(_rank(rows, 5)) == set()


def _problems(n, *, handler, people, day, status="closed"):
    for number in range(n):
        issue = submit(people["member"], title=f"问题{number}", now=at(day, 9 + number % 8))
        drive(issue, status, handler=handler, now=at(day, 9 + number % 8), **people)


@pytest.fixture
def crew(member, clerk, supervisor):
    return {"member": member, "clerk": clerk, "supervisor": supervisor}


def test_minimum_sample_and_last_place_over_two_periods(crew, handler, other_handler, department):
    # given in February and March: the handler's department closes 5 problems; the other department
    # has 5 it never signs for (last); a third department has 2 problems only
    from tests.portal.factories import DepartmentFactory, StaffFactory

    third = StaffFactory(username="third", role="handler", department=DepartmentFactory(region=department.region))
    for day in ("2026-02-10", "2026-03-10"):
        _problems(5, handler=handler, people=crew, day=day)
        _problems(5, handler=other_handler, people=crew, day=day, status="dispatched")
        _problems(2, handler=third, people=crew, day=day, status="dispatched")
    # when March is ranked with the default minimum of 5
    result = ranking(period=parse_period("2026-03"))
    rows = {row.key: row for row in result.rows}
    # then the third department is listed with its figures, unranked, and never last
    thin = rows[third.department_id]
    assert thin.rank is None and thin.insufficient_sample and thin.received == 2 and thin.score == 0
    assert [row.key for row in result.ranked] == [handler.department_id, other_handler.department_id]
    # and the other department is last in both periods
    assert rows[other_handler.department_id].last_twice and not rows[handler.department_id].last_twice
    assert result.rows[-1].key == third.department_id
    # when the minimum is raised to 6, nobody is ranked and nobody is flagged
    IssueSettings.objects.create(ranking_min_sample=6)
    result = ranking(period=parse_period("2026-03"))
    assert result.ranked == [] and not any(row.last_twice for row in result.rows)
    assert all(row.insufficient_sample for row in result.rows)


def test_last_place_needs_both_periods(crew, handler, other_handler):
    # given the other department last in March only (February: it did better)
    _problems(5, handler=handler, people=crew, day="2026-02-10", status="dispatched")
    _problems(5, handler=other_handler, people=crew, day="2026-02-10")
    _problems(5, handler=handler, people=crew, day="2026-03-10")
    _problems(5, handler=other_handler, people=crew, day="2026-03-10", status="dispatched")
    result = ranking(period=parse_period("2026-03"))
    assert not any(row.last_twice for row in result.rows)


def test_the_public_and_staff_pages_show_the_flag_and_the_note(client_for, client, crew, handler, other_handler):
    for day in ("2026-02-10", "2026-03-10"):
        _problems(5, handler=handler, people=crew, day=day)
        _problems(5, handler=other_handler, people=crew, day=day, status="dispatched")
    IssueSettings.objects.create(ranking_min_sample=5)
    public = client.get("/insights/rankings/?period=2026-03").content.decode()
    staff = client_for(crew["supervisor"]).get("/insights/rankings/staff/?period=2026-03").content.decode()
    for page in (public, staff):
        assert page.count('data-testid="last-twice"') == 1


def test_the_default_period_is_the_last_complete_month():
    assert parse_period("", today=dt.date(2026, 12, 2)).label == "2026-11"
    assert parse_period(None, today=dt.date(2026, 1, 31)).label == "2025-12"


def test_rankings_use_only_the_public_calendar():
    source = inspect.getsource(rankings)
    assert "_library_is_workday" not in source and "CalendarOverride" not in source
