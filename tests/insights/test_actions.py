"""Common problems: created from a cluster in one step, answered once, each enterprise its own reply."""

import pytest

from insights import actions
from insights.choices import CommonIssueStatus
from insights.models import CommonIssueLink
from insights.selectors import clusters
from issues import actions as issue_actions
from issues.choices import IssueStatus
from portal.exceptions import ActionError, PermissionDeniedError
from portal.models import AuditLog
from tests.insights.factories import common_from, submit

pytestmark = pytest.mark.django_db

FIRE = [
    ("储能集装箱消防验收没有标准", "储能集装箱建好后申请消防验收，住建部门说没有对应的标准，无法受理。"),
    ("储能电站消防竣工验收找不到主管部门", "储能电站预制舱式建设，消防验收各部门互相推诿，不知道按什么规范验收。"),
    ("储能柜项目消防验收卡住了", "储能柜建好后申请消防竣工验收，消防部门说不属于建筑工程，让我们去别处问。"),
]


def _fire_issues(members):
    return [submit(m, title=t, description=d) for m, (t, d) in zip(members, FIRE, strict=True)]


def test_a_cluster_groups_the_same_difficulty_from_several_enterprises(member, other_member, third_member):
    # given three enterprises in two counties reporting the same thing, and one unrelated problem
    issues = _fire_issues([member, other_member, third_member])
    submit(member, title="出口退税到账慢", description="外贸企业退税款三个月没有到账。")
    # when the supervisor looks at the clusters
    found = clusters(min_size=3)
    # then one cluster holds exactly the three
    assert len(found) == 1
    assert {i.pk for i in found[0].issues} == {i.pk for i in issues}
    assert found[0].enterprise_count == 3
    assert len(found[0].region_names) == 2


def test_create_from_a_cluster_dispatches_the_waiting_problems(
    member, other_member, third_member, supervisor, fire_department
):
    issues = _fire_issues([member, other_member, third_member])
    # when the supervisor creates the common problem with the fire brigade leading
    common = common_from(issues, supervisor=supervisor, lead=fire_department)
    # then all three are linked and dispatched to the lead department, and it is audited
    assert common.reference.startswith("GX")
    assert CommonIssueLink.objects.filter(common_issue=common).count() == 3
    for issue in issues:
        issue.refresh_from_db()
        assert issue.status == IssueStatus.DISPATCHED
        assert issue.lead_department == fire_department
    assert AuditLog.objects.filter(action="insights.commonissue.created", target_id=str(common.pk)).exists()


def test_answering_once_gives_each_enterprise_its_own_reply(
    member, other_member, third_member, supervisor, fire_department, fire_handler, clerk
):
    issues = _fire_issues([member, other_member, third_member])
    common = common_from(issues, supervisor=supervisor, lead=fire_department)
    # when the lead department answers once
    result = actions.common_issue_answer(
        actor=fire_handler,
        common_issue=common,
        reply="已明确储能集装箱按《电化学储能电站设计规范》由消防救援支队组织验收。",
        public_reply="储能集装箱消防验收由消防救援支队受理，请携带设计文件到窗口预约。",
    )
    # then every problem has its own reply, and follow-up and rating stay per enterprise
    assert sorted(result["answered"]) == sorted(i.reference for i in issues)
    for issue in issues:
        issue.refresh_from_db()
        assert issue.status == IssueStatus.REPLIED
        assert "消防救援支队受理" in issue.public_reply
        assert issue.events.filter(action="reply").count() == 1
    common.refresh_from_db()
    assert common.status == CommonIssueStatus.ANSWERED
    issue_actions.issue_follow_up(actor=clerk, issue=issues[0], reached=True, satisfied=True)
    issue_actions.issue_rate(actor=member, issue=issues[0], rating=5)
    issues[1].refresh_from_db()
    assert issues[1].rating is None


def test_only_the_lead_handler_answers_and_nothing_changes_when_refused(
    member, other_member, supervisor, fire_department, handler
):
    issues = _fire_issues([member, other_member, member])
    common = common_from(issues, supervisor=supervisor, lead=fire_department)
    for actor in (supervisor, handler, member):
        with pytest.raises(PermissionDeniedError):
            actions.common_issue_answer(actor=actor, common_issue=common, reply="答复")
    assert all(
        i.status == IssueStatus.DISPATCHED for i in type(issues[0]).objects.filter(pk__in=[i.pk for i in issues])
    )


def test_empty_answer_and_bad_input_are_refused(member, other_member, supervisor, fire_department, fire_handler, clerk):
    issues = _fire_issues([member, other_member, member])
    common = common_from(issues, supervisor=supervisor, lead=fire_department)
    with pytest.raises(ActionError):
        actions.common_issue_answer(actor=fire_handler, common_issue=common, reply="  ")
    # a clerk cannot create common problems; a problem cannot belong to two
    with pytest.raises(PermissionDeniedError):
        common_from(issues[:2], supervisor=clerk, lead=fire_department)
    with pytest.raises(ActionError):
        common_from(issues[:2], supervisor=supervisor, lead=fire_department, title="另一个")
    with pytest.raises(ActionError):
        actions.common_issue_create(
            actor=supervisor, title="", summary="x", lead_department=fire_department, issue_ids=[]
        )


def test_mechanism_and_reuse_make_a_library_entry(member, other_member, supervisor, fire_department, region):
    issues = _fire_issues([member, other_member, member])
    common = common_from(issues, supervisor=supervisor, lead=fire_department)
    with pytest.raises(ActionError):
        actions.common_issue_update(actor=supervisor, common_issue=common, is_public=True)
    actions.common_issue_update(
        actor=supervisor,
        common_issue=common,
        solution="由消防救援支队统一受理储能集装箱消防验收。",
        mechanism_kind="standard",
        mechanism="出台《储能项目消防验收工作指引》，全市统一执行。",
        is_public=True,
    )
    common.refresh_from_db()
    assert common.status == CommonIssueStatus.INSTITUTIONALISED
    assert common.is_public
    actions.common_issue_record_reuse(actor=supervisor, common_issue=common, region=region, note="全市推广")
    with pytest.raises(ActionError):
        actions.common_issue_record_reuse(actor=supervisor, common_issue=common, region=region)
    assert common.reuses.count() == 1
