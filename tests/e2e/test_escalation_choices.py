"""提级 in the browser (issue 15): the supervisor's escalate form offers only the departments of the next
level up — not every department — and the choice made there is accepted at once (screenshots)."""

import pytest

from issues.models import Issue
from portal.choices import DepartmentKind
from tests.e2e.combobox import choose
from tests.issues.conftest import ensure_issue_configuration
from tests.issues.factories import issue_in
from tests.portal.factories import DepartmentFactory, RegionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_escalate_offers_only_the_next_level(
    page, live_server, login, member, clerk, handler, other_handler, supervisor, screenshot
):
    ensure_issue_configuration()
    zj = RegionFactory(code="330000", name="浙江省", level="province")
    province = DepartmentFactory(
        code="zj-drc", name="浙江省发展和改革委员会", region=zj, kind=DepartmentKind.GOVERNMENT
    )
    DepartmentFactory(code="zj-centre", name="浙江省服务中心", region=zj, kind=DepartmentKind.SERVICE_CENTRE)
    issue = issue_in("accepted", member=member, clerk=clerk, handler=handler)
    login(page, supervisor.username)
    page.goto(f"{live_server.url}/issues/{issue.pk}/")
    select = page.locator("[data-testid=move-escalate] select[name=to_department]")
    offered = [v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
    assert offered == [str(province.pk)]
    # the type-ahead asks the same choices: typing 浙江 offers the province department, never its service centre
    offers = choose(page, "to_department", "浙江", scope="[data-testid=move-escalate]", option="发展和改革")
    assert offers == ["浙江省发展和改革委员会（浙江省）"]
    assert select.input_value() == str(province.pk)
    screenshot(page, "escalate-01-next-level-only")
    page.fill("[data-testid=move-escalate] textarea[name=reason]", "涉及省级审批权限")
    page.click("[data-testid=do-escalate]")
    page.wait_for_selector("[data-testid=timeline]")
    issue = Issue.objects.get(pk=issue.pk)
    assert (issue.level, issue.lead_department) == ("province", province)
    screenshot(page, "escalate-02-escalated")
