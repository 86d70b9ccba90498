"""An administrator writes a condition in the back office and sees it in plain language while typing;
a reversed range is flagged before saving."""

import pytest

from tests.policies.factories import region_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_condition_preview_updates_while_typing(page, live_server, login, admin_user, screenshot):
    # given an administrator on the "add policy" page
    region_tree()
    login(page, admin_user.username)
    page.goto(f"{live_server.url}/admin/policies/policy/add/")
    # when they write the 5% band of the 高新技术企业 rule
    page.select_option("#id_conditions-0-fact", "rd_ratio")
    page.select_option("#id_conditions-0-operator", "gte")
    page.fill("#id_conditions-0-value", "5")
    page.select_option("#id_conditions-0-guard_fact", "revenue")
    page.select_option("#id_conditions-0-guard_operator", "lte")
    page.fill("#id_conditions-0-guard_value", "5000")
    # then the preview reads as the policy text does
    preview = page.locator("#conditions-0 .field-preview")
    preview.filter(has_text="研发费用占销售收入比例 ≥ 5%（年销售收入 ≤ 5000 万元）").wait_for()
    screenshot(page, "policies-admin-preview")
    # and a reversed range is explained at once
    page.select_option("#id_conditions-0-guard_operator", "between")
    page.fill("#id_conditions-0-guard_value", "20000")
    page.fill("#id_conditions-0-guard_value2", "5000")
    preview.filter(has_text="区间上下限颠倒").wait_for()
