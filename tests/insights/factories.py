"""Factories of the insights tests. Problems are created and moved through ``issues.actions``."""

import datetime as dt
import random

from django.test import TestCase

from insights import actions as insight_actions
from issues import actions
from tests.issues import factories as issue_factories
from tests.issues.factories import at

__all__ = ["at", "common_from", "drive", "seed_period", "seed_period_made", "submit"]


def submit(member, **kwargs):
    """A problem submitted through the actions and, as after a real commit, indexed for the similar
    search (the work queued after commit runs here, django-q2 in sync mode)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return issue_factories.submit(member, **kwargs)


STEPS = ["submitted", "dispatched", "accepted", "returned", "replied", "followed_up", "closed", "reopened"]


def drive(issue, status, *, member, clerk, handler, supervisor, now, rating=5, late=False, satisfaction=None):
    """Move ``issue`` (submitted) to ``status`` through the actions, all at ``now`` (or, with ``late``,
    signing and replying 20 days after dispatch so both are late)."""
    if status == "submitted":
        return issue
    actions.issue_dispatch(actor=clerk, issue=issue, lead_department=handler.department, now=now)
    later = now + dt.timedelta(days=20) if late else now
    if status == "dispatched":
        return issue
    if status == "returned":
        return actions.issue_return(actor=handler, issue=issue, reason="不属于本部门职责", now=now)
    actions.issue_accept(actor=handler, issue=issue, now=later)
    if status == "accepted":
        return issue
    actions.issue_reply(
        actor=handler, issue=issue, reply="已协调解决。", public_reply="已协调解决，请企业留意。", now=later
    )
    if status == "replied":
        return issue
    if status == "reopened":
        actions.issue_rate(actor=member, issue=issue, rating=1, comment="没有解决", now=later)
        return issue
    actions.issue_follow_up(
        actor=clerk,
        issue=issue,
        reached=True,
        satisfied=rating >= 4,
        note="已回访",
        satisfaction=satisfaction,
        now=later,
    )
    actions.issue_rate(actor=member, issue=issue, rating=rating, comment="" if rating > 2 else "不满意", now=later)
    if status == "followed_up":
        return issue
    actions.issue_close(actor=supervisor, issue=issue, now=later)
    return issue


def seed_period(n, *, members, clerk, handlers, supervisor, day="2026-03-10", seed=7):
    """``n`` problems first dispatched on ``day`` to the handlers' departments, in mixed states,
    some late, with ratings 1–5. Returns the problems."""
    rng = random.Random(seed)
    issues = []
    for number in range(n):
        member = members[number % len(members)]
        handler = handlers[number % len(handlers)]
        status = rng.choice(["dispatched", "accepted", "returned", "replied", "followed_up", "closed", "reopened"])
        rating = rng.choice([3, 4, 5]) if status in ("followed_up", "closed") else 5
        now = at(day, 9 + number % 8)
        issue = submit(member, title=f"厂房层高不足问题{number}", now=now)
        drive(
            issue,
            status,
            member=member,
            clerk=clerk,
            handler=handler,
            supervisor=supervisor,
            now=now,
            rating=rating,
            late=rng.random() < 0.3,
        )
        issues.append(issue)
    return issues


def seed_period_made(n, *, members, clerk, handlers, supervisor, day="2026-03-10", seed=7):
    """As ``seed_period`` (the same members, handlers, states and times), but each problem written in its
    state directly (``issue_made``: on time, no audit rows or notifications), for tests that need problems
    to rank and count queries on, not the way they got there. Returns the problems."""
    rng = random.Random(seed)
    issues = []
    for number in range(n):
        status = rng.choice(["dispatched", "accepted", "returned", "replied", "followed_up", "closed", "reopened"])
        issues.append(
            issue_factories.issue_made(
                status,
                member=members[number % len(members)],
                clerk=clerk,
                handler=handlers[number % len(handlers)],
                supervisor=supervisor,
                now=at(day, 9 + number % 8),
                title=f"厂房层高不足问题{number}",
            )
        )
    return issues


def common_from(issues, *, supervisor, lead, title="储能集装箱消防验收无标准", **kwargs):
    return insight_actions.common_issue_create(
        actor=supervisor,
        title=title,
        summary="多家企业反映储能集装箱消防验收无对应标准、无部门受理。",
        lead_department=lead,
        issue_ids=[issue.pk for issue in issues],
        **kwargs,
    )
