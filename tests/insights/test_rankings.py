"""晾晒评价: the SQL aggregation matches a plain recount, in a constant number of queries."""

import datetime as dt

import pytest

from insights.rankings import PeriodError, cohort, parse_period, ranking
from issues.choices import IssueStatus
from issues.models import Issue, IssueEvent, IssueSettings
from portal.workdays import working_days_between
from tests.insights.factories import at, seed_period, seed_period_made, submit

pytestmark = pytest.mark.django_db


def test_periods_parse_and_step_back():
    assert parse_period("2026-03").label == "2026-03"
    assert parse_period("2026-03").previous().label == "2026-02"
    assert parse_period("2026-01").previous().label == "2025-12"
    assert parse_period("2026-Q1").previous().label == "2025-Q4"
    assert parse_period("2026-Q2").start == dt.date(2026, 4, 1)
    assert parse_period("2026").previous().label == "2025"
    custom = parse_period("", start="2026-03-01", end="2026-03-10")
    assert (custom.start, custom.end) == (dt.date(2026, 3, 1), dt.date(2026, 3, 11))
    assert custom.previous().end == custom.start
    for bad in ("2026-13", "2026-Q5", "26", "abc"):
        with pytest.raises(PeriodError):
            parse_period(bad)
    with pytest.raises(PeriodError):
        parse_period("", start="2026-03-10", end="2026-03-01")


def _recount(period, department_id):
    """The figures of one department, counted one problem at a time in Python."""
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=at("2026-01-01").tzinfo)
    end = dt.datetime.combine(period.end, dt.time.min, tzinfo=start.tzinfo)
    all_in_period = [
        issue
        for issue in Issue.objects.all()
        if issue.first_dispatched_at
        and start <= issue.first_dispatched_at < end
        and issue.status != IssueStatus.WITHDRAWN
    ]
    issues = [issue for issue in all_in_period if issue.lead_department_id == department_id]
    accepted = [i for i in issues if i.accepted_on_time is not None]
    replied = [i for i in issues if i.replied_on_time is not None]
    rated = [i for i in issues if i.rating is not None]
    local = lambda moment: moment.astimezone(start.tzinfo).date()  # noqa: E731
    reply_days = [
        working_days_between(local(i.first_dispatched_at), local(i.replied_at)) for i in issues if i.replied_at
    ]
    close_days = [working_days_between(local(i.first_dispatched_at), local(i.closed_at)) for i in issues if i.closed_at]
    return {
        "received": len(issues),
        "on_time_accept_rate": sum(i.accepted_on_time for i in accepted) / len(accepted) if accepted else None,
        "on_time_reply_rate": sum(i.replied_on_time for i in replied) / len(replied) if replied else None,
        "closure_rate": sum(i.status == IssueStatus.CLOSED for i in issues) / len(issues),
        "follow_up_rate": sum(i.followup_count > 0 for i in replied) / len(replied) if replied else None,
        "satisfaction_rate": sum(i.rating >= 4 for i in rated) / len(rated) if rated else None,
        "mean_rating": sum(i.rating for i in rated) / len(rated) if rated else None,
        "reopen_rate": sum(i.reopen_count > 0 for i in issues) / len(issues),
        "mean_days_to_reply": round(sum(reply_days) / len(reply_days), 1) if reply_days else None,
        "mean_days_to_close": round(sum(close_days) / len(close_days), 1) if close_days else None,
        "returns": IssueEvent.objects.filter(
            action="return", department_id=department_id, issue__in=[i.pk for i in all_in_period]
        ).count(),
    }


def test_ranking_numbers_match_a_plain_recount(member, other_member, clerk, handler, other_handler, supervisor):
    # given 40 problems in every state across two departments, some late, in March 2026
    seed_period(
        40, members=[member, other_member], clerk=clerk, handlers=[handler, other_handler], supervisor=supervisor
    )
    # and one withdrawn problem that must not count
    from issues import actions

    actions.issue_withdraw(actor=member, issue=submit(member, now=at("2026-03-11")), now=at("2026-03-11"))
    # when the March ranking is computed
    result = ranking(period=parse_period("2026-03"))
    # then every figure equals the recount
    assert {row.key for row in result.ranked} == {handler.department_id, other_handler.department_id}
    for row in result.ranked:
        expected = _recount(result.period, row.key)
        for name, value in expected.items():
            actual = getattr(row, name)
            if isinstance(value, float):
                assert actual == pytest.approx(value), name
            else:
                assert actual == value, name
    # and the ranks follow the score
    scores = [row.score for row in result.ranked]
    assert scores == sorted(scores, reverse=True)
    assert [row.rank for row in result.ranked] == [1, 2]


def test_arrows_and_last_place_two_periods_running(member, clerk, handler, other_handler, supervisor):
    # given a minimum sample of one problem
    IssueSettings.objects.create(ranking_min_sample=1)
    # and the tax office worse than market supervision in February and in March
    for day, number in (("2026-02-10", 0), ("2026-03-10", 1)):
        seed_period(4, members=[member], clerk=clerk, handlers=[handler], supervisor=supervisor, day=day, seed=number)
        late = submit(member, now=at(day))
        from tests.insights.factories import drive

        drive(late, "dispatched", member=member, clerk=clerk, handler=other_handler, supervisor=supervisor, now=at(day))
    result = ranking(period=parse_period("2026-03"))
    last = result.ranked[-1]
    # then the last one is flagged and arrows compare with February
    assert last.key == other_handler.department_id
    assert last.last_twice is True
    assert last.arrow == "same"
    assert result.ranked[0].last_twice is False


def test_by_region_sums_the_departments(member, clerk, handler, other_handler, supervisor):
    seed_period(10, members=[member], clerk=clerk, handlers=[handler, other_handler], supervisor=supervisor)
    by_department = ranking(period=parse_period("2026-03"))
    by_region = ranking(period=parse_period("2026-03"), by="region")
    assert [row.received for row in by_region.ranked] == [10]
    assert by_department.totals.received == 10


def test_ranking_makes_the_same_number_of_queries_for_3_and_30_problems(
    member, other_member, clerk, handler, other_handler, supervisor, num_queries
):
    # given 3 problems in March and 30 in April
    seed_period_made(3, members=[member], clerk=clerk, handlers=[handler], supervisor=supervisor, day="2026-03-10")
    seed_period_made(
        30,
        members=[member, other_member],
        clerk=clerk,
        handlers=[handler, other_handler],
        supervisor=supervisor,
        day="2026-04-14",
    )
    assert cohort(parse_period("2026-03")).count() == 3
    assert cohort(parse_period("2026-04")).count() == 30
    # then both rankings cost the same number of queries
    march = num_queries.of(lambda: ranking(period=parse_period("2026-03")))
    assert num_queries.of(lambda: ranking(period=parse_period("2026-04"))) == march == 12
