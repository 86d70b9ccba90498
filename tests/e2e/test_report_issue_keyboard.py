"""An enterprise reports a problem by keyboard alone (issue 15: every flow of the browser tests once without
the mouse): from the navigation to the form, a category other than the first chosen with the arrow keys,
the texts typed, sent with Enter; a missing description first comes back with the summary focused and
its link takes the cursor to the field. The Tab presses are printed (a test artifact in the log)."""

import pytest

from issues.models import Issue
from tests.e2e.keyboard import focused, tab_to
from tests.issues.conftest import ensure_issue_configuration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enterprise_reports_a_problem_by_keyboard_alone(page, live_server, login, member, screenshot):
    ensure_issue_configuration()
    login(page, member.username)

    def skip():
        page.keyboard.press("Tab")
        assert focused(page, "class") == "skip-link"
        page.keyboard.press("Enter")

    # 我的问题 in the navigation, then 反映问题, each with Enter
    to_list = tab_to(page, "nav-my-issues", "data-testid")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=report-issue]")
    # 跳到正文 (the first Tab stop) skips the navigation on each page
    skip()
    to_button = tab_to(page, "report-issue", "data-testid")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=issue-form]")
    skip()
    to_form = tab_to(page, "category")
    first = page.locator("select[name=category]").input_value()
    page.keyboard.press("ArrowDown")
    category = page.locator("select[name=category]").input_value()
    assert category != first
    page.keyboard.press("Tab")
    assert focused(page) == "title"
    page.keyboard.type("厂房消防验收无人受理")
    # sent with Enter from the title, the description still empty
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=error-summary]")
    # the address kept the skip link's #main: the summary still gets the focus once the page has loaded
    page.wait_for_function("() => document.activeElement.dataset.testid === 'error-summary'")
    assert page.url.endswith("#main") and page.title().startswith("错误：")
    assert page.locator("input[name=title]").input_value() == "厂房消防验收无人受理"
    assert page.locator("select[name=category]").input_value() == category
    screenshot(page, "keyboard-report-issue-error")
    # the summary's link, reached with Tab, takes the cursor to the description
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page) == "description"
    page.keyboard.type("新建厂房的消防验收不知向哪个部门申请。")
    page.keyboard.press("Tab")
    assert focused(page) == "contact_name"
    page.keyboard.press("Tab")
    assert focused(page) == "contact_phone"
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=timeline]")
    issue = Issue.objects.get()
    assert (issue.title, issue.category.code) == ("厂房消防验收无人受理", category)
    screenshot(page, "keyboard-report-issue-submitted")
    print(f"report a problem by keyboard: Tab presses {to_list} (nav), 1 + {to_button} (button), 1 + {to_form} (form)")
