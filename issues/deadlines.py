"""Deadlines of a problem, computed from the administrators' rules and the working-day calendar.

Never typed: every due date here comes from :class:`~issues.models.DeadlineRule` and
:mod:`portal.workdays`. The reply clock starts at dispatch, never at signing. A calendar-day limit
that ends on a day off moves to the next working day (as statutory time limits do).
"""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from portal.workdays import add_working_days

from .choices import Light
from .models import DeadlineRule

DEFAULT_RULE = DeadlineRule()  # the model's defaults: 2 / 14 calendar / 3 / 15 / 1


def local_date(moment: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(moment or timezone.now())


def rule_for(category, tier: str) -> DeadlineRule:
    """The most specific rule: (category, tier) → (category, any) → (any, tier) → (any, any) → defaults."""
    category_id = getattr(category, "pk", category)
    rules = {
        (rule.category_id, rule.tier): rule
        for rule in DeadlineRule.objects.filter(Q(category_id=category_id) | Q(category__isnull=True))
    }
    for key in ((category_id, tier), (category_id, ""), (None, tier), (None, "")):
        if key in rules:
            return rules[key]
    return DEFAULT_RULE


def dispatch_due(*, registered_on: dt.date, rule: DeadlineRule) -> dt.date:
    return add_working_days(registered_on, rule.dispatch_working_days)


def return_due(*, dispatched_on: dt.date, rule: DeadlineRule) -> dt.date:
    return add_working_days(dispatched_on, rule.return_working_days)


def reply_due(*, dispatched_on: dt.date, rule: DeadlineRule) -> dt.date:
    if rule.reply_in_working_days:
        return add_working_days(dispatched_on, rule.reply_days)
    return add_working_days(dispatched_on + dt.timedelta(days=rule.reply_days), 0)


def followup_due(*, replied_on: dt.date, rule: DeadlineRule) -> dt.date:
    return add_working_days(replied_on, rule.followup_working_days)


def redo_due(*, reopened_on: dt.date, rule: DeadlineRule) -> dt.date:
    return add_working_days(reopened_on, rule.redo_working_days)


def due_soon_limit(today: dt.date | None = None) -> dt.date:
    """The last date that still counts as "due soon" (≤ 1 working day from today). One query."""
    return add_working_days(today or local_date(), 1)


def light(due: dt.date | None, *, today: dt.date, soon_limit: dt.date) -> str:
    """on_time / due_soon / overdue for a deadline (``none`` when the step has no deadline)."""
    if due is None:
        return Light.NONE
    if today > due:
        return Light.OVERDUE
    if due <= soon_limit:
        return Light.DUE_SOON
    return Light.ON_TIME
