"""Move and decision forms with wrong input, in a real browser (issue 15): the supervisor's extension decision
and the handler's 办结 come back with the form's error summary focused, 「错误：」 in the title, what was typed
kept, and go through once corrected. Screenshots of each state; axe audits every page shown."""

import datetime as dt

import pytest

from issues import actions as issue_actions
from tests.issues.conftest import ensure_issue_configuration
from tests.issues.factories import issue_in
from tests.services.conftest import opening, submit  # noqa: F401 - fixtures of the services tests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _focused_testid(page) -> str | None:
    return page.evaluate("document.activeElement && document.activeElement.dataset.testid")


def test_extension_decision_without_a_choice(page, live_server, login, screenshot, member, clerk, handler, supervisor):
    from issues.models import ExtensionRequest

    # given a pending extension request
    ensure_issue_configuration()
    issue = issue_in("accepted", member=member, clerk=clerk, handler=handler, title="需要延期")
    request = issue_actions.issue_request_extension(
        actor=handler, issue=issue, requested_due=issue.reply_due + dt.timedelta(days=10), reason="需要现场勘验"
    )
    login(page, supervisor.username)
    page.goto(f"{live_server.url}/issues/supervision/?section=extensions")
    row = page.locator(f"[data-testid=decide-{request.pk}]")
    # when the supervisor types a note and submits without choosing 同意/不同意
    row.locator("input[name=note]").fill("请补充勘验计划")
    row.locator("button[type=submit]").click()
    # then the decision page says what to do, with the focus on the summary and the note kept
    summary = page.locator("[data-testid=error-summary]")
    assert "请选择“同意”或“不同意”" in summary.inner_text()
    assert _focused_testid(page) == "error-summary"
    assert page.title().startswith("错误：")
    assert page.input_value(f"#id_decide-{request.pk}-note") == "请补充勘验计划"
    screenshot(page, "errors-extension-decision")
    # when the link in the summary is followed, the choice is made and the form sent
    summary.locator("a").click()
    assert page.evaluate("document.activeElement.id") == f"id_decide-{request.pk}-approve"
    page.select_option(f"#id_decide-{request.pk}-approve", "1")
    page.click("[data-testid=decision-submit]")
    # then it is approved and the supervisor is back on the extensions list
    page.wait_for_url("**section=extensions**")
    assert "已处理延期申请" in page.locator(".alert").first.inner_text()
    assert ExtensionRequest.objects.get(pk=request.pk).status == "approved"
    screenshot(page, "errors-extension-decided")


def test_task_completed_without_its_result(page, live_server, login, screenshot, handler, submit):  # noqa: F811
    from services.models import ApplicationItem

    # given an accepted task
    application = submit()
    task = application.items.get(service_code="330000-AMR-001")
    login(page, handler.username)
    page.goto(f"{live_server.url}/services/workbench/tasks/{task.pk}/")
    page.click("[data-testid=task-accept]")
    page.wait_for_selector("[data-testid=task-complete]")
    # when the handler presses 办结 without the result
    page.click("[data-testid=task-complete]")
    # then the 办结 form's summary says what to write, has the focus, and the title says there is an error
    summary = page.locator("[data-testid=move-complete] [data-testid=error-summary]")
    assert "请填写办理结果" in summary.inner_text()
    assert _focused_testid(page) == "error-summary"
    assert page.title().startswith("错误：")
    screenshot(page, "errors-task-complete")
    # when the result is typed and sent
    page.fill("[data-testid=complete-text]", "营业执照已核发")
    page.click("[data-testid=task-complete]")
    page.wait_for_selector("[data-testid=task-history]")
    assert ApplicationItem.objects.get(pk=task.pk).status == "done"
    assert not page.title().startswith("错误：")
