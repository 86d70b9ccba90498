"""Factories and helpers of the issues tests. Problems are created and moved through the actions."""

import datetime as dt
import zoneinfo

from issues import actions
from issues.models import Category, Channel, Issue

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> dt.datetime:
    """An aware datetime in Shanghai time: ``at("2026-02-13")``."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=TZ)


def submit(member, *, title="储能集装箱消防验收无人受理", category="approval", now=None, **kwargs) -> Issue:
    return actions.issue_submit(
        actor=member,
        title=title,
        description=kwargs.pop("description", "企业新建储能电站，集装箱式储能消防验收不知向哪个部门申请。"),
        category=category,
        now=now,
        **kwargs,
    )


def issue_in(status: str, *, member, clerk, handler, supervisor=None, now=None, **kwargs) -> Issue:
    """A problem driven through the actions to ``status`` (submitted … closed, returned, reopened, withdrawn)."""
    issue = submit(member, now=now, **kwargs)
    if status == "submitted":
        return issue
    if status == "withdrawn":
        return actions.issue_withdraw(actor=member, issue=issue, reason="已自行解决", now=now)
    actions.issue_dispatch(actor=clerk, issue=issue, lead_department=handler.department, now=now)
    if status == "dispatched":
        return issue
    if status == "returned":
        return actions.issue_return(actor=handler, issue=issue, reason="不属于本部门职责", now=now)
    actions.issue_accept(actor=handler, issue=issue, now=now)
    if status == "accepted":
        return issue
    actions.issue_reply(actor=handler, issue=issue, reply="已协调消防部门上门指导验收。", now=now)
    if status == "replied":
        return issue
    if status == "reopened":
        actions.issue_rate(actor=member, issue=issue, rating=2, comment="仍未解决", now=now)
        return issue
    actions.issue_follow_up(actor=clerk, issue=issue, reached=True, satisfied=True, note="企业表示满意", now=now)
    if status == "followed_up":
        return issue
    actions.issue_close(actor=supervisor, issue=issue, now=now)
    assert status == "closed"
    return issue


def category(code="approval") -> Category:
    return Category.objects.get(code=code)


def channel(code="window") -> Channel:
    return Channel.objects.get(code=code)
