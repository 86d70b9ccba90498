"""Work queues in a real browser (issue 15): the 兜底 queue filtered and sorted, its deadline column in
view at 1280 px, the 督办 page in sections with counts, the handler's inbox without finished work, and
the counts in the navigation (screenshots of each state)."""

import datetime as dt

import pytest
from django.utils import timezone

from issues import actions
from tests.issues.conftest import ensure_issue_configuration
from tests.issues.factories import issue_in, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _in_view(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["x"] + box["width"] <= 1280


def test_queues_filter_sort_sections_and_counts(
    page, live_server, login, screenshot, member, clerk, handler, supervisor
):
    ensure_issue_configuration()
    roles = {"member": member, "clerk": clerk, "handler": handler}
    late = submit(member, title="逾期未交办的问题", now=timezone.now() - dt.timedelta(days=10))
    submit(member, title="税务发票问题", category="tax")
    issue_in("accepted", **roles, now=timezone.now() - dt.timedelta(days=60), title="超期未答复")
    asked = issue_in("accepted", **roles, title="需要延期")
    actions.issue_request_extension(
        actor=handler, issue=asked, requested_due=asked.reply_due + dt.timedelta(days=10), reason="需要现场勘验"
    )
    issue_in("closed", **roles, supervisor=supervisor, title="早已办结")
    url = live_server.url

    # the clerk: the badge counts the queue; deadline first, the deadline column in view at 1280 px
    login(page, clerk.username)
    assert page.locator("[data-testid=count-catch-all]").inner_text() == "2"
    page.click("[data-testid=nav-catch-all]")
    rows = page.locator("[data-testid=catch-all-queue] tbody tr")
    assert rows.count() == 2 and late.reference in rows.first.inner_text()
    assert _in_view(page, "[data-testid=catch-all-queue] th:has-text('当前期限')")
    assert _in_view(page, "[data-testid=catch-all-queue] [data-light]")
    screenshot(page, "queues-catch-all-default")
    # filtered by category, by keyboard alone
    page.select_option("[data-testid=queue-filters] select[name=category]", "tax")
    page.locator("[data-testid=queue-filters] button[type=submit]").press("Enter")
    page.wait_for_url("**category=tax**")
    assert rows.count() == 1 and "税务发票问题" in rows.first.inner_text()
    screenshot(page, "queues-catch-all-filtered")
    page.click("[data-testid=logout]")

    # the supervisor: sections with counts; the page is short, not every list at once
    login(page, supervisor.username)
    assert page.locator("[data-testid=count-supervision]").inner_text() == "1"
    page.click("[data-testid=nav-supervision]")
    # (overdue: the reply 60 days late and the dispatch 10 days late)
    assert page.locator("[data-testid=section-count-overdue]").inner_text() == "2"
    assert page.locator("[data-testid=section-count-extensions]").inner_text() == "1"
    assert page.locator("[data-testid=overdue-list] tbody tr").count() == 2
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 1600, height
    screenshot(page, "queues-supervision-overdue")
    page.click("[data-testid=section-extensions]")
    assert asked.reference in page.locator("[data-testid=extension-list]").inner_text()
    screenshot(page, "queues-supervision-extensions")
    page.click("[data-testid=logout]")

    # the handler: the closed problem is hidden until asked for
    login(page, handler.username)
    page.click("[data-testid=nav-department-inbox]")
    assert "早已办结" not in page.locator("[data-testid=department-inbox]").inner_text()
    screenshot(page, "queues-department-inbox-open")
    page.check("[data-testid=show-finished]")
    page.click("[data-testid=queue-filters] button[type=submit]")
    page.wait_for_url("**finished=1**")
    assert "早已办结" in page.locator("[data-testid=department-inbox]").inner_text()
    screenshot(page, "queues-department-inbox-finished")
    assert page.goto(f"{url}/issues/inbox/?finished=1").ok
