"""The closed loop of test_issues_flow.py with every move made by keyboard alone (issue 15): the 兜底 clerk
dispatches (the department typed into the type-ahead picker, chosen with Down and Enter), the department
signs and replies, the clerk records the follow-up from the workbench, and the enterprise rates — 2 without
a reason first, where the summary takes the focus and its link the cursor, then 5 on the reply given again —
and the supervisor closes it from the workbench's problem list.
The report itself by keyboard is test_report_issue_keyboard.py. Each role in its own tab; Tab, typing, the
arrow keys, Space and Enter only."""

import pytest

from tests.e2e.keyboard import focused, follow, log_in_by_keyboard, skip_to_main, tab_to_selector
from tests.issues.conftest import ensure_issue_configuration
from tests.issues.factories import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = 200  # Tab presses allowed on an issue's page (navigation, details, timeline, every move's form)


def _open_issue(page, issue) -> None:
    follow(page, f"a[href$='/issues/{issue.pk}/']")
    page.wait_for_selector("[data-testid=issue-status]")


def _move(page, name: str, text: tuple[str, str] | None = None) -> str:
    """From the top of an issue's page: 跳到正文, Tab to the move's field and type (``text``: the field's
    name and the words), Tab to its 提交 and press Enter; the status shown afterwards."""
    skip_to_main(page)
    if text:
        field, words = text
        tab_to_selector(page, f"[data-testid=move-{name}] [name={field}]", LONG)
        page.keyboard.type(words)
    follow(page, f"[data-testid=do-{name}]", LONG)
    return page.inner_text("[data-testid=issue-status]")


def test_closed_loop_by_keyboard_alone(new_page, live_server, member, clerk, handler, supervisor, screenshot):
    ensure_issue_configuration()
    issue = submit(member)
    url = live_server.url
    ent, clk, hdl, sup = new_page(), new_page(), new_page(), new_page()
    for tab, user in [(ent, member), (clk, clerk), (hdl, handler), (sup, supervisor)]:
        log_in_by_keyboard(tab, url, user.username)

    # the 兜底 clerk: 兜底办 in the navigation, the problem, 交办 to the department by type-ahead
    follow(clk, "[data-testid=nav-catch-all]")
    _open_issue(clk, issue)
    skip_to_main(clk)
    tab_to_selector(clk, "[data-testid=move-dispatch] input[role=combobox]", LONG)
    clk.keyboard.type(handler.department.name)
    clk.locator("[data-testid=move-dispatch] [role=option]").first.wait_for()
    clk.keyboard.press("ArrowDown")
    clk.keyboard.press("Enter")
    assert clk.locator("[data-testid=move-dispatch] select[name=lead_department]").input_value() == str(
        handler.department_id
    )
    # Enter chose the department and sent nothing yet
    assert clk.inner_text("[data-testid=issue-status]") == "待交办"
    screenshot(clk, "keyboard-issues-01-dispatch")
    follow(clk, "[data-testid=do-dispatch]", LONG)
    assert clk.inner_text("[data-testid=issue-status]") == "已交办"

    # the department: 部门待办, the problem, 签收, then 答复 typed
    follow(hdl, "[data-testid=nav-department-inbox]")
    _open_issue(hdl, issue)
    assert _move(hdl, "accept") == "已签收"
    assert _move(hdl, "reply", ("reply", "已协调消防救援支队受理验收。")) == "已答复"
    screenshot(hdl, "keyboard-issues-02-replied")

    # the clerk: 工作台 → 回访队列 → the problem → 回访 typed
    follow(clk, "[data-testid=nav-workbench]")
    follow(clk, "[data-testid=wb-follow-ups]")
    _open_issue(clk, issue)
    assert _move(clk, "follow_up", ("note", "电话回访，企业表示验收仍未排期。")) == "已回访"

    # the enterprise: 我的问题 → the problem → 2 chosen with the arrow keys, sent without a reason
    follow(ent, "[data-testid=nav-my-issues]")
    _open_issue(ent, issue)
    skip_to_main(ent)

    def choose_score(score: str) -> None:
        tab_to_selector(ent, "[data-testid=move-rate] input[type=radio]", LONG)
        for _ in range(6):
            if ent.is_checked(f"[data-testid=move-rate] input[value='{score}']"):
                break
            ent.keyboard.press("ArrowDown")
        assert focused(ent, "value") == score and ent.is_checked(f"[data-testid=move-rate] input[value='{score}']")

    choose_score("2")
    follow(ent, "[data-testid=do-rate]", LONG)
    summary = ent.locator("[data-testid=move-rate] [data-testid=error-summary]")
    assert "须填写理由" in summary.inner_text()
    ent.wait_for_function("() => document.activeElement.dataset.testid === 'error-summary'")
    assert ent.is_checked("[data-testid=move-rate] input[value='2']")
    screenshot(ent, "keyboard-issues-03-rate-error-summary")
    # the summary's link (Tab, Enter) puts the cursor in the reason; typed, sent with Tab to 提交 and Enter
    tab_to_selector(ent, "[data-testid=move-rate] [data-testid=error-summary] a")
    ent.keyboard.press("Enter")
    assert focused(ent) == "comment"
    ent.keyboard.type("只告诉了找谁，验收仍没有排期。")
    follow(ent, "[data-testid=do-rate]", LONG)
    assert ent.inner_text("[data-testid=issue-status]") == "重办中"

    # replied again and followed up again (the department's and the clerk's tabs reloaded by keyboard)
    follow(hdl, "[data-testid=nav-department-inbox]")
    _open_issue(hdl, issue)
    assert _move(hdl, "reply", ("reply", "已现场验收合格，出具意见书。")) == "已答复"
    follow(clk, "[data-testid=nav-workbench]")
    follow(clk, "[data-testid=wb-follow-ups]")
    _open_issue(clk, issue)
    assert _move(clk, "follow_up") == "已回访"
    # the enterprise rates 5
    follow(ent, "[data-testid=nav-my-issues]")
    _open_issue(ent, issue)
    skip_to_main(ent)
    choose_score("5")
    follow(ent, "[data-testid=do-rate]", LONG)
    screenshot(ent, "keyboard-issues-04-rated")
    issue.refresh_from_db()
    assert list(issue.ratings.values_list("score", flat=True)) == [2, 5]
    # the supervisor: 工作台 → 问题列表 → the problem → 办结
    follow(sup, "[data-testid=nav-workbench]")
    follow(sup, "[data-testid=wb-issue-list]")
    _open_issue(sup, issue)
    assert _move(sup, "close") == "已办结"
    screenshot(sup, "keyboard-issues-05-closed")
    issue.refresh_from_db()
    assert issue.status == "closed"
