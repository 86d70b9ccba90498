"""Deadlines computed from the rules and the statutory calendar (Spring Festival, National Day, 调休)."""

import datetime as dt

import pytest

from issues import actions, deadlines
from issues.models import Category, DeadlineRule
from portal.models import CalendarOverride
from tests.issues.factories import at, issue_in, submit

pytestmark = pytest.mark.django_db

D = dt.date


def test_default_rule_values():
    rule = deadlines.rule_for(None, "")
    assert (rule.dispatch_working_days, rule.reply_days, rule.reply_in_working_days) == (2, 14, False)
    assert (rule.followup_working_days, rule.redo_working_days, rule.return_working_days) == (3, 15, 1)


def test_dispatch_due_across_spring_festival(people):
    # given a problem registered on Friday 2026-02-13 (the 15th–23rd are Spring Festival days off,
    # Saturday the 14th is a make-up working day)
    issue = submit(people["member"], now=at("2026-02-13"))
    # then 2 working days later is Tuesday the 24th: the 14th (调休 Saturday) counts, the holiday does not
    assert issue.dispatch_due == D(2026, 2, 24)


def test_return_limit_over_spring_festival(people):
    # given a dispatch on the make-up Saturday 2026-02-14, the return limit is the next working day, the 24th
    issue = issue_in("dispatched", **_roles(people), now=at("2026-02-14"))
    assert issue.return_due == D(2026, 2, 24)
    # and the calendar-day reply limit (14 days → 28 Feb, a make-up working Saturday) stays on that day
    assert issue.reply_due == D(2026, 2, 28)


def test_reply_due_ending_in_national_day_moves_to_next_working_day(people):
    # given a dispatch on 2026-09-20: 14 calendar days → 2026-10-04, inside the National Day break
    issue = issue_in("dispatched", **_roles(people), now=at("2026-09-20"))
    # then the deadline is the first working day after the break
    assert issue.reply_due == D(2026, 10, 8)


def test_follow_up_due_across_national_day_and_makeup_saturday(people):
    # given a reply on Wednesday 2026-09-30; 10-01…10-07 off, 10-08 and 10-09 work, 10-10 is 调休 Saturday
    issue = issue_in("replied", **_roles(people), now=at("2026-09-30"))
    assert issue.followup_due == D(2026, 10, 10)


def test_clock_starts_at_dispatch_not_at_signing(people):
    # given a dispatch on 2026-03-02 and a signing a week later
    issue = issue_in("dispatched", **_roles(people), now=at("2026-03-02"))
    actions.issue_accept(actor=people["handler"], issue=issue, now=at("2026-03-09"))
    # then the reply deadline is still 14 days after dispatch, and the signing was late
    assert issue.reply_due == D(2026, 3, 16)
    assert issue.accepted_on_time is False


def test_redo_due_across_spring_festival(people):
    # given a bad rating on 2026-02-12, 重办 ≤ 15 working days skips the Spring Festival
    issue = issue_in("replied", **_roles(people), now=at("2026-02-02"))
    actions.issue_rate(actor=people["member"], issue=issue, rating=1, comment="没有解决", now=at("2026-02-12"))
    # 13(1) 14(2, 调休) 24(3) 25 26 27 28(7, 调休) 3-2 3 4 5 6(12) 9 10 11(15)
    assert issue.reply_due == D(2026, 3, 11)


def test_rule_per_category_and_tier(people):
    # given an administrator's rule for difficult land problems: reply in 10 working days
    land = Category.objects.get(code="land-factory")
    DeadlineRule.objects.create(category=land, tier="difficult", reply_days=10, reply_in_working_days=True)
    DeadlineRule.objects.create(category=land, tier="", dispatch_working_days=1)
    # when problems are dispatched on 2026-03-02
    hard = issue_in("dispatched", **_roles(people), category="land-factory", tier="difficult", now=at("2026-03-02"))
    easy = issue_in("dispatched", **_roles(people), category="land-factory", now=at("2026-03-02"))
    other = issue_in("dispatched", **_roles(people), category="tax", now=at("2026-03-02"))
    # then the most specific rule applies
    assert hard.reply_due == D(2026, 3, 16)  # 10 working days
    assert easy.reply_due == D(2026, 3, 16)  # 14 calendar days (category rule keeps the default reply)
    assert easy.dispatch_due == D(2026, 3, 3)  # category rule: 1 working day
    assert other.dispatch_due == D(2026, 3, 4)  # default: 2 working days


def test_override_table_is_used(people):
    # given an administrator marks 2026-03-03 as a day off
    CalendarOverride.objects.create(date=D(2026, 3, 3), is_working_day=False, note="test")
    issue = submit(people["member"], now=at("2026-03-02"))
    assert issue.dispatch_due == D(2026, 3, 5)


def test_unknown_year_does_not_crash(people):
    # given a registration in late December 2026, the deadline reaches 2027 (unknown to the library)
    issue = submit(people["member"], now=at("2026-12-31"))
    assert issue.dispatch_due == D(2027, 1, 4)


def test_lights():
    today, soon = D(2026, 3, 6), D(2026, 3, 9)  # Friday; next working day is Monday
    assert deadlines.due_soon_limit(today) == soon
    assert deadlines.light(D(2026, 3, 5), today=today, soon_limit=soon) == "overdue"
    assert deadlines.light(D(2026, 3, 6), today=today, soon_limit=soon) == "due_soon"
    assert deadlines.light(D(2026, 3, 9), today=today, soon_limit=soon) == "due_soon"
    assert deadlines.light(D(2026, 3, 10), today=today, soon_limit=soon) == "on_time"
    assert deadlines.light(None, today=today, soon_limit=soon) == "none"


def _roles(people):
    return {"member": people["member"], "clerk": people["clerk"], "handler": people["handler"]}
