"""The policy calculator's what-if done by keyboard alone (issue 15): a visitor without an account Tabs
through the profile form, picks the region and size with the arrow keys, types the figures (the date too,
segment by segment as a person types it), sends it with Enter and reads the results; nothing is saved.
The same policies and figures as test_policies_calculator.py."""

import pytest

from policies.models import Entitlement
from portal.models import Enterprise
from tests.e2e.keyboard import assert_focus_visible, focused, pick, skip_to_main, tab_to_selector, type_date
from tests.policies.factories import calculator_policies

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_what_if_by_keyboard_alone(page, live_server, screenshot):
    # given published policies: one for every SME, and the 高新技术企业 rule
    calculator_policies()
    # when a visitor opens the calculator and skips the navigation
    page.goto(f"{live_server.url}/policies/calculator/")
    skip_to_main(page)
    # the region and the size with the arrow keys, the rest typed
    presses = tab_to_selector(page, "#id_region")
    pick(page, "330502")
    tab_to_selector(page, "#id_industry")
    page.keyboard.type("C38")
    tab_to_selector(page, "#id_size_class")
    pick(page, "small")
    tab_to_selector(page, "#id_established")
    type_date(page, "2020-01-01")
    for field, value in [
        ("revenue", "4000"),
        ("rd_expense", "128"),
        ("high_tech_revenue", "3000"),
        ("staff", "100"),
        ("tech_staff", "20"),
    ]:
        tab_to_selector(page, f"#id_{field}")
        page.keyboard.type(value)
    screenshot(page, "keyboard-policies-calculator-form")
    # sent with Enter from the last field typed
    assert focused(page) == "tech_staff"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=result-summary]")
    # then the SME policy is eligible and the 高企 reward is near, with the gap
    assert page.locator("[data-testid=eligible-item]").count() == 1
    near = page.locator("[data-testid=near-item]")
    assert near.count() == 1
    assert "还差 1.8 个百分点" in near.first.locator("[data-testid=gap-message]").inner_text()
    # the typed figures are kept for the next what-if, and Tab from the top reaches the form again
    assert page.input_value("#id_established") == "2020-01-01"
    assert page.input_value("#id_region") == "330502"
    skip_to_main(page)
    tab_to_selector(page, "#id_region")
    assert_focus_visible(page)
    # and the results are reachable by keyboard (the form's button, then on down the page)
    tab_to_selector(page, "[data-testid=calculate]")
    screenshot(page, "keyboard-policies-calculator-results")
    assert Enterprise.objects.count() == 0 and Entitlement.objects.count() == 0
    print(f"calculator by keyboard: {presses} Tab presses from 跳到正文 to the first field")
