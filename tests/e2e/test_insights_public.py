"""A newcomer opens the published evaluation and the solved-case library without logging in and sees
no enterprise name and no personal data."""

import importlib
import re

import pytest
from django.apps import apps

from insights import actions
from tests.e2e.keyboard import assert_focus_visible, follow, skip_to_main, tab_to_selector
from tests.insights import conftest as insights_fixtures
from tests.insights.factories import common_from, seed_period, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The insights test fixtures, and the issues configuration (channels, categories) that a transactional
# test's flush removes after the first test.
fire_department = insights_fixtures.fire_department
fire_handler = insights_fixtures.fire_handler
third_member = insights_fixtures.third_member


@pytest.fixture(autouse=True)
def issue_configuration(db):
    importlib.import_module("issues.migrations.0002_seed_configuration").seed(apps, None)


@pytest.fixture
def private(member, other_member, clerk, handler, other_handler, supervisor, fire_department):
    """A month of handled problems in two departments and a published common problem; the names and numbers
    that must never show on the public pages."""
    seed_period(
        16,
        members=[member, other_member],
        clerk=clerk,
        handlers=[handler, other_handler],
        supervisor=supervisor,
        day="2026-03-10",
    )
    issues = [
        submit(member, title="储能集装箱消防验收没有标准", description="住建部门说没有对应的标准。"),
        submit(other_member, title="储能电站消防竣工验收找不到主管部门", description="各部门互相推诿。"),
    ]
    common = common_from(issues, supervisor=supervisor, lead=fire_department)
    actions.common_issue_update(
        actor=supervisor,
        common_issue=common,
        solution="储能集装箱消防验收统一由消防救援支队受理。",
        mechanism_kind="standard",
        mechanism="出台《工商业储能项目消防验收工作指引》。",
        is_public=True,
    )
    words = {member.memberships.first().enterprise.name, other_member.memberships.first().enterprise.name}
    words |= {"13812345678", "13900001111", "张三", "ent-a", "ent-b"}
    return words


def test_newcomer_sees_rankings_and_library_without_enterprise_or_personal_data(
    page, live_server, screenshot, handler, private
):
    # when a newcomer opens the ranking page from the navigation, without logging in
    page.goto(live_server.url + "/")
    page.click("[data-testid=nav-rankings]")
    page.fill("input[name=period]", "2026-03")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("[data-testid=ranking-table]")
    # then the departments are ranked with their figures and a chart, and nothing private shows
    rows = page.locator("[data-testid=ranking-row]")
    assert rows.count() == 2
    assert handler.department.name in page.inner_text("[data-testid=ranking-table]")
    assert page.locator("figure.chart svg").count() == 2
    text = page.inner_text("body")
    assert not [word for word in private if word in text]
    assert not re.search(r"1[3-9]\d{9}", text)
    screenshot(page, "insights-public-rankings")
    page.emulate_media(media="print")
    screenshot(page, "insights-public-rankings-print")
    page.emulate_media(media="screen")

    # when the newcomer opens the library and a case in it
    page.click("[data-testid=nav-library]")
    page.wait_for_selector("[data-testid=library-item]")
    assert "储能集装箱消防验收无标准" in page.inner_text("[data-testid=library-list]")
    page.click("[data-testid=library-item] h2 a")
    page.wait_for_selector("[data-testid=library-detail]")
    detail = page.inner_text("body")
    assert "消防救援支队受理" in detail and "工作指引" in detail
    assert not [word for word in private if word in detail]
    screenshot(page, "insights-public-library")


def test_rankings_and_library_by_keyboard_alone(page, live_server, screenshot, handler, private):
    """The same public pages without the mouse (issue 15): the rankings from the navigation, a month typed
    into the period and sent with Enter, the scrolling table reached by Tab (its focus shown), the previous
    period's link, then the library and a case in it."""
    page.goto(live_server.url + "/")
    follow(page, "[data-testid=nav-rankings]")
    skip_to_main(page)
    tab_to_selector(page, "input[name=period]")
    page.keyboard.press("Control+A")
    page.keyboard.type("2026-03")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=ranking-table]")
    assert page.inner_text("[data-testid=ranking-period]").startswith("2026-03")
    assert page.locator("[data-testid=ranking-row]").count() == 2
    # the table scrolls on its own: Tab reaches it and shows it has the focus
    tab_to_selector(page, ".table-wrap:has([data-testid=ranking-table])")
    assert_focus_visible(page)
    screenshot(page, "keyboard-insights-rankings")
    follow(page, "[data-testid=period-previous]")
    assert page.inner_text("[data-testid=ranking-period]").startswith("2026-02")
    # the library from the navigation, and its case
    follow(page, "[data-testid=nav-library]")
    follow(page, "[data-testid=library-item] h2 a")
    page.wait_for_selector("[data-testid=library-detail]")
    detail = page.inner_text("body")
    assert "消防救援支队受理" in detail and not [word for word in private if word in detail]
    screenshot(page, "keyboard-insights-library-case")
