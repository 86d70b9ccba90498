"""A supervisor creates a common problem from a cluster; the lead department answers it once; each
linked enterprise sees its own reply on its own problem."""

import importlib

import pytest
from django.apps import apps

from tests.insights import conftest as insights_fixtures
from tests.insights.factories import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The insights test fixtures, and the issues configuration (channels, categories) that a transactional
# test's flush removes after the first test.
fire_department = insights_fixtures.fire_department
fire_handler = insights_fixtures.fire_handler
third_member = insights_fixtures.third_member


@pytest.fixture(autouse=True)
def issue_configuration(db):
    importlib.import_module("issues.migrations.0002_seed_configuration").seed(apps, None)


FIRE = [
    ("储能集装箱消防验收没有标准", "储能集装箱建好后申请消防验收，住建部门说没有对应的标准，无法受理。"),
    ("储能电站消防竣工验收找不到主管部门", "储能电站预制舱式建设，消防验收各部门互相推诿，不知道按什么规范验收。"),
    ("储能柜项目消防验收卡住了", "储能柜建好后申请消防竣工验收，消防部门说不属于建筑工程，让我们去别处问。"),
]
ANSWER = "储能集装箱消防验收由消防救援支队统一受理，请携带设计文件到企业综合服务中心预约。"


def test_cluster_to_common_problem_to_one_answer_to_each_enterprise(
    page, live_server, login, screenshot, member, other_member, third_member, supervisor, fire_handler, clerk
):
    # given three enterprises (two counties) reporting the same difficulty in their own words
    members = [member, other_member, third_member]
    issues = [submit(m, title=t, description=d) for m, (t, d) in zip(members, FIRE, strict=True)]

    # when the supervisor opens the clustering view
    login(page, supervisor.username)
    page.goto(live_server.url + "/insights/clusters/")
    cluster = page.locator("[data-testid=cluster]").first
    assert "3 家企业" in cluster.locator("[data-testid=cluster-summary]").inner_text()
    screenshot(page, "insights-clusters")
    # and creates a common problem from the cluster in one step, with the fire brigade leading
    cluster.locator("[data-testid=cluster-create]").click()
    page.select_option("select[name=lead_department]", label=fire_handler.department.name)
    page.fill("input[name=title]", "储能集装箱消防验收无标准、无部门受理")
    screenshot(page, "insights-common-create")
    page.click("[data-testid=common-create-submit]")
    page.wait_for_selector("[data-testid=linked-issues]")
    statuses = page.locator("[data-testid=linked-status]").all_inner_texts()
    assert statuses == ["已交办"] * 3
    screenshot(page, "insights-common-created")
    common_url = page.url
    page.click("[data-testid=logout]")

    # when the lead department answers it once
    login(page, fire_handler.username)
    page.goto(common_url)
    page.fill("textarea[name=reply]", ANSWER)
    page.click("[data-testid=answer-submit]")
    page.wait_for_selector(".alert-success")
    assert page.locator("[data-testid=linked-status]").all_inner_texts() == ["已答复"] * 3
    screenshot(page, "insights-common-answered")
    page.click("[data-testid=logout]")

    # then each enterprise sees its own problem with the reply, and not the others'
    for number, (user, issue) in enumerate(zip(members, issues, strict=True)):
        login(page, user.username)
        page.goto(f"{live_server.url}/issues/{issue.pk}/")
        body = page.inner_text("body")
        assert ANSWER in body
        assert issue.reference in body
        screenshot(page, f"insights-enterprise-{number + 1}-reply")
        other = issues[(number + 1) % 3]
        assert page.goto(f"{live_server.url}/issues/{other.pk}/").status == 404
        page.goto(live_server.url + "/")
        page.click("[data-testid=logout]")
