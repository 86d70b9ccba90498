"""A walk-in application at the window (issue 15): the window page (the enterprise by type-ahead, the bundle),
the bundle page in window mode (the contact filled in from the enterprise, the cursor in the first box,
submitted straight through the same form and action as online), then the receipt with its materials
checklist. At most 3 page loads, counted from the tab's own load events; once by keyboard alone, once with
the mouse from the enterprise list. The page loads and screenshots are test artifacts."""

import pytest

from services.models import Application
from tests.e2e import test_services_flow
from tests.e2e.keyboard import count_loads, focused

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# 企业开办一类事 as the online flow's browser test offers it
opening = test_services_flow.opening


def _audit_open_combobox(page):
    """axe on the picker with its list open and an option active (the page audit runs on load, closed)."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        return  # no axe-core installed: the conftest already warns
    # one axe run at a time: the page's own audit (on load) first
    page.wait_for_function("() => !window.__portalAxe || window.__portalAxe.status === 'done'")
    violations = page.evaluate(
        """async () => (await axe.run('.combobox', {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa',
        'wcag21a', 'wcag21aa', 'best-practice']}})).violations.map(v => [v.id, v.impact])"""
    )
    assert not [v for v in violations if v[1] in ("serious", "critical")], violations


def test_walk_in_application_by_keyboard_in_three_page_loads(
    page,
    live_server,
    login,
    clerk,
    walk_in,
    opening,
    screenshot,
):
    login(page, clerk.username)
    loads = count_loads(page)
    # 1: the window page, the cursor in the enterprise search (Alt+N from any page opens it)
    page.keyboard.press("Alt+N")
    page.wait_for_selector("[data-testid=walk-in-form]")
    assert focused(page, "role") == "combobox"
    # type part of the legal representative's name: the lookup offers the enterprise; Down, Enter chooses it
    page.keyboard.type("李四")
    page.wait_for_selector("[role=listbox] [role=option]")
    assert page.get_attribute("[role=combobox]", "aria-expanded") == "true"
    screenshot(page, "walkin-application-01-type-ahead")
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("[role=option]", "aria-selected") == "true"
    assert page.get_attribute("[role=combobox]", "aria-activedescendant") == page.get_attribute("[role=option]", "id")
    _audit_open_combobox(page)
    page.keyboard.press("Enter")
    assert page.locator("select[name=enterprise]").input_value() == str(walk_in.pk)
    assert walk_in.uscc in page.locator("[role=combobox]").input_value()
    # Tab to the bundle, Down chooses 企业开办一类事, Tab to the button, Enter
    page.keyboard.press("Tab")
    assert focused(page) == "bundle"
    page.keyboard.press("ArrowDown")
    assert page.locator("select[name=bundle]").input_value() == "qykb"
    screenshot(page, "walkin-application-02-chosen")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    # 2: the bundle page in window mode: the contact filled in, the cursor in the first value-added box
    page.wait_for_selector("[data-testid=behalf-banner]")
    assert page.locator("input[name=contact_name]").input_value() == "李四"
    assert page.locator("input[name=contact_phone]").input_value() == "0572-2211333"
    assert focused(page, "data-testid") == "item-330500-VA-0001"
    page.keyboard.press("Space")
    screenshot(page, "walkin-application-03-bundle")
    page.keyboard.press("Alt+S")
    # 3: the receipt, with a box for each material of the chosen items
    page.wait_for_selector("[data-testid=checklist]")
    application = Application.objects.get()
    assert application.channel == "window" and application.on_behalf and application.submitted_by == clerk
    assert (application.contact_name, application.contact_phone) == ("李四", "0572-2211333")
    assert "免费刻章" in [t.name for t in application.items.all()]
    assert application.reference in page.inner_text("[data-testid=receipt-reference]")
    assert "公司章程" in page.inner_text("[data-testid=checklist]")
    screenshot(page, "walkin-application-04-receipt")
    page.emulate_media(media="print")
    assert not page.locator("[data-testid=main-nav]").is_visible()
    assert page.locator("[data-testid=checklist]").is_visible()
    screenshot(page, "walkin-application-05-receipt-print")
    page.emulate_media(media="screen")
    assert len(loads) <= 3, loads
    print(f"walk-in application by keyboard: {len(loads)} page loads: {loads}")


def test_walk_in_application_from_the_enterprise_list(
    page,
    live_server,
    login,
    clerk,
    walk_in,
    opening,
    screenshot,
):
    login(page, clerk.username)
    page.goto(f"{live_server.url}/workbench/enterprises/?q={walk_in.uscc}")
    loads = count_loads(page)
    # 1: 代为申请一类事 from the row: the window page with the enterprise chosen, the cursor in the bundle
    page.click(f"[data-testid=apply-on-behalf-{walk_in.pk}]")
    page.wait_for_selector("[data-testid=walk-in-form]")
    assert walk_in.name in page.locator("[role=combobox]").input_value()
    assert focused(page) == "bundle"
    page.select_option("select[name=bundle]", "qykb")
    page.click("[data-testid=walk-in-start]")
    # 2: the bundle page; 3: the receipt
    page.wait_for_selector("[data-testid=behalf-banner]")
    page.click("[data-testid=apply-submit]")
    page.wait_for_selector("[data-testid=checklist]")
    assert Application.objects.get().enterprise == walk_in
    assert len(loads) <= 3, loads
    # the next walk-in starts from the receipt
    page.click("[data-testid=next-walk-in]")
    page.wait_for_selector("[data-testid=shortcuts]")
    screenshot(page, "walkin-application-next")


def test_walk_in_problem_from_the_window_by_keyboard(page, live_server, login, clerk, walk_in, screenshot):
    from issues.models import Issue
    from tests.issues.conftest import ensure_issue_configuration

    ensure_issue_configuration()
    login(page, clerk.username)
    loads = count_loads(page)
    # 1: Alt+N, the code typed: the one offer is taken with Enter; Alt+I goes on to the problem intake
    page.keyboard.press("Alt+N")
    page.wait_for_selector("[data-testid=walk-in-form]")
    page.keyboard.type(walk_in.uscc)
    page.wait_for_selector("[role=listbox] [role=option]")
    page.keyboard.press("Enter")
    assert page.locator("select[name=enterprise]").input_value() == str(walk_in.pk)
    page.keyboard.press("Alt+I")
    # 2: the intake: the enterprise chosen, its contact filled in, the cursor in the title
    page.wait_for_selector("[data-testid=issue-form]")
    assert focused(page) == "title"
    assert page.locator("input[name=contact_name]").input_value() == "李四"
    page.keyboard.type("厂房消防验收咨询")
    page.keyboard.press("Tab")
    page.keyboard.type("新厂房的消防验收找不到受理窗口。")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused(page) == "contact_phone"
    screenshot(page, "walkin-problem-window-01-intake")
    page.keyboard.press("Enter")
    # 3: the problem's page is its receipt
    page.wait_for_selector("[data-testid=timeline]")
    issue = Issue.objects.get()
    assert (issue.enterprise, issue.contact_phone) == (walk_in, "0572-2211333")
    screenshot(page, "walkin-problem-window-02-receipt")
    assert len(loads) <= 3, loads
    print(f"walk-in problem from the window by keyboard: {len(loads)} page loads")


def test_picker_keys_and_shortcuts_never_take_over_typing(page, live_server, login, clerk, walk_in, screenshot):
    login(page, clerk.username)
    page.goto(f"{live_server.url}/services/window/")
    page.wait_for_selector("[data-testid=walk-in-form]")
    box = page.locator("[role=combobox]")
    # letters typed in a field stay there (n, k, s, p are shortcuts only with Alt)
    box.press_sequentially("nksp")
    assert box.input_value() == "nksp" and page.url.endswith("/services/window/")
    # Escape closes the list, a second Escape clears the text and the choice
    box.fill("绿源")
    page.wait_for_selector("[role=listbox] [role=option]")
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false" and box.input_value() == "绿源"
    box.press("Escape")
    assert box.input_value() == "" and page.locator("select[name=enterprise]").input_value() == ""
    # Alt+K brings the cursor back to the enterprise search from anywhere on the page
    page.locator("select[name=bundle]").focus()
    page.keyboard.press("Alt+K")
    assert page.evaluate("() => document.activeElement.getAttribute('role')") == "combobox"
    # nothing found is said, for a screen reader too
    box.fill("不存在的企业名称")
    page.wait_for_function("() => document.querySelector('.combobox [role=status]').textContent === '没有找到'")
    assert box.get_attribute("aria-expanded") == "false"
    screenshot(page, "walkin-picker-nothing-found")
