"""Factories and helpers of the issues tests.

Two ways to get a problem in a state: ``issue_in`` drives it through the actions (for tests of the workflow:
guards, audit, notifications), ``issue_made`` writes the state directly — the row with the fields and
deadlines the actions would have set, its timeline and its rating or follow-up — for tests that need
problems to exist (lists, pages, query counts, pagination, filters) and are not about how they got there.
"""

import datetime as dt
import uuid
import zoneinfo

from django.utils import timezone

from issues import actions, deadlines
from issues.choices import IssueStatus, Level, RatingSource
from issues.models import Category, Channel, FollowUp, Issue, IssueEvent, Rating
from portal.choices import Role
from portal.models import Enterprise
from portal.models.enterprises import enterprise_ids_for
from portal.workdays import add_working_days

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


# status → the events that lead there from nothing, in order (the actions' path through TRANSITIONS)
PATHS = {
    "submitted": ["submit"],
    "withdrawn": ["submit", "withdraw"],
    "dispatched": ["submit", "dispatch"],
    "returned": ["submit", "dispatch", "return"],
    "accepted": ["submit", "dispatch", "accept"],
    "replied": ["submit", "dispatch", "accept", "reply"],
    "reopened": ["submit", "dispatch", "accept", "reply", "rate", "reopen"],
    "followed_up": ["submit", "dispatch", "accept", "reply", "follow_up"],
    "closed": ["submit", "dispatch", "accept", "reply", "follow_up", "close"],
}
S = IssueStatus
# event → the status it leads to (None: stays)
LEADS_TO = {
    "submit": S.SUBMITTED,
    "withdraw": S.WITHDRAWN,
    "dispatch": S.DISPATCHED,
    "return": S.RETURNED,
    "accept": S.ACCEPTED,
    "reply": S.REPLIED,
    "rate": None,
    "reopen": S.REOPENED,
    "follow_up": S.FOLLOWED_UP,
    "close": S.CLOSED,
}


def issue_made(
    status: str,
    *,
    member,
    clerk=None,
    handler=None,
    supervisor=None,
    now=None,
    title="储能集装箱消防验收无人受理",
    category="approval",
    enterprise=None,
    channel=None,
    tier="general",
    **fields,
) -> Issue:
    """A problem in ``status`` written directly: the fields, deadlines, counters and timeline rows that
    ``issue_in`` would leave (every move at ``now``), without running the actions. A reopened problem has
    its enterprise rating (2, round 1); a followed-up or closed one its follow-up. No audit rows and no
    notifications: use ``issue_in`` where those matter."""
    now = now or timezone.now()
    today = deadlines.local_date(now)
    if enterprise is None:
        enterprise = Enterprise.objects.get(pk=enterprise_ids_for(member)[0])
    category = Category.objects.get(code=category) if isinstance(category, str) else category
    rule = deadlines.rule_for(category, tier)
    path = PATHS[status]
    # as issue_submit: an enterprise member registers online as themself, staff through a channel for
    # the enterprise's legal representative
    by_member = member.role == Role.ENTERPRISE
    channel = channel or ("online" if by_member else "window")
    values = {
        "reference": uuid.uuid4().hex[:30],
        "enterprise": enterprise,
        "contact_name": (member.name if by_member else enterprise.legal_representative)[:50],
        "contact_phone": ((member.phone if by_member else "") or enterprise.contact_phone)[:20],
        "channel": Channel.objects.get(code=channel) if isinstance(channel, str) else channel,
        "category": category,
        "tier": tier,
        "level": enterprise.region.level if enterprise.region.level in Level.values else Level.COUNTY,
        "title": title,
        "description": "企业新建储能电站，集装箱式储能消防验收不知向哪个部门申请。",
        "submitted_by": member,
        "registered_at": now,
        "dispatch_due": deadlines.dispatch_due(registered_on=today, rule=rule),
        "status": status,
        "version": len(path) - 1,
    }
    if "dispatch" in path:
        lead = handler.department
        values.update(
            lead_department=lead,
            dispatched_by=clerk,
            dispatched_at=now,
            first_dispatched_at=now,
            accept_due=add_working_days(today, 1),
            return_due=deadlines.return_due(dispatched_on=today, rule=rule),
            reply_due=deadlines.reply_due(dispatched_on=today, rule=rule),
            dispatch_count=1,
        )
        if lead.region.level in Level.values:
            values["level"] = lead.region.level
    if "withdraw" in path:
        values["withdrawn_at"] = now
    if "return" in path:
        values["returns_count"] = 1
    if "accept" in path:
        values.update(handler=handler, accepted_at=now, accepted_on_time=True)
    if "reply" in path:
        values.update(
            reply="已协调消防部门上门指导验收。",
            public_reply="已协调消防部门上门指导验收。",
            replied_at=now,
            replied_on_time=True,
            followup_due=deadlines.followup_due(replied_on=today, rule=rule),
        )
    if "reopen" in path:
        values.update(
            reopen_count=1,
            reopened_at=now,
            accept_due=add_working_days(today, 1),
            reply_due=deadlines.redo_due(reopened_on=today, rule=rule),
            followup_due=None,
            accepted_at=None,
        )
    if "follow_up" in path:
        values.update(followup_count=1, followed_up_at=now)
    if "close" in path:
        values["closed_at"] = now
    values.update(fields)
    issue = Issue.objects.create(**values)
    issue.reference = f"SQ{today:%Y%m%d}{issue.pk:06d}"
    Issue.objects.filter(pk=issue.pk).update(reference=issue.reference)
    actors = {
        "submit": member,
        "withdraw": member,
        "dispatch": clerk,
        "return": handler,
        "accept": handler,
        "reply": handler,
        "rate": member,
        "reopen": member,
        "follow_up": clerk,
        "close": supervisor,
    }
    events, current = [], ""
    for event in path:
        to_status = LEADS_TO[event] or current
        events.append(
            IssueEvent(
                issue=issue,
                action=event,
                actor=actors[event],
                department=issue.lead_department if event != "submit" else None,
                at=now,
                from_status=current,
                to_status=to_status,
            )
        )
        current = to_status
    IssueEvent.objects.bulk_create(events)
    if "rate" in path:
        Rating.objects.create(
            issue=issue,
            round=1,
            score=2,
            comment="仍未解决",
            source=RatingSource.ENTERPRISE,
            rated_by=member,
            department=issue.lead_department,
            at=now,
        )
    if "follow_up" in path:
        FollowUp.objects.create(issue=issue, round=1, clerk=clerk, at=now, reached=True, satisfied=True)
    return issue


def issue_submitted(member, **kwargs) -> Issue:
    """A problem just registered by ``member`` (``issue_made("submitted", …)``)."""
    return issue_made("submitted", member=member, **kwargs)


def category(code="approval") -> Category:
    return Category.objects.get(code=code)


def channel(code="window") -> Channel:
    return Channel.objects.get(code=code)
