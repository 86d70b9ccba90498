"""交办 with co-departments by keyboard (issue 15): the co-department picker is a type-ahead like the lead
department's (static/js/window.js over the plain multiple select, which still works without JavaScript:
tests/e2e/test_without_javascript.py). Type, Down, Enter adds a department to the chosen list and empties
the box for the next; a chosen one is not offered again; Backspace in the empty box removes the last one;
each chosen one has its own remove button reached with Tab."""

import pytest

from issues.models import Issue
from tests.e2e.combobox import choose, combobox
from tests.issues.conftest import ensure_issue_configuration
from tests.issues.factories import submit
from tests.portal.factories import DepartmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = """async (selector) => (await axe.run(document.querySelector(selector), {
  runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
  resultTypes: ['violations'],
})).violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id + ' ' + v.help)"""


def test_co_departments_are_chosen_by_keyboard(
    page, live_server, login, member, clerk, handler, other_handler, screenshot
):
    ensure_issue_configuration()
    ecology = DepartmentFactory(code="hz-eco", name="湖州市生态环境局")
    issue = submit(member)
    login(page, clerk.username)
    page.goto(f"{live_server.url}/issues/{issue.pk}/")
    scope = "[data-testid=move-dispatch]"
    choose(page, "lead_department", handler.department.name, scope=scope)
    box = combobox(page, "co_departments", scope)
    select = page.locator(f"{scope} select[name=co_departments]")
    chosen = page.locator(f"{scope} [data-testid=co_departments-chosen] li")
    listbox = page.locator("#" + box.get_attribute("aria-controls"))

    def add(typed):
        box.focus()
        page.keyboard.type(typed)
        listbox.locator("[role=option]").first.wait_for()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")

    def values():
        return sorted(select.evaluate("s => Array.from(s.selectedOptions).map(o => o.value)"))

    # the first co-department: typed, Down, Enter → in the chosen list, the box empty again and still focused
    add("税务")
    assert chosen.all_inner_texts()[0].startswith(other_handler.department.name)
    assert box.input_value() == "" and page.evaluate("document.activeElement.getAttribute('role')") == "combobox"
    assert values() == [str(other_handler.department_id)]
    # the second; then Backspace in the empty box takes the last one back out, and it is added again
    add("生态")
    assert values() == sorted([str(other_handler.department_id), str(ecology.pk)])
    page.keyboard.press("Backspace")
    assert values() == [str(other_handler.department_id)] and chosen.count() == 1
    add("生态")
    assert chosen.count() == 2
    # a department already chosen is not offered again
    box.fill("税务")
    page.wait_for_function(
        "(el) => el.closest('.combobox').querySelector('[role=status]').textContent !== ''", arg=box.element_handle()
    )
    assert not [t for t in listbox.locator("[role=option]").all_inner_texts() if "税务" in t]
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    # each chosen one has a remove button, next in the Tab order, that says what it removes
    page.keyboard.press("Tab")
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert label == f"移除 {chosen.all_inner_texts()[0].rstrip('×').strip()}"
    screenshot(page, "dispatch-co-departments-chosen")
    # axe on the dispatch form in this state (the page-load audit saw it before anything was chosen)
    assert page.evaluate(SERIOUS, scope) == []
    page.keyboard.press("Enter")
    assert values() == [str(ecology.pk)] and chosen.count() == 1
    assert page.evaluate("document.activeElement.getAttribute('role')") == "combobox"
    add("税务")
    # the form sends exactly the chosen ones
    page.locator("[data-testid=do-dispatch]").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("text=已交办")
    issue = Issue.objects.get(pk=issue.pk)
    assert issue.lead_department_id == handler.department_id
    assert {d.pk for d in issue.co_departments.all()} == {other_handler.department_id, ecology.pk}
    screenshot(page, "dispatch-co-departments-dispatched")
