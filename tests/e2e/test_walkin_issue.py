"""A walk-in problem at the window (issue 15): the clerk finds the enterprise, opens 代为登记问题 from
its row — the enterprise chosen, its contact filled in, the cursor in the title — types the problem and
submits; the problem's page is the receipt. At most 3 page loads, counted from the browser's own load
events of the tab's main frame; and once more by keyboard alone (typing, Tab, Enter; no click)."""

import pytest

from issues.models import Issue
from tests.e2e.keyboard import count_loads, focused

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_walk_in_problem_in_three_page_loads(page, live_server, login, clerk, walk_in, screenshot):
    login(page, clerk.username)
    loads = count_loads(page)
    # 1: the enterprise found by its code
    page.goto(f"{live_server.url}/workbench/enterprises/?q={walk_in.uscc}")
    screenshot(page, "walkin-01-enterprise-found")
    # 2: 代为登记问题 from its row: chosen, contact filled in, the cursor in the title
    page.click(f"[data-testid=intake-for-{walk_in.pk}]")
    page.wait_for_selector("[data-testid=issue-form]")
    assert page.locator("select[name=enterprise]").input_value() == str(walk_in.pk)
    assert page.locator("input[name=contact_name]").input_value() == "李四"
    assert page.locator("input[name=contact_phone]").input_value() == "0572-2211333"
    assert focused(page) == "title"
    page.keyboard.type("厂房消防验收咨询")
    page.fill("textarea[name=description]", "新厂房的消防验收找不到受理窗口。")
    screenshot(page, "walkin-02-intake-prefilled")
    # 3: submitted; the problem's page is the receipt
    page.click("[data-testid=issue-submit]")
    page.wait_for_selector("[data-testid=timeline]")
    issue = Issue.objects.get()
    assert issue.reference in page.content()
    assert (issue.enterprise, issue.contact_name, issue.contact_phone) == (walk_in, "李四", "0572-2211333")
    screenshot(page, "walkin-03-receipt")
    assert len(loads) <= 3, loads
    print(f"walk-in problem: {len(loads)} page loads: {loads}")


def test_walk_in_problem_by_keyboard_alone(page, live_server, login, clerk, walk_in, screenshot):
    login(page, clerk.username)
    loads = count_loads(page)
    page.goto(f"{live_server.url}/issues/intake/?enterprise={walk_in.pk}")
    page.wait_for_selector("[data-testid=issue-form]")
    assert focused(page) == "title"
    page.keyboard.type("纳税信用修复咨询")
    page.keyboard.press("Tab")
    assert focused(page) == "description"
    page.keyboard.type("去年逾期申报一次，想了解信用修复的办理渠道。")
    page.keyboard.press("Tab")
    assert focused(page) == "contact_name"
    page.keyboard.press("Tab")
    assert focused(page) == "contact_phone"
    screenshot(page, "walkin-keyboard-01-typed")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=timeline]")
    issue = Issue.objects.get()
    assert issue.title == "纳税信用修复咨询" and issue.contact_name == "李四"
    screenshot(page, "walkin-keyboard-02-receipt")
    assert len(loads) <= 2, loads
    print(f"walk-in by keyboard: {len(loads)} page loads")
