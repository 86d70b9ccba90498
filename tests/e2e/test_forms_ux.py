"""Issue 15, forms: what was typed is never lost, an error summary at the top links to each field and takes
the focus, the page title says 「错误：」, dates keep their ISO value; the bundle page is a task list whose
basic items are included, and a visitor without an account sees the bundle and 「登录后申请」 before any form."""

import datetime

import pytest

from services.choices import ItemKind, ItemType
from services.models import Application
from tests.services.factories import BundleFactory, BundleItemFactory, ServiceItemFactory, ServiceMaterialFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bundle(department):
    bundle = BundleFactory(code="qykb", name="企业开办一类事", summary="营业执照、印章、发票一次办。")
    setup = ServiceItemFactory(code="330000-AMR-0001", name="企业设立登记", department=department, promised_days=1)
    ServiceMaterialFactory(item=setup, name="公司章程")
    BundleItemFactory(bundle=bundle, service=setup, order=1)
    seal = ServiceItemFactory(
        code="330500-VA-0001", name="免费刻章", department=department, kind=ItemKind.VALUE_ADDED,
        item_type=ItemType.VALUE_ADDED,
    )  # fmt: skip
    BundleItemFactory(bundle=bundle, service=seal, kind=ItemKind.VALUE_ADDED, order=2)
    return bundle


def _focused_testid(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.getAttribute('data-testid')") or ""


def test_bundle_errors_are_summarised_focused_and_nothing_typed_is_lost(
    page, live_server, login, screenshot, bundle, member
):
    # given the member on the bundle page: a task list with a status per part, basic items included
    login(page, member.username)
    page.goto(f"{live_server.url}/services/bundles/qykb/")
    assert page.get_attribute("[data-testid=task-contact]", "data-state") == "todo"
    assert page.get_attribute("[data-testid=task-check]", "data-state") == "cannot_start"
    assert "已包含" in page.inner_text("[data-testid=basic-items]")
    assert page.locator("[data-testid=basic-items] input[type=checkbox]").count() == 0
    screenshot(page, "forms-bundle-task-list")
    # when they tick an extra, type a name and a bad phone, and go on
    page.check("[data-testid='item-330500-VA-0001']")
    page.fill("input[name=contact_name]", "沈建国")
    page.fill("input[name=contact_phone]", "不是电话")
    page.fill("textarea[name=note]", "下午来取")
    page.click("[data-testid=apply-next]")
    page.wait_for_selector("[data-testid=error-summary]")
    # then the summary is at the top and has the focus, the title says so, and every answer is kept
    assert _focused_testid(page) == "error-summary"
    assert page.title().startswith("错误：")
    assert "存在以下问题" in page.inner_text("[data-testid=error-summary]")
    assert page.input_value("input[name=contact_name]") == "沈建国"
    assert page.input_value("input[name=contact_phone]") == "不是电话"
    assert page.input_value("textarea[name=note]") == "下午来取"
    assert page.is_checked("[data-testid='item-330500-VA-0001']")
    assert page.get_attribute("[data-testid=task-contact]", "data-state") == "error"
    summary_box = page.locator("[data-testid=error-summary]").bounding_box()
    button_box = page.locator("[data-testid=apply-next]").bounding_box()
    assert summary_box["y"] < button_box["y"]
    screenshot(page, "forms-bundle-error-summary")
    # when the summary's link is followed, the field takes the focus
    page.click("[data-testid=error-summary] a[href='#id_contact_phone']")
    assert page.evaluate("document.activeElement.id") == "id_contact_phone"
    # and once fixed the check page shows the answers, then it is submitted
    page.fill("input[name=contact_phone]", "13812345678")
    page.click("[data-testid=apply-next]")
    page.wait_for_selector("[data-testid=check-answers]")
    assert not page.title().startswith("错误：")
    page.click("[data-testid=apply-submit]")
    page.wait_for_selector("[data-testid=confirmation]")
    assert Application.objects.get().items.count() == 2


def test_keyboard_alone_reaches_the_field_from_the_summary(page, live_server, login, bundle, member):
    login(page, member.username)
    page.goto(f"{live_server.url}/services/bundles/qykb/")
    page.click("[data-testid=apply-next]")
    page.wait_for_selector("[data-testid=error-summary]")
    # the summary has the focus; Tab reaches its first link, Enter moves to the field
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#id_contact_name"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_contact_name"
    page.keyboard.type("沈建国")
    assert page.input_value("#id_contact_name") == "沈建国"


def test_anonymous_visitor_sees_the_bundle_and_login_first(page, live_server, screenshot, bundle, member):
    # given a visitor without an account
    page.goto(f"{live_server.url}/services/bundles/qykb/")
    # then the bundle, its items and materials are shown, with 「登录后申请」 and no form to fill and lose
    assert "企业设立登记" in page.inner_text("[data-testid=basic-items]")
    assert "公司章程" in page.inner_text("[data-testid=materials]")
    assert page.locator("[data-testid=apply-form]").count() == 0
    assert page.locator("input[name=contact_name]").count() == 0
    gate = page.locator("[data-testid=login-to-apply]")
    assert gate.is_visible()
    screenshot(page, "forms-bundle-anonymous")
    # when they log in through it they come back to the bundle, now with the form
    gate.click()
    page.fill("input[name=username]", member.username)
    page.fill("input[name=password]", "Test-pass-123!")
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=apply-form]")
    assert "/services/bundles/qykb/" in page.url


def test_login_errors_use_the_summary(page, live_server, screenshot):
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=error-summary]")
    assert page.title().startswith("错误：")
    assert "请填写用户名" in page.inner_text("[data-testid=error-summary]")
    screenshot(page, "forms-login-error-summary")


def test_calculator_keeps_the_enterprise_founding_date(page, live_server, login, screenshot, member, enterprise):
    # given an enterprise founded on 2016-03-18 (it used to come out as 2016/03/18 and the browser dropped it)
    enterprise.established = datetime.date(2016, 3, 18)
    enterprise.save(update_fields=["established"])
    login(page, member.username)
    # when the member opens the calculator with the enterprise's facts
    page.goto(f"{live_server.url}/policies/calculator/?enterprise={enterprise.pk}")
    # then the date input holds the date
    assert page.input_value("#id_established") == "2016-03-18"
    screenshot(page, "forms-calculator-date")
