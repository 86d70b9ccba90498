"""Where a problem may be sent: 提级 offers and accepts only the next level up (one rule for the form, the
page, the API and the action); 交办 offers only the departments that can take a problem."""

import pytest
from django.utils import translation

from issues import actions, routing
from issues.forms import DispatchForm, EscalateForm
from issues.models import Escalation, Issue
from portal.choices import DepartmentKind
from tests.issues.factories import issue_in, submit
from tests.portal.factories import DepartmentFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def levels(province_department):
    """Besides the city's own departments: a county department, an inactive province department and the
    province's service centre (neither of which can take a problem)."""
    county = RegionFactory(code="330502", name="吴兴区", level="county")
    DepartmentFactory(code="wx-drc", name="吴兴区发改局", region=county, kind=DepartmentKind.GOVERNMENT)
    zj = province_department.region
    DepartmentFactory(code="zj-old", name="浙江省旧部门", region=zj, kind=DepartmentKind.GOVERNMENT, is_active=False)
    DepartmentFactory(code="zj-centre", name="浙江省服务中心", region=zj, kind=DepartmentKind.SERVICE_CENTRE)
    return province_department


def _accepted(people):
    return issue_in("accepted", member=people["member"], clerk=people["clerk"], handler=people["handler"])


def test_the_escalate_form_offers_exactly_the_next_level(people, supervisor, levels):
    # given a city-level problem
    issue = _accepted(people)
    assert issue.level == "city" and routing.next_level(issue) == "province"
    # then the form offers the active province department that takes problems, and nothing else
    offered = list(EscalateForm(obj=issue).fields["to_department"].queryset)
    assert offered == [levels] == list(routing.escalation_targets(issue))
    # and the detail page shows exactly that choice
    page = _page(supervisor, issue)
    form = page.split('data-testid="move-escalate"')[1].split("</form>")[0]
    assert levels.name in form and "吴兴区发改局" not in form and people["handler"].department.name not in form


def _page(user, issue):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get(f"/issues/{issue.pk}/").content.decode()


def test_another_department_is_refused_with_a_clear_message(client_for, people, supervisor, levels):
    issue = _accepted(people)
    same_level = people["other_handler"].department
    # the action refuses it and changes nothing
    with pytest.raises(Exception) as info:
        actions.issue_escalate(actor=supervisor, issue=issue, to_department=same_level, reason="x")
    assert "提级只能交给上一级（省级）的部门" in str(info.value)
    # the page says the same before anything runs
    r = client_for(supervisor).post(
        f"/issues/{issue.pk}/move/escalate/", {"to_department": same_level.pk, "reason": "需上级统筹"}
    )
    assert r.status_code == 200 and "提级只能交给上一级（省级）的部门，请从列表中选择。" in r.content.decode()
    # the API too
    r = client_for(supervisor).post(
        f"/api/v1/issues/{issue.pk}/escalate/",
        {"to_department": same_level.pk, "reason": "需上级统筹"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "提级只能交给上一级" in r.content.decode()
    assert not Escalation.objects.exists()
    assert Issue.objects.get(pk=issue.pk).lead_department == people["handler"].department
    # and in English the message is English
    with translation.override("en"):
        assert routing.escalation_refusal(issue) == (
            "An escalation can only go to a department at the next level up (Province level): choose one from the list."
        )


def test_the_next_level_is_accepted_and_the_province_is_the_top(people, supervisor, levels):
    issue = _accepted(people)
    actions.issue_escalate(actor=supervisor, issue=issue, to_department=levels, reason="需省级统筹")
    issue.refresh_from_db()
    assert issue.level == "province" and issue.lead_department == levels
    assert routing.next_level(issue) is None and not routing.escalation_targets(issue).exists()
    assert "不能再提级" in routing.escalation_refusal(issue)


def test_dispatch_offers_only_departments_that_take_problems_at_the_problems_level_first(people, levels):
    issue = submit(people["member"])
    offered = list(DispatchForm(obj=issue).fields["lead_department"].queryset)
    codes = [d.code for d in offered]
    assert "zj-old" not in codes and "zj-centre" not in codes and "hz-centre" not in codes
    assert all(d.kind not in routing.NOT_TAKING_PROBLEMS and d.is_active for d in offered)
    # the problem's own level first, then the others by region code
    levels_in_order = [d.region.level for d in offered]
    own = levels_in_order.count(issue.level)
    assert own >= 1 and levels_in_order[:own] == [issue.level] * own and len(set(levels_in_order)) >= 2
