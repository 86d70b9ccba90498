"""The market flow of test_market_flow.py done by keyboard alone (issue 15): an enterprise books two days of a
shared facility (the facility picked with the arrow keys, the dates typed segment by segment), posts a
purchase, and, once two intermediaries have quoted and the deadline has passed, runs the selection and
records the contract — first without the price, where the error summary takes the focus and its link takes
the cursor to the field. Every move is Tab, typing, the arrow keys and Enter."""

from decimal import Decimal

import pytest

from market import actions
from market.models import FacilityBooking, Purchase
from tests.e2e.keyboard import focused, follow, log_in_by_keyboard, pick, skip_to_main, tab_to_selector, type_date
from tests.market.factories import FacilityFactory, IntermediaryFactory, day, intermediary_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _send(page) -> None:
    """Enter on the focused field or button sends its form; the next page has loaded."""
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")


def test_books_a_facility_and_buys_a_service_by_keyboard_alone(page, live_server, member, department, screenshot):
    FacilityFactory(name="新材料中试线", owner_department=department, capacity=1)
    log_in_by_keyboard(page, live_server.url, member.username)

    # books two days of the pilot line: 共享设施 in the navigation, then the form
    follow(page, "[data-testid=nav-facilities]")
    skip_to_main(page)
    tab_to_selector(page, "#id_facility")
    pick(page, "新材料中试线")
    tab_to_selector(page, "#id_start")
    type_date(page, "2036-12-10T00:00")
    tab_to_selector(page, "#id_end")
    type_date(page, "2036-12-12T00:00")
    tab_to_selector(page, "[data-testid=book]")
    _send(page)
    page.wait_for_selector("[data-testid=booking-table]")
    assert "已确认" in page.locator("[data-testid=booking-status]").first.inner_text()
    assert FacilityBooking.objects.get().units == 2
    screenshot(page, "keyboard-market-booking-confirmed")

    # posts a purchase of an 环评 from 我的采购
    follow(page, "[data-testid=nav-purchases]")
    skip_to_main(page)
    tab_to_selector(page, "#id_title")
    page.keyboard.type("新材料项目环境影响评价")
    tab_to_selector(page, "#id_service_type")
    pick(page, "eia")
    tab_to_selector(page, "#id_scope")
    page.keyboard.type("编制环境影响报告书")
    tab_to_selector(page, "#id_budget")
    page.keyboard.type("200000")
    tab_to_selector(page, "#id_quote_deadline")
    type_date(page, "2036-03-10T17:00")
    tab_to_selector(page, "#id_selection_method")
    pick(page, "lowest_price")
    tab_to_selector(page, "[data-testid=post-purchase]")
    screenshot(page, "keyboard-market-purchase-form")
    _send(page)
    page.wait_for_selector("[data-testid=purchase-status]")
    purchase = Purchase.objects.get()
    assert (purchase.title, purchase.service_type, purchase.selection_method) == (
        "新材料项目环境影响评价",
        "eia",
        "lowest_price",
    )

    # two intermediaries quote; then the deadline passes
    for price, name in [(Decimal(168000), "甲环评公司"), (Decimal(152000), "乙环评公司")]:
        firm = IntermediaryFactory(name=name)
        actions.quote_submit(actor=intermediary_member(firm), purchase=purchase, price=price)
    Purchase.objects.filter(pk=purchase.pk).update(quote_deadline=day(2020, 1, 1))
    # the enterprise comes back to it through 我的采购 and the purchase's reference
    follow(page, "[data-testid=nav-purchases]")
    follow(page, f"[data-testid=purchase-table] a[href$='/{purchase.pk}/']")
    follow(page, "[data-testid=run-selection]")
    page.wait_for_selector("[data-testid=winner]")
    assert "乙环评公司" in page.locator("[data-testid=winner]").inner_text()

    # records the contract: first the date alone — the summary has the focus, the date is kept
    tab_to_selector(page, "#id_contract-delivery_due")
    type_date(page, "2036-06-30")
    _send(page)
    page.wait_for_selector("[data-testid=error-summary]")
    page.wait_for_function("() => document.activeElement.dataset.testid === 'error-summary'")
    assert page.title().startswith("错误：") and page.input_value("#id_contract-delivery_due") == "2036-06-30"
    assert Purchase.objects.get(pk=purchase.pk).contract_price is None
    screenshot(page, "keyboard-market-contract-error-summary")
    # the summary's link (Tab, Enter) puts the cursor on the price
    tab_to_selector(page, "[data-testid=error-summary] a")
    page.keyboard.press("Enter")
    assert focused(page, "id") == "id_contract-contract_price"
    page.keyboard.type("150000")
    _send(page)
    page.wait_for_selector("text=已签约")
    assert "已签约" in page.locator("[data-testid=purchase-status]").inner_text()
    screenshot(page, "keyboard-market-purchase-contracted")
    purchase.refresh_from_db()
    assert purchase.contract_price == Decimal(150000)
