"""Demo data of this app, called by ``manage.py seed_demo`` after the core and issues demo data.

So that the clustering view, the library and the rankings are full on first run:
1. a few groups of differently worded reports of the same difficulty from several enterprises (the
   seeds' cases: energy-storage fire acceptance, factory storey height, street lights at factory
   gates, pilot-plant queues, water-side fuel stations, social-insurance subsidies), spread over the
   last three months and driven through the issues actions (dispatch, sign, reply, follow-up …);
2. common problems built from the clusters the similarity engine finds among all demo problems (the
   issues app's and these), with an answer from the lead department, a lasting mechanism, and reuse
   records in other counties; one cluster stays open so the supervisor's view has work in it.

Idempotent: nothing is done when common problems already exist. Everything goes through actions.
"""

import datetime as dt
import random
import re

from django.utils import timezone

from issues import actions as issue_actions
from issues.choices import IssueStatus
from issues.models import Issue
from portal.models import Enterprise

from . import actions, similarity
from .choices import MechanismKind
from .models import CommonIssue
from .selectors import clusters

TOPICS = [
    {
        "category": "approval",
        "lead": "hz-fire",
        "texts": [
            (
                "储能集装箱消防验收没有标准",
                "储能集装箱建好后申请消防验收，住建部门说没有对应的标准，无法受理，项目并网被耽误。",
            ),
            (
                "储能电站消防竣工验收找不到主管部门",
                "储能电站预制舱式建设，消防验收各部门互相推诿，不知道该按什么规范验收。",
            ),
            (
                "工商业储能项目消防验收卡住了",
                "储能柜项目建成后申请消防竣工验收，消防部门说不属于建筑工程，让我们去别处问。",
            ),
            ("储能项目消防备案无法办理", "工商业储能集装箱项目消防备案找不到依据，验收一直办不下来。"),
        ],
        "solution": "储能集装箱（预制舱）项目的消防验收统一由消防救援支队受理，按《电化学储能电站设计规范》审查；"
        "企业可在企业综合服务中心窗口预约，现场指导一次办结。",
        "mechanism": (
            "standard",
            "出台《工商业储能项目消防验收工作指引》，明确受理部门、适用标准和办理时限，全市统一执行。",
        ),
    },
    {
        "category": "land-factory",
        "lead": "hz-nrp",
        "texts": [
            (
                "标准厂房层高不够设备无法安装",
                "租用的小微园区标准厂房层高只有4.5米，自动化产线需要8米以上，园区说层高不能调整。",
            ),
            ("新建厂房层高不满足生产要求", "园区统一建设的厂房层高偏低，大型设备和行车装不下，希望调整规划指标。"),
            ("车间净高限制导致生产线无法进场", "我们的生产线对净高有要求，标准厂房高度不够，能否提供层高更高的厂房。"),
        ],
        "solution": "对先进制造业项目，工业厂房层高可按工艺需要在规划条件中单独核定；已建小微园区可申请局部改造。",
        "mechanism": ("policy", "修订工业用地规划条件，允许按生产工艺核定厂房层高，纳入“标准地”出让条件。"),
    },
    {
        "category": "infrastructure",
        "lead": "hz-housing",
        "texts": [
            ("厂区门口路灯不亮", "厂区门口那段路路灯坏了很久，夜班员工出行不安全，报修后不知道归谁管。"),
            ("园区门口没有路灯", "园区支路一直没有装路灯，下班的工人骑电动车摔倒过，市政和园区互相推。"),
            ("公司门前道路夜间照明不足", "公司门前道路晚上一片漆黑，货车进出存在安全隐患，希望尽快安装路灯。"),
        ],
        "solution": "园区道路路灯由所在街道统一纳入市政照明管理，已完成安装并设立报修电话。",
        "mechanism": ("coordination", "建立园区道路照明“街道牵头、园区配合”的管养机制，报修 48 小时内处理。"),
    },
    {
        "category": "innovation",
        "lead": "hz-sti",
        "texts": [
            ("中试基地排队时间太长", "实验室小试成功的新材料需要中试，园区中试基地排期已经排到明年，影响产品上市。"),
            ("新产品中试找不到场地", "想使用公共中试平台做工艺验证，申请后一直没有排上，希望开放更多中试车间。"),
            ("中试平台资源紧张轮不上", "新材料放大试验需要中试平台，场地和设备全被占满，错过了订单窗口。"),
        ],
        "solution": "开放高校和龙头企业的闲置中试线共享使用，通过科技大市场统一预约排期。",
        "mechanism": ("platform", "建设全市中试资源共享平台，公开排期，30 天内安排中试。"),
    },
    {
        "category": "approval",
        "lead": "hz-commerce",
        "texts": [
            (
                "水上加油站经营许可办不下来",
                "船舶加油趸船申请成品油零售经营许可，商务部门认为不属于陆上加油站，经营范围无法核定。",
            ),
            (
                "趸船加油站许可证核定遇到困难",
                "为内河船舶提供加油服务的水上加油站，许可审批没有先例，港航和商务部门意见不一致。",
            ),
            ("水上加油站经营范围变更遇到困难", "水上加油站营业执照上的经营范围无法登记，许可核发部门说都不归自己管。"),
        ],
        "solution": None,  # stays open: the supervisor's cluster view and answer have something to do
        "mechanism": None,
    },
]


def _enterprises_by_region(enterprises):
    by_region = {}
    for enterprise in enterprises:
        by_region.setdefault(enterprise.region_id, []).append(enterprise)
    ordered = []
    while any(by_region.values()):
        for region_id in list(by_region):
            if by_region[region_id]:
                ordered.append(by_region[region_id].pop(0))
    return ordered


def _demo_problems(*, rng, context, today):
    clerk, supervisor = context["clerk"], context["supervisor"]
    departments, handlers = context["departments"], context["handlers"]
    enterprises = _enterprises_by_region(context["enterprises"])
    created = []
    position = 0
    for number, topic in enumerate(TOPICS):
        lead = departments.get(topic["lead"])
        handler = handlers.get(topic["lead"])
        for index, (title, description) in enumerate(topic["texts"]):
            enterprise = enterprises[position % len(enterprises)]
            position += 1
            days_ago = rng.randint(3, 80) if topic["solution"] else rng.randint(1, 20)
            when = timezone.now() - dt.timedelta(days=days_ago, hours=rng.randint(0, 6))
            issue = issue_actions.issue_submit(
                actor=clerk,
                enterprise=enterprise,
                channel=rng.choice(["window", "hotline-12345", "roundtable", "visit", "online"]),
                title=title,
                description=description,
                category=topic["category"],
                now=when,
            )
            created.append(issue)
            # the open topic: leave the problems waiting for the supervisor's cluster view
            if not topic["solution"] or lead is None or handler is None:
                continue
            if index == 0 and number % 2 == 0:
                continue  # one per topic left waiting, so "create from cluster" also dispatches
            dispatch_at = when + dt.timedelta(hours=rng.randint(2, 30))
            issue_actions.issue_dispatch(actor=clerk, issue=issue, lead_department=lead, now=dispatch_at)
            accept_at = dispatch_at + dt.timedelta(hours=rng.choice([3, 20, 60]))
            if accept_at < timezone.now():
                issue_actions.issue_accept(actor=handler, issue=issue, now=accept_at)
    _ = supervisor
    return created


def seed(*, rng: random.Random, context: dict, stdout) -> None:
    if CommonIssue.objects.exists():
        stdout.write("insights: common problems already present, nothing to do")
        return
    supervisor, clerk = context["supervisor"], context["clerk"]
    handlers, departments, regions = context["handlers"], context["departments"], context["regions"]
    today = timezone.localdate()
    demo = _demo_problems(rng=rng, context=context, today=today)
    members_by_enterprise = {
        member.memberships.first().enterprise_id: member
        for member in context["members"].values()
        if member.memberships.exists()
    }

    created = 0
    for topic in TOPICS:
        lead = departments.get(topic["lead"])
        if lead is None:
            continue
        titles = {title for title, _ in topic["texts"]}
        members = [issue for issue in demo if issue.title in titles]
        members = list(Issue.objects.filter(pk__in=[i.pk for i in members]))
        if topic["solution"] is None or len(members) < 2:
            continue  # left for the clustering view
        common = actions.common_issue_create(
            actor=supervisor,
            title=topic["texts"][0][0],
            summary=f"多家企业反映：{topic['texts'][0][1]}",
            root_cause="职责边界和适用标准不清，新业态缺少明确的主管部门和办理依据。",
            lead_department=lead,
            issue_ids=[issue.pk for issue in members],
            dispatch_unassigned=True,
        )
        handler = handlers.get(topic["lead"])
        if handler is not None:
            result = actions.common_issue_answer(
                actor=handler, common_issue=common, reply=topic["solution"], public_reply=topic["solution"]
            )
            for reference in result["answered"]:
                issue = Issue.objects.get(reference=reference)
                if rng.random() < 0.8:
                    issue_actions.issue_follow_up(
                        actor=clerk,
                        issue=issue,
                        reached=True,
                        satisfied=True,
                        note="企业表示满意。",
                        satisfaction=rng.choice([4, 5, 5]),
                    )
                    member = members_by_enterprise.get(issue.enterprise_id)
                    if member is not None:  # the enterprise's own 好差评, from its own account
                        issue_actions.issue_rate(actor=member, issue=issue, rating=rng.choice([3, 4, 5, 5]))
                    issue.refresh_from_db()
                    if issue.status == IssueStatus.FOLLOWED_UP and rng.random() < 0.7:
                        issue_actions.issue_close(actor=supervisor, issue=issue)
        kind, text = topic["mechanism"]
        actions.common_issue_update(
            actor=supervisor,
            common_issue=common,
            solution=topic["solution"],
            mechanism_kind=kind if kind in MechanismKind.values else MechanismKind.OTHER,
            mechanism=text,
            mechanism_adopted_on=today - dt.timedelta(days=rng.randint(1, 30)),
            is_public=True,
            is_exemplary=created == 0,
        )
        for code in rng.sample(sorted(regions), k=min(2, len(regions))):
            if code != lead.region.code:
                actions.common_issue_record_reuse(
                    actor=supervisor, common_issue=common, region=regions[code], note="参照首创地做法推广执行。"
                )
        created += 1

    # Common problems among the issues app's own demo problems, found by the similarity engine over
    # every problem (closed ones too: the library is built from solved cases).
    statuses = [status for status in IssueStatus.values if status != IssueStatus.WITHDRAWN]
    names = sorted(Enterprise.objects.values_list("name", flat=True), key=len, reverse=True)
    mechanisms = list(MechanismKind.values)
    for number, cluster in enumerate(clusters(since=None, min_size=3, statuses=statuses)[:8]):
        department = cluster.suggested_department
        if department is None or any(issue.title in _all_titles() for issue in cluster.issues):
            continue
        title = _public(cluster.suggested_title, names)
        existing = _existing_common(title)
        if existing is not None:  # the same difficulty as a common problem already made: link, don't repeat
            actions.common_issue_link(
                actor=supervisor, common_issue=existing, issue_ids=[issue.pk for issue in cluster.issues]
            )
            continue
        common = actions.common_issue_create(
            actor=supervisor,
            title=title,
            summary=f"{cluster.enterprise_count} 家企业在 {len(cluster.region_names)} 个地区反映：{title}。",
            root_cause="办理依据和牵头部门不明确，同类问题在各地反复出现。",
            lead_department=department,
            issue_ids=[issue.pk for issue in cluster.issues],
            dispatch_unassigned=False,
        )
        replies = [issue.public_reply for issue in cluster.issues if issue.public_reply]
        if replies:
            kind = mechanisms[number % len(mechanisms)]
            actions.common_issue_update(
                actor=supervisor,
                common_issue=common,
                solution=_public(replies[0], names),
                mechanism_kind=kind if number % 2 == 0 else "",
                mechanism=f"将「{title}」的解决办法固化为工作规范，由{department.name}牵头在全市推广。"
                if number % 2 == 0
                else "",
                is_public=True,
            )
            for code in rng.sample(sorted(regions), k=min(2, len(regions))):
                if code != department.region.code:
                    actions.common_issue_record_reuse(
                        actor=supervisor, common_issue=common, region=regions[code], note="参照首创地做法推广执行。"
                    )
        created += 1
    stdout.write(f"insights: {len(demo)} demo problems, {created} common problems")


def _existing_common(title: str):
    linked = Issue.objects.filter(common_link__isnull=False)
    hits = similarity.search(title, limit=1, min_score=0.3, within=linked.values("pk"))
    if not hits:
        return None
    return CommonIssue.objects.filter(links__issue_id=hits[0].issue_id).first()


def _public(text: str, names: list[str]) -> str:
    """Text fit for the public library: no enterprise names (the issues demo puts a short name in
    brackets after some titles)."""
    text = re.sub(r"（[^）]*）$", "", text.strip())
    for name in names:
        text = text.replace(name, "企业")
    return text


def _all_titles() -> set[str]:
    return {title for topic in TOPICS for title, _ in topic["texts"]}
