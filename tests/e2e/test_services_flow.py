"""A newcomer applies for 企业开办一类事 in a real browser; the department handles a task; the
enterprise sees it done. The walk-in application at the window: test_walkin_application.py."""

import re

import pytest

from services.choices import Automation, ItemKind, ItemType
from services.models import Application
from tests.e2e.keyboard import focused, follow, log_in_by_keyboard, skip_to_main, tab_to_selector
from tests.services.factories import BundleFactory, BundleItemFactory, ServiceItemFactory, ServiceMaterialFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def opening(department, other_department):
    bundle = BundleFactory(code="qykb", name="企业开办一类事", summary="营业执照、印章、发票一次办。")
    setup = ServiceItemFactory(code="330000-AMR-0001", name="企业设立登记", department=department, promised_days=1)
    ServiceMaterialFactory(item=setup, name="公司章程")
    invoice = ServiceItemFactory(code="330000-TAX-0001", name="发票申领", department=other_department, promised_days=0)
    BundleItemFactory(bundle=bundle, service=setup, order=1)
    BundleItemFactory(bundle=bundle, service=invoice, order=2)
    for order, (code, name, dept, automation) in enumerate(
        [
            ("330500-VA-0001", "免费刻章", department, Automation.MANUAL),
            ("330500-VA-0005", "证照到期提醒", department, Automation.LICENSE_EXPIRY),
            ("330500-VA-0008", "银行开户专人对接", other_department, Automation.MANUAL),
        ]
    ):
        service = ServiceItemFactory(
            code=code, name=name, department=dept, kind=ItemKind.VALUE_ADDED, item_type=ItemType.VALUE_ADDED,
            automation=automation, description=f"{name}说明",
        )  # fmt: skip
        BundleItemFactory(bundle=bundle, service=service, kind=ItemKind.VALUE_ADDED, order=order)
    paid = ServiceItemFactory(
        code="330500-VA-0099", name="自费加急刻章", department=department, kind=ItemKind.VALUE_ADDED,
        item_type=ItemType.VALUE_ADDED,
    )  # fmt: skip
    paid_item = BundleItemFactory(bundle=bundle, service=paid, kind=ItemKind.VALUE_ADDED, order=9)
    paid_item.excludes.add(bundle.items.get(service__code="330500-VA-0001"))
    return bundle


def _logout(page):
    page.click("[data-testid=logout]")
    page.wait_for_selector("[data-testid=nav-login]")


def _apply(page, screenshot, prefix):
    page.check("[data-testid='item-330500-VA-0001']")
    page.check("[data-testid='item-330500-VA-0008']")
    page.fill("input[name=contact_name]", "沈建国")
    page.fill("input[name=contact_phone]", "13812345678")
    page.fill("input[name=address]", "湖州市吴兴区产业园1号")
    screenshot(page, f"{prefix}-bundle")
    page.click("[data-testid=apply-next]")
    page.wait_for_selector("[data-testid=check-answers]")
    assert "免费刻章" in page.inner_text("[data-testid=check-value-added]")
    assert "银行开户专人对接" in page.inner_text("[data-testid=check-value-added]")
    screenshot(page, f"{prefix}-check-answers")
    page.click("[data-testid=apply-submit]")
    page.wait_for_selector("[data-testid=confirmation]")
    reference = page.inner_text("[data-testid=reference]")
    assert re.fullmatch(r"YLS\d{12}", reference)
    screenshot(page, f"{prefix}-confirmation")
    return reference


def test_enterprise_applies_department_completes_enterprise_sees_it(
    page, live_server, login, screenshot, opening, member, handler, other_handler
):
    # given a newcomer logged in as the enterprise member
    login(page, member.username)
    # when they open 企业开办一类事 from the catalogue, tick two value-added items and submit
    page.click("[data-testid=nav-services]")
    page.wait_for_selector("[data-testid=bundle-card]")
    screenshot(page, "services-catalogue")
    page.click("text=企业开办一类事")
    page.wait_for_selector("[data-testid=apply-form]")
    reference = _apply(page, screenshot, "services-online")
    # then the per-item task list shows every chosen item waiting for its department
    page.click("[data-testid=to-status]")
    rows = page.locator("[data-testid=task-row]")
    assert rows.count() == 4
    assert "待受理" in page.inner_text("[data-testid=task-row][data-task='330000-AMR-0001']")
    screenshot(page, "services-online-status")
    _logout(page)

    # when the 市场监管 handler accepts and completes the 企业设立登记 task
    login(page, handler.username)
    page.goto(f"{live_server.url}/services/workbench/tasks/")
    row = page.locator("[data-testid=inbox-row]", has_text="企业设立登记")
    assert reference in row.inner_text()
    screenshot(page, "services-handler-inbox")
    row.locator("a").click()
    page.click("[data-testid=task-accept]")
    page.wait_for_selector("[data-testid=task-complete]")
    page.fill("[data-testid=complete-text]", "营业执照已核发，统一社会信用代码已赋码")
    page.click("[data-testid=task-complete]")
    assert "已办结" in page.inner_text("[data-testid=task-status]")
    screenshot(page, "services-handler-completed")
    _logout(page)

    # then the enterprise sees it done in "my applications"
    login(page, member.username)
    page.click("[data-testid=nav-my-applications]")
    done_row = page.locator("[data-testid=task-row][data-task='330000-AMR-0001']")
    assert "已办结" in done_row.inner_text()
    assert "营业执照已核发" in done_row.inner_text()
    assert "办理中" in page.inner_text("[data-testid=application-card]")
    screenshot(page, "services-online-done")


def test_excludes_pair_is_flagged_live_and_refused_on_submit(page, live_server, login, screenshot, opening, member):
    # given the member on the bundle page
    login(page, member.username)
    page.goto(f"{live_server.url}/services/bundles/qykb/")
    # when both seal items are ticked, htmx shows the problem at once
    page.check("[data-testid='item-330500-VA-0001']")
    page.check("[data-testid='item-330500-VA-0099']")
    page.wait_for_selector("[data-testid=selection-problems]")
    assert "不能同时选择" in page.inner_text("[data-testid=selection-problems]")
    screenshot(page, "services-live-excludes")
    # and the server refuses it on submit too (nothing depends on JS)
    page.fill("input[name=contact_name]", "沈建国")
    page.fill("input[name=contact_phone]", "13812345678")
    page.click("[data-testid=apply-next]")
    page.wait_for_selector("[data-testid=error-summary]")
    assert "不能同时选择" in page.inner_text("[data-testid=error-summary]")
    assert Application.objects.count() == 0


def test_enterprise_applies_by_keyboard_alone(page, new_page, live_server, screenshot, opening, member, handler):
    """The first test without the mouse (issue 15): the catalogue and the bundle from the navigation, the
    task list's link to the items, two value-added items ticked with Space, the contact typed (over what
    was pre-filled), check answers and submit with Enter; the handler accepts and completes the task in
    another tab, and the enterprise sees it done in 我的申请."""
    log_in_by_keyboard(page, live_server.url, member.username)
    follow(page, "[data-testid=nav-services]")
    follow(page, "[data-testid=bundle-card] a[href$='/qykb/']")
    page.wait_for_selector("[data-testid=apply-form]")
    skip_to_main(page)
    # the task list's first part takes the focus to the items
    tab_to_selector(page, "[data-testid=task-items] a")
    page.keyboard.press("Enter")
    assert focused(page, "id") == "items"
    for code in ("330500-VA-0001", "330500-VA-0008"):
        tab_to_selector(page, f"[data-testid='item-{code}']")
        page.keyboard.press("Space")
        assert page.is_checked(f"[data-testid='item-{code}']")
    # the paid seal excludes the free one: ticked with Space, the problem is said at once; Space unticks it
    tab_to_selector(page, "[data-testid='item-330500-VA-0099']")
    page.keyboard.press("Space")
    page.wait_for_selector("[data-testid=selection-problems]")
    assert "不能同时选择" in page.inner_text("[data-testid=selection-problems]")
    page.keyboard.press("Space")
    page.wait_for_selector("[data-testid=selection-problems]", state="detached")
    contact = [("contact_name", "沈建国"), ("contact_phone", "13812345678"), ("address", "湖州市吴兴区产业园1号")]
    for name, value in contact:
        tab_to_selector(page, f"input[name={name}]")
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
    screenshot(page, "keyboard-services-bundle")
    follow(page, "[data-testid=apply-next]")
    page.wait_for_selector("[data-testid=check-answers]")
    assert "免费刻章" in page.inner_text("[data-testid=check-value-added]")
    assert "银行开户专人对接" in page.inner_text("[data-testid=check-value-added]")
    assert "沈建国" in page.inner_text("[data-testid=check-answers]")
    screenshot(page, "keyboard-services-check-answers")
    follow(page, "[data-testid=apply-submit]")
    page.wait_for_selector("[data-testid=confirmation]")
    reference = page.inner_text("[data-testid=reference]")
    assert re.fullmatch(r"YLS\d{12}", reference)
    screenshot(page, "keyboard-services-confirmation")
    follow(page, "[data-testid=to-status]")
    assert page.locator("[data-testid=task-row]").count() == 4
    application = Application.objects.get(reference=reference)
    assert application.items.count() == 4 and application.contact_name == "沈建国"

    # the 市场监管 handler: 办理任务, the 企业设立登记 task, 受理, then 办结 with the result typed
    desk = new_page()
    log_in_by_keyboard(desk, live_server.url, handler.username)
    follow(desk, "[data-testid=nav-task-inbox]")
    task = application.items.get(service__code="330000-AMR-0001")
    follow(desk, f"[data-testid=open-task-{task.pk}]")
    follow(desk, "[data-testid=task-accept]")
    tab_to_selector(desk, "[data-testid=complete-text]", 150)
    desk.keyboard.type("营业执照已核发，统一社会信用代码已赋码")
    follow(desk, "[data-testid=task-complete]", 150)
    assert "已办结" in desk.inner_text("[data-testid=task-status]")
    screenshot(desk, "keyboard-services-handler-completed")
    # the enterprise: 我的申请 shows it done
    follow(page, "[data-testid=nav-my-applications]")
    done_row = page.locator("[data-testid=task-row][data-task='330000-AMR-0001']")
    assert "已办结" in done_row.inner_text() and "营业执照已核发" in done_row.inner_text()
    screenshot(page, "keyboard-services-done")
