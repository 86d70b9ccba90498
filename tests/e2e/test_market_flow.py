"""An enterprise books a shared facility and buys an intermediary service in a real browser: the booking
is confirmed; the purchase is posted, two intermediaries quote, the lowest wins at the deadline and the
contract is recorded."""

from decimal import Decimal

import pytest

from market import actions
from market.models import FacilityBooking, Purchase
from tests.market.factories import FacilityFactory, IntermediaryFactory, day, intermediary_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enterprise_books_a_facility_and_buys_a_service(page, live_server, login, member, department, screenshot):
    FacilityFactory(name="新材料中试线", owner_department=department, capacity=1)
    login(page, "ent-a")
    # books two days of the pilot line
    page.click("[data-testid=nav-facilities]")
    page.select_option("#id_facility", label="新材料中试线")
    page.fill("#id_start", "2036-12-10T00:00")
    page.fill("#id_end", "2036-12-12T00:00")
    page.click("[data-testid=book]")
    page.wait_for_selector("[data-testid=booking-table]")
    assert "已确认" in page.locator("[data-testid=booking-status]").first.inner_text()
    assert FacilityBooking.objects.get().units == 2
    screenshot(page, "market-booking-confirmed")
    # posts a purchase of an 环评
    page.click("[data-testid=nav-purchases]")
    page.fill("#id_title", "新材料项目环境影响评价")
    page.select_option("#id_service_type", "eia")
    page.fill("#id_scope", "编制环境影响报告书")
    page.fill("#id_budget", "200000")
    page.fill("#id_quote_deadline", "2036-03-10T17:00")
    page.select_option("#id_selection_method", "lowest_price")
    page.click("[data-testid=post-purchase]")
    page.wait_for_selector("[data-testid=purchase-status]")
    purchase = Purchase.objects.get()
    # two intermediaries quote; then the deadline passes
    for price, name in [(Decimal(168000), "甲环评公司"), (Decimal(152000), "乙环评公司")]:
        firm = IntermediaryFactory(name=name)
        actions.quote_submit(actor=intermediary_member(firm), purchase=purchase, price=price)
    Purchase.objects.filter(pk=purchase.pk).update(quote_deadline=day(2020, 1, 1))
    page.reload()
    page.click("[data-testid=run-selection]")
    page.wait_for_selector("[data-testid=winner]")
    assert "乙环评公司" in page.locator("[data-testid=winner]").inner_text()
    # records the contract: first without the price — the page comes back with the summary focused, the
    # typed date kept and nothing recorded (issue 15)
    page.fill("#id_contract-delivery_due", "2036-06-30")
    page.click("[data-testid=contract-form] button[type=submit]")
    page.wait_for_selector("[data-testid=error-summary]")
    assert page.evaluate("document.activeElement.dataset.testid") == "error-summary"
    assert page.title().startswith("错误：") and page.input_value("#id_contract-delivery_due") == "2036-06-30"
    screenshot(page, "market-contract-error-summary")
    assert Purchase.objects.get(pk=purchase.pk).contract_price is None
    page.fill("#id_contract-contract_price", "150000")
    page.click("[data-testid=contract-form] button[type=submit]")
    page.wait_for_selector("text=已签约")
    assert "已签约" in page.locator("[data-testid=purchase-status]").inner_text()
    screenshot(page, "market-purchase-contracted")
    purchase.refresh_from_db()
    assert purchase.contract_price == Decimal(150000)
