"""Factories and helpers of the voice tests. Workflow rows are made through the actions."""

import datetime as dt

from insights.models import CommonIssue
from tests.issues.factories import at
from voice import actions
from voice.choices import MeetingKind


def series(clerk, *, name="湖州市政企恳谈会", kind=MeetingKind.ROUNDTABLE):
    return actions.series_create(actor=clerk, name=name, kind=kind, organiser=clerk.department)


def session(clerk, enterprises, *, held_at=None, the_series=None, **kwargs):
    return actions.session_create(
        actor=clerk,
        series=the_series or series(clerk),
        held_at=held_at or at("2026-02-11", 14),
        venue="市民服务中心三楼会议室",
        host="副市长 王某某",
        topic="新能源企业用地用能",
        agenda="一、企业发言；二、部门回应；三、领导讲话",
        attendees=[
            {"enterprise": e, "person_name": f"参会人{i}", "person_title": "总经理"} for i, e in enumerate(enterprises)
        ],
        **kwargs,
    )


def problem_rows(enterprises, n, category="energy"):
    return [
        {
            "enterprise": enterprises[i % len(enterprises)],
            "title": f"恳谈会问题{i}：厂区用电增容排队",
            "description": "企业新增生产线需要电力增容，排队半年仍未接入。",
            "category": category,
        }
        for i in range(n)
    ]


def common_issue(supervisor, department, *, title="储能项目消防验收无标准") -> CommonIssue:
    return CommonIssue.objects.create(
        reference=f"GX{CommonIssue.objects.count() + 1:06d}",
        title=title,
        summary="多家企业反映储能项目消防验收找不到受理部门。",
        lead_department=department,
        created_by=supervisor,
    )


def inquiry(supervisor, departments, commons, *, held_on=dt.date(2026, 3, 18)):
    return actions.inquiry_create(
        actor=supervisor, title="优化营商环境专题询问", held_on=held_on, common_issues=commons, departments=departments
    )


def officer_finding(department, *, username="officer-1"):
    """A 体验官's review of 企业开办 with a finding (材料清单与窗口要求不一致), not yet raised as a problem."""
    from django.utils import timezone

    from portal.choices import Role
    from services.models import ServiceItem
    from tests.portal.factories import UserFactory
    from voice.models import ServiceReview

    item = ServiceItem.objects.create(code="QY-001", name="企业开办", item_type="admin", department=department)
    return ServiceReview.objects.create(
        officer=UserFactory(username=username, role=Role.OFFICER),
        service_item=item,
        efficiency=2,
        clarity=3,
        convenience=2,
        attitude=5,
        findings="办事指南材料清单与窗口要求不一致。",
        reviewed_at=timezone.now(),
    )
