"""The back office saves through the actions, side effects included: an enterprise's facts edited in the
admin re-check 免申即享 (enterprise_update_facts), a policy edited there is policy_update (rules, version,
audit) with its condition rows."""

from decimal import Decimal

from django.urls import reverse

from policies.choices import PolicyMode
from policies.models import Entitlement
from portal.models import AuditLog
from tests.policies.factories import policy_with, region_tree
from tests.portal.factories import EnterpriseFactory
from tests.portal.test_admin_walk import _form_data


def _change_form(client, model, obj) -> tuple[str, dict]:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    return url, _form_data(client.get(url).content.decode(), f"{model._meta.model_name}_form")


def test_facts_edited_in_the_admin_recheck_exempt_policies(admin_user, client_for, django_capture_on_commit_callbacks):
    # given a published 免申即享 policy and an enterprise just below its threshold
    regions = region_tree()
    enterprise = EnterpriseFactory(region=regions["330502"], revenue=Decimal(4000))
    policy_with(
        [{"group": 1, "fact": "revenue", "operator": "gte", "value": "5000"}],
        mode=PolicyMode.EXEMPT,
        region=regions["330000"],
    )
    client = client_for(admin_user)
    url, data = _change_form(client, type(enterprise), enterprise)
    # when an administrator corrects its revenue and adds a certification in the back office
    data["revenue"] = ["5200"]
    data["certifications-TOTAL_FORMS"] = [str(int(data["certifications-TOTAL_FORMS"][0]) + 1)]
    data["certifications-0-code"] = ["tech_sme"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    # then the change is audited by the action, the certification is held, and the re-check gave the entitlement
    assert response.status_code == 302
    row = AuditLog.objects.get(action="portal.enterprise.updated", target_id=str(enterprise.pk))
    assert row.data["revenue"]["new"] in ("5200", 5200, "5200.00")
    assert row.data["certifications"]["new"] == ["tech_sme::"]
    assert enterprise.certifications.get().code == "tech_sme"
    assert Entitlement.objects.filter(enterprise=enterprise).count() == 1


def test_a_policy_edited_in_the_admin_is_policy_update(admin_user, client_for):
    # given a published policy with one condition
    regions = region_tree()
    policy = policy_with([{"group": 1, "fact": "staff", "operator": "gte", "value": "10"}], region=regions["330500"])
    client = client_for(admin_user)
    url, data = _change_form(client, type(policy), policy)
    # when its title and its condition's threshold are changed in the back office
    data["title"] = ["改名后的政策"]
    data["conditions-0-value"] = ["20"]
    response = client.post(url, data)
    # then it went through policy_update: audited, a new version, the rules recompiled
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.title == "改名后的政策"
    assert AuditLog.objects.filter(action="policies.policy.updated", target_id=str(policy.pk)).exists()
    assert policy.versions.order_by("-number").first().note == "后台编辑"
    assert [(c.fact, c.value) for c in policy.conditions.all()] == [("staff", "20")]
    assert "20" in policy.rules


def test_a_refused_admin_save_changes_nothing_and_says_why(admin_user, client_for):
    # given an exempt policy with a condition
    regions = region_tree()
    policy = policy_with([{"group": 1, "fact": "staff", "operator": "gte", "value": "10"}], region=regions["330500"])
    client = client_for(admin_user)
    url, data = _change_form(client, type(policy), policy)
    # when the administrator saves a reversed application window
    data["title"] = ["不会保存的标题"]
    data["apply_from"], data["apply_to"] = ["2026-12-01"], ["2026-11-01"]
    response = client.post(url, data, follow=True)
    # then the form or the action says why, and nothing is saved
    policy.refresh_from_db()
    assert policy.title != "不会保存的标题"
    assert "申报截止日期早于开始日期" in response.content.decode()
