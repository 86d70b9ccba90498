"""A newcomer, in a real browser, follows one problem around the closed loop, with a 重办.

The enterprise reports; the 兜底 clerk dispatches; the department signs and replies; the clerk records
the follow-up; the enterprise rates 2 with a reason, it reopens, is replied again, rated 5 and closed.
At each step the enterprise's 企业码 page shows who is responsible and the deadline (screenshots).
"""

import importlib

import pytest
from django.apps import apps

from issues.models import Issue
from tests.e2e.combobox import choose

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pages(new_page, live_server):
    def open_as(username):
        page = new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "Test-pass-123!")
        page.click("[data-testid=login-submit]")
        page.wait_for_selector("[data-testid=nav-user]")
        return page

    return open_as


def test_closed_loop_with_reopen_in_the_browser(
    pages, new_page, live_server, member, clerk, handler, supervisor, screenshot
):
    importlib.import_module("issues.migrations.0002_seed_configuration").seed(apps, None)
    handler.display_name, handler.office_phone = "王承办", "0572-2070315"
    handler.save()
    enterprise_id = member.memberships.get().enterprise_id
    url = live_server.url
    ent, clk, hdl, sup = (
        pages(member.username),
        pages(clerk.username),
        pages(handler.username),
        pages(supervisor.username),
    )

    def code_page(step):
        ent.goto(f"{url}/issues/code/{enterprise_id}/")
        row = ent.locator("[data-testid=enterprise-status] tbody tr").first
        screenshot(ent, f"issues-code-{step}")
        return row

    # the enterprise reports a problem
    ent.click("[data-testid=nav-my-issues]")
    ent.click("[data-testid=report-issue]")
    ent.select_option("select[name=category]", "approval")
    ent.fill("input[name=title]", "储能集装箱消防验收无人受理")
    ent.fill("textarea[name=description]", "新建储能电站，集装箱式储能的消防验收不知向哪个部门申请。")
    screenshot(ent, "issues-01-report-form")
    ent.click("[data-testid=issue-submit]")
    ent.wait_for_selector("[data-testid=timeline]")
    issue = Issue.objects.get()
    assert ent.locator("[data-testid=issue-status]").inner_text() == "待交办"
    row = code_page("01-submitted")
    assert "兜底办" in row.inner_text() and issue.dispatch_due.isoformat() in row.inner_text()

    # the 兜底 clerk dispatches it to the department
    clk.click("[data-testid=nav-catch-all]")
    clk.click(f"[data-issue='{issue.pk}'] a")
    choose(clk, "lead_department", handler.department.name, scope="[data-testid=move-dispatch]")
    assert clk.locator("select[name=lead_department]").input_value() == str(handler.department_id)
    screenshot(clk, "issues-02-dispatch")
    clk.click("[data-testid=do-dispatch]")
    assert clk.locator("[data-testid=issue-status]").inner_text() == "已交办"
    issue.refresh_from_db()
    row = code_page("02-dispatched")
    assert handler.department.name in row.inner_text() and issue.reply_due.isoformat() in row.inner_text()

    # the department signs and replies
    hdl.click("[data-testid=nav-department-inbox]")
    hdl.click(f"[data-issue='{issue.pk}'] a")
    hdl.click("[data-testid=do-accept]")
    assert hdl.locator("[data-testid=issue-status]").inner_text() == "已签收"
    row = code_page("03-accepted")
    assert "王承办" in row.inner_text() and "0572-2070315" in row.inner_text()
    hdl.fill("[data-testid=move-reply] textarea[name=reply]", "已协调消防救援支队受理验收。")
    hdl.click("[data-testid=do-reply]")
    assert hdl.locator("[data-testid=issue-status]").inner_text() == "已答复"
    issue.refresh_from_db()
    row = code_page("04-replied")
    assert issue.followup_due.isoformat() in row.inner_text()

    # the clerk records the follow-up call
    clk.goto(f"{url}/issues/follow-ups/")
    clk.click(f"[data-issue='{issue.pk}'] a")
    clk.fill("[data-testid=move-follow_up] textarea[name=note]", "电话回访，企业表示验收仍未排期。")
    clk.click("[data-testid=do-follow_up]")
    assert clk.locator("[data-testid=issue-status]").inner_text() == "已回访"

    # the enterprise rates 2: first without a reason (refused), then with one → reopened
    ent.goto(f"{url}/issues/{issue.pk}/")
    ent.check("[data-testid=move-rate] input[value='2']")
    ent.click("[data-testid=do-rate]")
    # the rating form's own summary says so, has the focus, and the chosen 2 is kept
    summary = ent.locator("[data-testid=move-rate] [data-testid=error-summary]")
    assert "须填写理由" in summary.inner_text()
    assert ent.evaluate("document.activeElement.dataset.testid") == "error-summary"
    assert ent.title().startswith("错误：")
    assert ent.is_checked("[data-testid=move-rate] input[value='2']")
    screenshot(ent, "issues-05-rate-error-summary")
    ent.fill("[data-testid=move-rate] textarea[name=comment]", "只告诉了找谁，验收仍没有排期。")
    ent.click("[data-testid=do-rate]")
    assert ent.locator("[data-testid=issue-status]").inner_text() == "重办中"
    screenshot(ent, "issues-05-reopened")
    issue.refresh_from_db()
    row = code_page("05-reopened")
    assert handler.department.name in row.inner_text() and issue.reply_due.isoformat() in row.inner_text()

    # replied again, followed up again, rated 5, closed
    hdl.goto(f"{url}/issues/{issue.pk}/")
    hdl.fill("[data-testid=move-reply] textarea[name=reply]", "已现场验收合格，出具意见书。")
    hdl.click("[data-testid=do-reply]")
    clk.goto(f"{url}/issues/{issue.pk}/")
    clk.click("[data-testid=do-follow_up]")
    ent.goto(f"{url}/issues/{issue.pk}/")
    ent.check("[data-testid=move-rate] input[value='5']")
    ent.click("[data-testid=do-rate]")
    sup.goto(f"{url}/issues/{issue.pk}/")
    sup.click("[data-testid=do-close]")
    assert sup.locator("[data-testid=issue-status]").inner_text() == "已办结"
    screenshot(sup, "issues-06-closed-timeline")
    row = code_page("06-closed")
    assert "已办结" in row.inner_text()
    issue.refresh_from_db()
    assert issue.status == "closed" and list(issue.ratings.values_list("score", flat=True)) == [2, 5]

    # the QR code's signed link opens on a phone without login and shows no personal data
    signed_url = ent.locator("[data-testid=signed-link]").get_attribute("href")
    phone = new_page(width=390, height=844, mobile=True)
    phone.goto(signed_url)
    text = phone.locator("[data-testid=enterprise-status]").inner_text()
    assert handler.department.name in text and "王承办" not in text and "0572-2070315" not in text
    screenshot(phone, "issues-07-signed-link-phone")
