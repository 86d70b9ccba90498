"""A visitor without an account runs a what-if in the policy calculator and sees what they can enjoy now
and, for the rest, exactly how far away they are."""

import pytest

from policies.models import Entitlement
from portal.models import Enterprise
from tests.policies.factories import calculator_policies

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_anonymous_what_if_shows_eligible_and_near_with_the_gap(page, live_server, screenshot):
    # given published policies: one for every SME, and the 高新技术企业 rule
    calculator_policies()
    # when a visitor fills in a what-if without logging in
    page.goto(f"{live_server.url}/policies/calculator/")
    page.select_option("#id_region", "330502")
    page.fill("#id_industry", "C38")
    page.select_option("#id_size_class", "small")
    page.fill("#id_established", "2020-01-01")
    page.fill("#id_revenue", "4000")
    page.fill("#id_rd_expense", "128")
    page.fill("#id_high_tech_revenue", "3000")
    page.fill("#id_staff", "100")
    page.fill("#id_tech_staff", "20")
    page.click("[data-testid=calculate]")
    page.wait_for_selector("[data-testid=result-summary]")
    # then the SME policy is eligible and the 高企 reward is near, with the gap in words and numbers
    eligible = page.locator("[data-testid=eligible-item]")
    assert eligible.count() == 1
    assert "六税两费" in eligible.first.inner_text()
    near = page.locator("[data-testid=near-item]")
    assert near.count() == 1
    assert "需 ≥ 5%，当前 3.2%，还差 1.8 个百分点" in near.first.locator("[data-testid=gap-message]").inner_text()
    assert "研发费用需增加 72 万元" in page.locator("[data-testid=gap-plan]").inner_text()
    screenshot(page, "policies-calculator-what-if")
    # and the what-if saved nothing
    assert Enterprise.objects.count() == 0
    assert Entitlement.objects.count() == 0
