"""Demo data of the voice app, called by ``manage.py seed_demo`` after the other apps' demo data.

1. 湖州市政企恳谈会: a weekly series, one session every Wednesday afternoon for the last twelve weeks,
   eight enterprises each, three problems per session registered through the batch action and driven
   through the loop (older sessions' problems replied, followed up and closed);
2. 20 营商环境体验官 (applications approved by the administrator) with reviews of the high-frequency
   service items over the last six months; a few findings turned into problems by the clerk;
3. one 人大专题询问 on the demo common problems, three departments questioned, answers, 10 deputies'
   ballots and 40 printed codes' ballots, then closed and published.

Idempotent: nothing is done when a series exists. Everything goes through actions; the demo accounts of
this app (``officer-01`` … ``officer-20``, ``deputy-01`` … ``deputy-10``) share the demo password.
"""

import datetime as dt
import random

from django.utils import timezone

from insights.models import CommonIssue
from issues import actions as issue_actions
from portal.choices import Role
from portal.models import User
from services.models import ServiceItem

from . import actions
from .choices import BallotChoice, MeetingKind
from .models import MeetingSeries

TOPICS = [
    ("新能源企业用地用能", "energy", "hz-power", "厂区用电增容排队半年仍未接入，影响新产线投产。"),
    ("工业厂房层高与容积率", "land-factory", "hz-nrp", "新建厂房层高超过 8 米按两层计容，企业扩产受限。"),
    ("高层次人才引进", "labour", "hz-hrss", "引进的博士人才子女入学和住房补贴办理周期长。"),
    ("跨境贸易便利化", "export-customs", "hz-customs", "出口货物查验等待时间长，希望推行提前申报。"),
    ("科技项目申报", "innovation", "hz-sti", "科技项目申报材料重复提交，希望数据共享。"),
    ("融资担保", "finance", "hz-jrb", "小微企业首贷难，担保费率偏高。"),
]
HOSTS = ["市长 王某某", "常务副市长 李某某", "副市长 张某某", "副市长 赵某某"]
PEOPLE = "沈陆钱孙周吴郑王冯陈褚卫蒋韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
DIMENSIONS = ("efficiency", "clarity", "convenience", "attitude")
FINDINGS = [
    "办事指南中的材料清单与窗口实际要求不一致，需多跑一次。",
    "线上申报系统在提交附件时频繁超时。",
    "窗口取号后等待超过 40 分钟，高峰期未增开窗口。",
    "部分表格仍需手写签字，无法全程网办。",
]


def _demo_account(username: str, role: str, name: str, password_hash: str) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.role, user.display_name, user.email = role, name, ""
        user.password = password_hash  # the demo password, as the core demo set it for the clerk
        user.save()
    return user


def _wednesdays(count: int, today: dt.date) -> list[dt.date]:
    last = today - dt.timedelta(days=(today.weekday() - 2) % 7 or 7)
    return [last - dt.timedelta(weeks=n) for n in range(count - 1, -1, -1)]


def _seed_meetings(*, rng, context, now) -> int:
    clerk, supervisor, departments = context["clerk"], context["supervisor"], context["departments"]
    handlers, enterprises = context["handlers"], context["enterprises"]
    series = actions.series_create(
        actor=clerk,
        name="湖州市政企恳谈会",
        kind=MeetingKind.ROUNDTABLE,
        organiser=departments["hz-centre"],
        description="每周三下午，市领导轮流主持，8–10 位企业家面对面反映问题；「2天内交办、2周内办理回复、100%回访」。",
    )
    problems = 0
    days = _wednesdays(12, timezone.localdate(now))
    for index, day in enumerate(days):
        topic, category, lead, text = TOPICS[index % len(TOPICS)]
        held_at = timezone.make_aware(dt.datetime.combine(day, dt.time(14, 30)))
        guests = rng.sample(enterprises, min(8, len(enterprises)))
        session = actions.session_create(
            actor=clerk,
            series=series,
            held_at=held_at,
            venue="湖州市民服务中心 3 楼会议室",
            host=HOSTS[index % len(HOSTS)],
            topic=topic,
            agenda="一、企业家发言；二、相关部门现场回应；三、主持领导讲话、明确交办要求。",
            attendees=[
                {"enterprise": e, "person_name": f"{PEOPLE[(index + i) % len(PEOPLE)]}总", "person_title": "总经理"}
                for i, e in enumerate(guests)
            ],
        )
        rows = [
            {
                "enterprise": guests[i],
                "title": f"{topic}：{guests[i].name[:8]}反映的问题",
                "description": text,
                "category": category,
            }
            for i in range(3)
        ]
        issues = actions.session_register_problems(actor=clerk, session=session, problems=rows, now=now)
        problems += len(issues)
        age = (timezone.localdate(now) - day).days
        for issue in issues:
            if age < 3:
                continue  # this week's problems wait for dispatch
            t = held_at + dt.timedelta(days=1, hours=rng.randint(0, 4))
            issue_actions.issue_dispatch(actor=clerk, issue=issue, lead_department=departments[lead], now=t)
            if age < 8:
                continue
            handler = handlers[lead]
            issue_actions.issue_accept(actor=handler, issue=issue, now=t + dt.timedelta(hours=3))
            replied = min(t + dt.timedelta(days=rng.randint(5, 13)), now - dt.timedelta(hours=1))
            issue_actions.issue_reply(
                actor=handler, issue=issue, reply="已会同相关单位研究，提出解决方案并告知企业。", now=replied
            )
            if age < 20:
                continue
            followed = replied + dt.timedelta(days=2)
            issue_actions.issue_follow_up(
                actor=clerk,
                issue=issue,
                reached=True,
                satisfied=rng.random() < 0.9,
                note="电话回访企业。",
                now=followed,
            )
            issue_actions.issue_close(actor=supervisor, issue=issue, now=followed + dt.timedelta(days=1))
    return problems


def _seed_officers(*, rng, context, now, password_hash) -> tuple[int, int]:
    admin, clerk = context["admin"], context["clerk"]
    items = list(ServiceItem.objects.filter(active=True).order_by("code")[:12])
    if not items:
        return 0, 0
    backgrounds = ["deputy", "cppcc", "entrepreneur", "journalist"]
    officers = []
    term_start = timezone.localdate(now) - dt.timedelta(days=200)
    for n in range(1, 21):
        user = _demo_account(f"officer-{n:02d}", Role.ENTERPRISE, f"{PEOPLE[n % len(PEOPLE)]}体验官", password_hash)
        application = actions.officer_apply(
            actor=user, background=backgrounds[n % 4], organisation="湖州市", statement="愿以普通办事人身份体验服务。"
        )
        actions.officer_decide(
            actor=admin,
            application=application,
            approve=True,
            term_start=term_start,
            term_end=term_start + dt.timedelta(days=730),
        )
        user.refresh_from_db()
        officers.append(user)
    reviews = []
    for officer in officers:
        for item in rng.sample(items, 4):
            when = now - dt.timedelta(days=rng.randint(1, 180), hours=rng.randint(0, 6))
            base = rng.choice([3, 4, 4, 5, 5])
            stars = {d: max(1, min(5, base + rng.choice([-1, 0, 0, 1]))) for d in DIMENSIONS}
            findings = rng.choice(FINDINGS) if min(stars.values()) <= 3 else ""
            reviews.append(
                actions.review_submit(actor=officer, service_item=item, stars=stars, findings=findings, now=when)
            )
    raised = 0
    for review in [r for r in reviews if r.findings][:3]:
        actions.review_raise_problem(
            actor=clerk, review=review, category="approval", enterprise=context["enterprises"][raised], now=now
        )
        raised += 1
    return len(reviews), raised


def _seed_inquiry(*, rng, context, now, password_hash) -> int:
    supervisor, departments = context["supervisor"], context["departments"]
    commons = list(CommonIssue.objects.order_by("id")[:2])
    if not commons:
        return 0
    questioned = list(dict.fromkeys([commons[0].lead_department, departments["hz-nrp"], departments["hz-power"]]))
    inquiry = actions.inquiry_create(
        actor=supervisor,
        title="关于优化营商环境、破解企业共性难题的专题询问",
        held_on=timezone.localdate(now) - dt.timedelta(days=10),
        common_issues=commons,
        departments=questioned,
    )
    for row in inquiry.departments.select_related("department"):
        actions.inquiry_answer(
            actor=supervisor,
            inquiry_department=row,
            answer=f"{row.department.name}：已梳理企业反映的问题，出台工作指引并明确办理时限，下一步建立长效机制。",
        )
    actions.inquiry_move(actor=supervisor, inquiry=inquiry, move="open")
    deputies = [_demo_account(f"deputy-{n:02d}", Role.DEPUTY, f"{PEOPLE[n]}代表", password_hash) for n in range(1, 11)]
    codes = actions.inquiry_issue_codes(actor=supervisor, inquiry=inquiry, count=40, rng=rng)
    weights = [[84, 12, 4, 0], [75, 18, 5, 2], [60, 25, 10, 5]]
    ballots = 0
    for index, department in enumerate(questioned):
        w = weights[index % len(weights)]
        for voter in [*deputies, *codes]:
            choice = rng.choices(BallotChoice.values, weights=w)[0]
            if isinstance(voter, str):
                actions.ballot_cast(actor=None, inquiry=inquiry, department=department, choice=choice, code=voter)
            else:
                actions.ballot_cast(actor=voter, inquiry=inquiry, department=department, choice=choice)
            ballots += 1
    actions.inquiry_move(actor=supervisor, inquiry=inquiry, move="close")
    return ballots


def seed(*, rng: random.Random, context: dict, stdout) -> None:
    if MeetingSeries.objects.exists():
        stdout.write("voice: demo meetings already present, skipped")
        return
    now = timezone.now()
    password_hash = context["clerk"].password
    problems = _seed_meetings(rng=rng, context=context, now=now)
    reviews, raised = _seed_officers(rng=rng, context=context, now=now, password_hash=password_hash)
    ballots = _seed_inquiry(rng=rng, context=context, now=now, password_hash=password_hash)
    stdout.write(
        f"voice: 12 sessions with {problems} problems, 20 officers with {reviews} reviews "
        f"({raised} findings raised), one inquiry with {ballots} ballots"
    )
