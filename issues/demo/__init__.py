"""Demo data of this app, called by ``manage.py seed_demo`` after the core demo data.

``context`` holds the core objects: regions, departments (by code), enterprises (list), clerk,
supervisor, admin, handlers (by department code), members (ent-a, ent-b). Idempotent: problems are
created only once. Every problem is created and moved through :mod:`issues.actions`, with ``now=`` set
in the past, so the timeline, audit rows and notifications are those of real use.
"""

import datetime as dt
import random

from django.utils import timezone

from .. import actions
from ..choices import IssueStatus
from ..models import Issue
from .scenarios import SCENARIOS

COUNTY_LEAD = {"approval": "dq-amr", "export-customs": "dq-commerce", "inspection": "dq-emergency"}
PROVINCE_FOR = {"dq-amr": "hz-amr", "dq-commerce": "hz-commerce", "dq-emergency": "hz-emergency"}
PROVINCE_NEXT = {"hz-amr": "zj-drc", "hz-commerce": "zj-commerce", "hz-emergency": "zj-emergency"}
CHANNELS = ["window", "hotline-12345", "roundtable", "visit", "doudi-window", "experience-officer", "media",
            "department-transfer", "enterprise-code", "bad-rating"]  # fmt: skip

TOTAL = 320


def seed(*, rng: random.Random, context: dict, stdout) -> None:
    if Issue.objects.exists():
        stdout.write("issues: demo problems already present, skipped")
        return
    clerk, supervisor = context["clerk"], context["supervisor"]
    handlers, departments = context["handlers"], context["departments"]
    enterprises = context["enterprises"]
    members = {enterprises[0].pk: context["members"]["ent-a"], enterprises[1].pk: context["members"]["ent-b"]}
    real_now = timezone.now()
    counts: dict[str, int] = {}
    for index in range(TOTAL):
        title, description, category, lead, co, kind = SCENARIOS[index % len(SCENARIOS)]
        enterprise = enterprises[index % len(enterprises)] if index % 7 else enterprises[index % 2]
        member = members.get(enterprise.pk)
        variant = index // len(SCENARIOS)
        county_case = category in COUNTY_LEAD and variant % 3 == 1
        if county_case:
            lead = COUNTY_LEAD[category]
        start = real_now - dt.timedelta(days=rng.randint(0, 150), hours=rng.randint(0, 8))
        start = start.replace(hour=9 + rng.randint(0, 7), minute=rng.randint(0, 59))
        if start > real_now:
            start = real_now - dt.timedelta(hours=1)
        issue = _play(
            rng=rng,
            index=index,
            title=title if variant == 0 else f"{title}（{enterprise.name[:6]}）",
            description=description,
            category=category,
            lead=lead,
            co=co,
            kind=kind,
            enterprise=enterprise,
            member=member,
            clerk=clerk,
            supervisor=supervisor,
            handlers=handlers,
            departments=departments,
            start=start,
            real_now=real_now,
            county_case=county_case,
        )
        counts[str(issue.status)] = counts.get(str(issue.status), 0) + 1
    marked = actions.sweep_overdue(now=real_now)
    stdout.write(f"issues: {TOTAL} demo problems {dict(sorted(counts.items()))}, {marked} overdue marked")


def _play(*, rng, index, title, description, category, lead, co, kind, enterprise, member, clerk, supervisor,
          handlers, departments, start, real_now, county_case):  # fmt: skip
    """Create one problem and move it as far as its story and the calendar allow."""
    clock = {"t": start}

    def step(hours_min: float, hours_max: float) -> dt.datetime | None:
        clock["t"] = clock["t"] + dt.timedelta(hours=rng.uniform(hours_min, hours_max))
        return clock["t"] if clock["t"] < real_now else None

    online = member is not None and index % 3 == 0
    issue = actions.issue_submit(
        actor=member if online else clerk,
        enterprise=enterprise,
        channel=None if online else CHANNELS[index % len(CHANNELS)],
        discovery="active" if (not online and index % 5 == 0) else "passive",
        category=category,
        tier=["general", "general", "complex", "difficult"][index % 4],
        ownerless_kind=kind or None,
        title=title,
        description=description,
        contact_name=["沈建国", "陆晓峰", "王丽", "张伟", "李娜", "周强"][index % 6],
        contact_phone="139" + f"{rng.randrange(10**8):08d}",
        now=start,
    )
    story = index % 20  # the fate of this problem
    if story == 0 and online:
        actions.issue_withdraw(actor=member, issue=issue, reason="问题已自行解决", now=step(1, 20) or start)
        return issue
    if story == 1:
        return issue  # waits in the 兜底 queue (overdue when old)
    lead_handler = handlers[lead]
    when = step(2, 40)
    if when is None:
        return issue
    if kind:
        actions.issue_classify(actor=clerk, issue=issue, tier="complex", ownerless_kind=kind, now=when)
    actions.issue_dispatch(
        actor=clerk, issue=issue, lead_department=departments[lead], co_departments=[departments[c] for c in co],
        note="请牵头部门会同协办部门研究办理。", now=when,
    )  # fmt: skip
    if story in (2, 3):  # returned, once or twice
        when = step(2, 6)
        if when is None:
            return issue
        actions.issue_return(
            actor=lead_handler, issue=issue, reason="该事项不属于本部门法定职责，建议交办其他部门。", now=when
        )
        if story == 2:
            return issue
        when = step(4, 20)
        if when is None:
            return issue
        actions.issue_dispatch(actor=clerk, issue=issue, lead_department=departments[lead], now=when)
        when = step(2, 6)
        if when is None:
            return issue
        actions.issue_return(actor=lead_handler, issue=issue, reason="仍认为不属于本部门职责。", now=when)
        return issue  # with the 兜底 supervisor now
    if story == 15:
        return issue  # dispatched, never signed: the reply clock runs anyway
    when = step(1, 30)
    if when is None:
        return issue
    actions.issue_accept(actor=lead_handler, issue=issue, now=when)
    if co and story in (8, 9, 16, 17):
        when = step(4, 72)
        if when is None:
            return issue
        actions.issue_co_opinion(
            actor=handlers[co[0]], issue=issue, note="本部门职责范围内事项已梳理，意见已反馈牵头部门。", now=when
        )
    if story == 4:
        if issue.reply_due < timezone.localdate(real_now):
            when = step(24 * 16, 24 * 20)
            if when is not None:
                actions.issue_urge(actor=supervisor, issue=issue, note="已超答复期限，请三日内答复。", now=when)
        return issue  # being handled; becomes overdue when old
    if story == 5:  # extension requested and approved
        when = step(24, 120)
        if when is None or issue.reply_due < timezone.localdate(when):
            return issue
        request = actions.issue_request_extension(
            actor=lead_handler, issue=issue, requested_due=issue.reply_due + dt.timedelta(days=10),
            reason="需等待第三方检测报告，申请延期 10 天。", now=when,
        )  # fmt: skip
        when = step(2, 20)
        if when is None:
            return issue
        actions.extension_decide(actor=supervisor, request=request, approve=True, note="同意延期", now=when)
    if county_case or story in (6, 7):  # escalated up the levels
        current = issue.lead_department.code
        target = PROVINCE_FOR.get(current) or (
            PROVINCE_NEXT.get(current, "zj-drc") if current.startswith("hz-") else None
        )
        when = step(72, 240)
        if target and when is not None:
            actions.issue_escalate(
                actor=supervisor, issue=issue, to_department=departments[target],
                reason="涉及上级审批权限，县（市）级无法解决，提级办理。", now=when,
            )  # fmt: skip
            lead_handler = handlers[target]
            nxt = PROVINCE_NEXT.get(target, "zj-drc") if target.startswith("hz-") else None
            when = step(48, 200)
            if story == 7 and nxt and when is not None:
                actions.issue_escalate(
                    actor=supervisor, issue=issue, to_department=departments[nxt],
                    reason="需省级部门统筹协调，提级至省级。", now=when,
                )  # fmt: skip
                lead_handler = handlers[nxt]
            when = step(2, 30)
            if when is None:
                return issue
            actions.issue_accept(actor=lead_handler, issue=issue, now=when)
    when = step(48, 400 if story in (8, 9) else 250)
    if when is None:
        return issue
    actions.issue_reply(
        actor=lead_handler, issue=issue,
        reply=f"经会商，已明确办理路径并协调落实。内部备注：牵头部门{issue.lead_department.name}。",
        public_reply="您反映的问题已研究落实：已明确办理部门和流程，相关人员已上门对接，后续如有问题请随时联系。",
        now=when,
    )  # fmt: skip
    if story == 10:
        return issue  # waiting for follow-up
    when = step(4, 60)
    if when is None:
        return issue
    bad = story in (11, 12, 13)
    # The follow-up call records what the enterprise says; a level it states on the phone is the
    # clerk's 回访满意度, never its 好差评. Only the enterprise's own member rates (online, from the
    # 企业码 page or on the QR code the clerk shows at the window) — and not every enterprise does.
    if index % 9 == 0:
        actions.issue_follow_up(actor=clerk, issue=issue, reached=False, note="电话无人接听，改日再访。", now=when)
        when = step(20, 48)
        if when is None:
            return issue
    stated = index % 4 != 0
    actions.issue_follow_up(
        actor=clerk, issue=issue, reached=True, satisfied=not bad,
        satisfaction=(rng.choice([1, 2, 3]) if bad else rng.choice([4, 5, 5, 3])) if stated else None,
        note="企业原话：问题没有实质解决。" if bad else "企业原话：满意，感谢。", now=when,
    )  # fmt: skip
    rates = member is not None and index % 5 != 3
    if not rates:
        bad = False  # no 差评 from the enterprise, so no 重办
    else:
        when = step(1, 48)
        if when is None:
            return issue
        actions.issue_rate(
            actor=member, issue=issue, rating=rng.choice([1, 2]) if bad else rng.choice([4, 5, 5, 5, 3]),
            comment="问题没有实质解决，只是答复了流程。" if bad else "", now=when,
        )  # fmt: skip
    if bad:
        if story == 11:
            when = step(24, 72)
            if when is not None:
                rating = issue.ratings.filter(source="enterprise").order_by("-round").first()
                appeal = actions.appeal_submit(
                    actor=lead_handler, rating=rating, reason="企业诉求超出法定职责范围，已尽责答复。", now=when
                )
                when = step(24, 72)
                if when is not None:
                    actions.appeal_decide(
                        actor=supervisor, appeal=appeal, uphold=index % 2 == 0, note="经核查", now=when
                    )
            return issue  # reopened
        # story 13: one 重办 satisfies the enterprise; story 12: every round is rated bad, so after the
        # last allowed 重办 the problem goes to the supervisor (集中会商, then a reasoned close).
        while issue.status == IssueStatus.REOPENED:
            still_bad = story == 12
            for action in ("accept", "reply", "follow_up", "rate"):
                when = step(24, 120) if action in ("accept", "reply") else step(4, 48)
                if when is None:
                    return issue
                if action == "accept":
                    actions.issue_accept(actor=lead_handler, issue=issue, now=when)
                elif action == "reply":
                    actions.issue_reply(actor=lead_handler, issue=issue, reply="重办：已现场协调。", now=when)
                elif action == "follow_up":
                    actions.issue_follow_up(
                        actor=clerk, issue=issue, reached=True, satisfied=not still_bad,
                        note="重办后回访。", now=when,
                    )  # fmt: skip
                else:
                    actions.issue_rate(
                        actor=member, issue=issue, rating=2 if still_bad else 5,
                        comment="重办后仍未解决。" if still_bad else "", now=when,
                    )  # fmt: skip
            issue.refresh_from_db()
        if issue.reopen_limit_reached:
            when = step(24, 96)
            if when is None:
                return issue
            actions.issue_consult(
                actor=supervisor, issue=issue, now=when,
                minutes="集中会商纪要：牵头部门与协办部门会商，企业诉求涉及规划调整，已纳入年度计划。",
            )  # fmt: skip
            when = step(24, 96)
            if when is None:
                return issue
            actions.issue_close(
                actor=supervisor, issue=issue, now=when,
                note="经集中会商，诉求涉及规划调整，已纳入年度计划统筹解决，本次办结；进展将另行告知。",
            )  # fmt: skip
            return issue
    if issue.status != IssueStatus.FOLLOWED_UP or story == 14:
        return issue
    when = step(2, 48)
    if when is None:
        return issue
    actions.issue_close(actor=supervisor, issue=issue, note="已回访，办结。", now=when)
    return issue
