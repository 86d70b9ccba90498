"""The window works without JavaScript (issue 15: progressive enhancement, DESIGN.md's "every page works
without JS"). A browser context with JavaScript off does a walk-in application and a walk-in problem at the
window, and comes back from wrong input with the error summary, what was typed kept; the type-ahead
pickers are then the plain selects they enhance (the co-department picker a plain multiple select).

The conftest's axe audit runs in the page's own scripts, which are off here, so these pages are audited by
running axe-core from the test (the same rules; 0 serious or critical) in the state without JavaScript."""

import pytest

from issues.models import Issue
from services.models import Application
from tests.e2e import test_services_flow
from tests.e2e.conftest import AXE_JS
from tests.e2e.keyboard import count_loads
from tests.issues.conftest import ensure_issue_configuration
from tests.issues.factories import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

opening = test_services_flow.opening

AXE_RUN = """async (source) => {
  // timers never fire with JavaScript off (only this evaluation runs): axe's own waits become microtasks
  window.setTimeout = (fn, ms, ...args) => { Promise.resolve().then(() => fn(...args)); return 0; };
  window.clearTimeout = () => {};
  window.requestAnimationFrame = (fn) => { Promise.resolve().then(() => fn(performance.now())); return 0; };
  (0, eval)(source);
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
    resultTypes: ['violations'],
  });
  return result.violations.map(v => ({id: v.id, impact: v.impact, count: v.nodes.length}));
}"""


@pytest.fixture
def nojs(new_page):
    """A tab with JavaScript off (its own context)."""
    return new_page(java_script_enabled=False)


def audit(page, name):
    """axe on the page as it is without JavaScript; serious or critical problems fail the test."""
    if not AXE_JS.exists():
        return  # the conftest warns (or fails under CI)
    assert page.evaluate("() => typeof window.axe") == "undefined"  # the page's own scripts did not run
    violations = page.evaluate(AXE_RUN, AXE_JS.read_text(encoding="utf-8"))
    print(f"axe without JavaScript: {name} {page.url}: {len(violations)} violations {violations}")
    assert not [v for v in violations if v["impact"] in ("serious", "critical")], violations


def test_walk_in_application_without_javascript(nojs, live_server, login, clerk, walk_in, opening, screenshot):
    page = nojs
    login(page, clerk.username)
    loads = count_loads(page)
    # 1: the window page: the enterprise picker is the plain select (no combobox)
    page.goto(f"{live_server.url}/services/window/")
    assert page.locator("[role=combobox]").count() == 0 and page.locator("select[name=enterprise]").is_visible()
    audit(page, "window")
    # wrong input first: no enterprise chosen → the window page again, the summary, the bundle kept
    page.select_option("select[name=bundle]", "qykb")
    page.click("[data-testid=walk-in-start]")
    page.wait_for_selector("[data-testid=error-summary]")
    assert page.title().startswith("错误：")
    assert page.locator("select[name=bundle]").input_value() == "qykb"
    link = page.locator("[data-testid=error-summary] a").first
    target = link.get_attribute("href")
    assert target.startswith("#")
    audit(page, "window-error")
    screenshot(page, "nojs-01-window-error-summary")
    # the summary's link still goes to the field (a plain fragment link)
    link.click()
    assert page.url.endswith(target)
    page.select_option("select[name=enterprise]", str(walk_in.pk))
    page.click("[data-testid=walk-in-start]")
    # 2: the bundle page in window mode: the contact filled in by the server
    page.wait_for_selector("[data-testid=behalf-banner]")
    assert page.locator("input[name=contact_name]").input_value() == "李四"
    assert page.locator("input[name=contact_phone]").input_value() == "0572-2211333"
    audit(page, "bundle-window-mode")
    screenshot(page, "nojs-02-bundle")
    page.click("[data-testid=apply-submit]")
    # 3: the receipt with the materials checklist
    page.wait_for_selector("[data-testid=checklist]")
    application = Application.objects.get()
    assert application.channel == "window" and application.enterprise == walk_in
    assert application.reference in page.inner_text("[data-testid=receipt-reference]")
    audit(page, "receipt")
    screenshot(page, "nojs-03-receipt")
    # the error round trip costs one load more than the 3 of a walk-in
    assert len(loads) <= 5, loads
    print(f"walk-in application without JavaScript: {len(loads)} page loads (one wrong submit): {loads}")


def test_walk_in_problem_without_javascript(nojs, live_server, login, clerk, walk_in, screenshot):
    page = nojs
    login(page, clerk.username)
    page.goto(f"{live_server.url}/services/window/")
    loads = count_loads(page)
    # 1: the enterprise chosen in the plain select, 代为登记问题 is a plain submit button
    page.select_option("select[name=enterprise]", str(walk_in.pk))
    page.click("[data-testid=walk-in-problem]")
    # 2: the intake, the contact filled in; sent without a title: the summary, the description kept
    page.wait_for_selector("[data-testid=issue-form]")
    assert page.locator("input[name=contact_name]").input_value() == "李四"
    page.fill("textarea[name=description]", "新厂房的消防验收找不到受理窗口。")
    page.click("[data-testid=issue-submit]")
    page.wait_for_selector("[data-testid=error-summary]")
    assert page.title().startswith("错误：")
    assert page.locator("textarea[name=description]").input_value() == "新厂房的消防验收找不到受理窗口。"
    assert "标题" in page.inner_text("[data-testid=error-summary]")
    assert not Issue.objects.exists()
    audit(page, "intake-error")
    screenshot(page, "nojs-04-intake-error-summary")
    page.fill("input[name=title]", "厂房消防验收咨询")
    page.click("[data-testid=issue-submit]")
    # 3: the problem's page is its receipt
    page.wait_for_selector("[data-testid=timeline]")
    issue = Issue.objects.get()
    assert (issue.enterprise, issue.contact_phone, issue.title) == (walk_in, "0572-2211333", "厂房消防验收咨询")
    audit(page, "issue-receipt")
    screenshot(page, "nojs-05-issue-receipt")
    assert len(loads) <= 4, loads
    print(f"walk-in problem without JavaScript: {len(loads)} page loads (one wrong submit): {loads}")


def test_dispatch_with_co_departments_without_javascript(
    nojs, live_server, login, member, clerk, handler, other_handler, screenshot
):
    ensure_issue_configuration()
    issue = submit(member)
    page = nojs
    login(page, clerk.username)
    page.goto(f"{live_server.url}/issues/{issue.pk}/")
    scope = "[data-testid=move-dispatch]"
    # the pickers are the plain selects: the lead a select, the co-departments a multiple select
    assert page.locator(f"{scope} [role=combobox]").count() == 0
    page.select_option(f"{scope} select[name=lead_department]", str(handler.department_id))
    page.select_option(f"{scope} select[name=co_departments]", [str(other_handler.department_id)])
    audit(page, "issue-dispatch")
    screenshot(page, "nojs-06-dispatch")
    page.click("[data-testid=do-dispatch]")
    page.wait_for_selector("text=已交办")
    issue = Issue.objects.get(pk=issue.pk)
    assert issue.lead_department_id == handler.department_id
    assert [d.pk for d in issue.co_departments.all()] == [other_handler.department_id]
