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


def test_a_condition_that_cannot_be_evaluated_comes_back_explained(page, live_server, login, admin_user, screenshot):
    # given a policy in the back office
    from tests.policies.factories import PolicyFactory

    region_tree()
    policy = PolicyFactory()
    login(page, admin_user.username)
    page.goto(f"{live_server.url}/admin/policies/policy/{policy.pk}/change/")
    # when a reversed range is saved
    page.select_option("#id_conditions-0-fact", "revenue")
    page.select_option("#id_conditions-0-operator", "between")
    page.fill("#id_conditions-0-value", "20000")
    page.fill("#id_conditions-0-value2", "5000")
    page.click("input[name=_save]")
    # then the page comes back (audited by axe in this state: its title says there are errors), the row's
    # error next to its field, what was typed kept, nothing saved
    page.wait_for_selector(".errornote")
    assert page.title().startswith("错误")
    value2 = page.locator("#id_conditions-0-value2")
    assert value2.get_attribute("aria-invalid") == "true" and value2.input_value() == "5000"
    error_id = "id_conditions-0-value2_error"
    assert value2.get_attribute("aria-describedby") == error_id
    # every reference a row's input makes names an element of the page (the help text is in the heading)
    dangling = page.evaluate(
        """() => Array.from(document.querySelectorAll('#conditions-0 [aria-describedby]'))
        .flatMap(el => el.getAttribute('aria-describedby').split(/\\s+/))
        .filter(id => !document.getElementById(id))"""
    )
    assert dangling == [], dangling
    assert "区间上下限颠倒" in page.inner_text(f"#{error_id}")
    assert page.input_value("#id_conditions-0-value") == "20000"
    # the selects' empty choice is Chinese on the Chinese admin (Django's own label is not translated)
    assert "Select an option" not in page.content()
    screenshot(page, "policies-admin-condition-error")
    assert not policy.conditions.exists()
