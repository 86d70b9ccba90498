"""The 晾晒 daily rollup: a ranking read from it always equals the recount from the raw rows (after
random changes, before and after the scheduled refresh, after a calendar change), in a fixed number of
queries whatever the number of problems."""

import datetime as dt
import random

import pytest
from django.core.management import call_command
from django.urls import reverse

from insights import rollups, tasks
from insights.models import RankingDay, RankingRollupState
from insights.rankings import parse_period, ranking
from issues import actions
from issues.models import Issue
from portal.models import CalendarOverride
from tests.insights.factories import at, drive, seed_period, seed_period_made, submit

pytestmark = pytest.mark.django_db

FIGURES = (*rollups.FIELDS, "mean_days_to_reply", "mean_days_to_close", "rank", "previous_rank", "last_twice")


def _figures(result):
    return [(row.key, row.score, *(getattr(row, name) for name in FIGURES)) for row in result.rows]


def _raw(period, by):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rollups, "usable_state", lambda: None)
        return ranking(period=period, by=by)


def _assert_rollup_equals_raw(*periods):
    for label in periods:
        period = parse_period(label)
        for by in ("department", "region"):
            assert _figures(ranking(period=period, by=by)) == _figures(_raw(period, by)), (label, by)


def _assert_rows_equal_day_recount():
    """Every rollup row equals the raw count of its department and day."""
    stored = {
        (row.department_id, row.day): tuple(getattr(row, name) for name in rollups.FIELDS)
        for row in RankingDay.objects.all()
    }
    days = {day for _, day in stored}
    recount = rollups.count_raw(rollups.day_ranges(days), by="department", per_day=True) if days else {}
    assert stored == {key: tuple(getattr(row, name) for name in rollups.FIELDS) for key, row in recount.items()}


def _random_changes(rng, *, member, clerk, handlers, supervisor, count):
    """Problems dispatched on random days of February and March, driven to random states, some rated
    badly and appealed (upheld or not), some asking for an extension, some withdrawn."""
    for number in range(count):
        day = dt.date(2026, rng.choice([2, 3]), rng.randint(1, 28))
        now = at(day.isoformat(), 9 + number % 8)
        handler = rng.choice(handlers)
        issue = submit(member, title=f"随机问题{number}", now=now)
        status = rng.choice(["submitted", "dispatched", "accepted", "returned", "replied", "closed", "withdraw"])
        if status == "withdraw":
            actions.issue_withdraw(actor=member, issue=issue, now=now)
            continue
        drive(
            issue,
            status,
            member=member,
            clerk=clerk,
            handler=handler,
            supervisor=supervisor,
            now=now,
            rating=rng.choice([3, 4, 5]) if status == "closed" else 5,
            late=rng.random() < 0.3,
        )
        issue.refresh_from_db()
        if status == "accepted" and rng.random() < 0.5:
            request = actions.issue_request_extension(
                actor=handler, issue=issue, requested_due=issue.reply_due + dt.timedelta(days=10), reason="需会商"
            )
            actions.extension_decide(actor=supervisor, request=request, approve=rng.random() < 0.5)
        if status == "replied" and rng.random() < 0.5:
            rating = actions.issue_rate(actor=member, issue=issue, rating=1, comment="没有解决", now=now)
            appeal = actions.appeal_submit(actor=handler, rating=rating, reason="企业诉求超出职责")
            actions.appeal_decide(actor=supervisor, appeal=appeal, uphold=rng.random() < 0.6)


def test_rollup_equals_the_raw_recount_after_random_changes(
    member, clerk, handler, other_handler, supervisor, fire_handler
):
    # given problems in February and March, and the rollup built
    handlers = [handler, other_handler, fire_handler]
    seed_period(12, members=[member], clerk=clerk, handlers=handlers, supervisor=supervisor, day="2026-02-12")
    seed_period(12, members=[member], clerk=clerk, handlers=handlers, supervisor=supervisor, day="2026-03-10", seed=3)
    assert rollups.refresh()["kind"] == "rebuild"
    _assert_rows_equal_day_recount()
    _assert_rollup_equals_raw("2026-03", "2026-02", "2026-Q1")
    rng = random.Random(13)
    for _ in range(3):
        # when random changes happen (new problems, moves, ratings, appeals, extensions, withdrawals)
        _random_changes(rng, member=member, clerk=clerk, handlers=handlers, supervisor=supervisor, count=8)
        # then the ranking equals the raw recount before the refresh (changed days recounted live)
        _assert_rollup_equals_raw("2026-03", "2026-02", "2026-Q1")
        # and after the scheduled refresh, whose rows each equal their day's recount
        assert rollups.refresh()["kind"] == "refresh"
        _assert_rows_equal_day_recount()
        _assert_rollup_equals_raw("2026-03", "2026-02", "2026-Q1")
    # and once two refreshes have passed without a change nothing is recounted live
    rollups.refresh()
    state = rollups.usable_state()
    assert rollups.dirty_days(state, dt.date(2026, 1, 1), dt.date(2026, 4, 1)) == set()
    _assert_rollup_equals_raw("2026-03", "2026-02", "2026-Q1")


def test_a_change_stays_recounted_live_until_two_refreshes_have_seen_it(member, clerk, handler, supervisor):
    # given a built rollup and one more problem dispatched on 10 March
    seed_period(3, members=[member], clerk=clerk, handlers=[handler], supervisor=supervisor)
    rollups.refresh()
    rollups.refresh()
    drive(submit(member, now=at("2026-03-10")), "closed", member=member, clerk=clerk, handler=handler,
          supervisor=supervisor, now=at("2026-03-10"))  # fmt: skip
    march = (dt.date(2026, 3, 1), dt.date(2026, 4, 1))
    assert rollups.dirty_days(rollups.usable_state(), *march) == {dt.date(2026, 3, 10)}
    # when one refresh has counted it, the day is still recounted live (a late commit is not missed)
    rollups.refresh()
    assert rollups.dirty_days(rollups.usable_state(), *march) == {dt.date(2026, 3, 10)}
    # and after the next one it is read from the rollup only
    rollups.refresh()
    assert rollups.dirty_days(rollups.usable_state(), *march) == set()
    assert (
        ranking(period=parse_period("2026-03")).totals.received
        == 4
        == _raw(parse_period("2026-03"), "department").totals.received
    )


def test_a_calendar_change_makes_the_rollup_unusable_until_rebuilt(member, clerk, handler, supervisor):
    # given replies counted with the statutory calendar
    seed_period(10, members=[member], clerk=clerk, handlers=[handler], supervisor=supervisor)
    late = submit(member, now=at("2026-03-10"))
    drive(late, "replied", member=member, clerk=clerk, handler=handler, supervisor=supervisor,
          now=at("2026-03-10"), late=True)  # fmt: skip
    rollups.refresh()
    before = ranking(period=parse_period("2026-03")).rows[0].mean_days_to_reply
    # when an administrator makes every day of late March a day off
    for day in range(11, 31):
        CalendarOverride.objects.create(date=dt.date(2026, 3, day), is_working_day=False)
    # then the rollup is not read (its day sums used another calendar) and the figures are the recount
    assert rollups.usable_state() is None
    _assert_rollup_equals_raw("2026-03")
    after = ranking(period=parse_period("2026-03")).rows[0].mean_days_to_reply
    assert after is not None and before is not None and after < before
    # and the next refresh rebuilds with the new calendar
    assert rollups.refresh()["kind"] == "rebuild"
    assert rollups.usable_state() is not None
    _assert_rows_equal_day_recount()
    _assert_rollup_equals_raw("2026-03")


def _queries(num_queries, period):
    return num_queries.of(lambda: ranking(period=parse_period(period)))


def test_a_ranking_from_the_rollup_makes_7_queries_for_3_or_30_problems(
    member, other_member, clerk, handler, other_handler, supervisor, num_queries
):
    # given 3 problems in March, 30 in April and the rollup refreshed twice since
    seed_period_made(3, members=[member], clerk=clerk, handlers=[handler], supervisor=supervisor, day="2026-03-10")
    seed_period_made(30, members=[member, other_member], clerk=clerk, handlers=[handler, other_handler],
                supervisor=supervisor, day="2026-04-14")  # fmt: skip
    rollups.refresh()
    rollups.refresh()
    # then a ranking costs: settings, rollup state, calendar fingerprint, changed days, the period's
    # sums, the previous period's sums, the names
    assert _queries(num_queries, "2026-03") == _queries(num_queries, "2026-04") == 7
    # and a changed day in the period adds the raw count of that day (6 queries), whatever its size
    drive(submit(member, now=at("2026-04-14")), "closed", member=member, clerk=clerk, handler=handler,
          supervisor=supervisor, now=at("2026-04-14"))  # fmt: skip
    assert _queries(num_queries, "2026-04") == 13


def test_the_rebuild_command_and_the_schedules(member, clerk, handler, supervisor):
    seed_period(5, members=[member], clerk=clerk, handlers=[handler], supervisor=supervisor)
    call_command("rankings_rebuild")
    assert RankingDay.objects.filter(day=dt.date(2026, 3, 10)).get().received == 5
    assert RankingRollupState.objects.get().event_id > 0
    call_command("rankings_rebuild", "--refresh")
    names = {spec["name"]: spec for spec in tasks.SCHEDULES}
    assert names["insights.refresh_ranking_rollups"]["minutes"] == 5
    assert names["insights.rebuild_ranking_rollups"]["schedule_type"] == "D"
    assert tasks.refresh_ranking_rollups()["kind"] == "refresh"
    assert tasks.rebuild_ranking_rollups()["kind"] == "rebuild"
    assert Issue.objects.count() == 5


def test_the_page_says_as_of_when(client, member, clerk, handler, supervisor):
    seed_period(5, members=[member], clerk=clerk, handlers=[handler], supervisor=supervisor)
    rollups.refresh()
    response = client.get(reverse("insights:rankings"), {"period": "2026-03"})
    assert "数据截至" in response.content.decode()
    assert response.context["result"].as_of is not None
