"""The policies' state machines (policies.workflow): the actions ask the declaration, and 撤回 (unpublish)
is an audited action the back office offers."""

import pytest
from django.urls import reverse

from policies import actions
from policies.choices import EntitlementStatus, PolicyStatus
from policies.models import Entitlement
from policies.workflow import ENTITLEMENT, POLICY
from portal.exceptions import PermissionDeniedError, TransitionNotAllowed
from portal.models import AuditLog
from tests.policies.factories import PolicyFactory


@pytest.mark.django_db
def test_unpublish_withdraws_a_published_policy_to_draft_audited_and_versioned(admin_user):
    # given a published policy
    policy = PolicyFactory()
    # when the administrator withdraws it
    actions.policy_unpublish(actor=admin_user, policy=policy, reason="发布有误")
    # then it is a draft again, with an audit row and a version, and out of the public catalogue
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.DRAFT
    row = AuditLog.objects.get(action="policies.policy.unpublished")
    assert row.data == {"from": "published", "to": "draft", "reason": "发布有误"}
    assert policy.versions.get().note == "撤回"
    assert not type(policy).objects.published().filter(pk=policy.pk).exists()
    # and a draft cannot be withdrawn again
    with pytest.raises(TransitionNotAllowed):
        actions.policy_unpublish(actor=admin_user, policy=policy)


@pytest.mark.django_db
def test_policy_moves_ask_the_one_predicate(admin_user, clerk):
    policy = PolicyFactory(status=PolicyStatus.DRAFT)
    assert POLICY.available(admin_user, policy) == ["publish"]
    assert POLICY.available(clerk, policy) == []
    # the action's guard refuses whom the declaration refuses, and changes nothing
    with pytest.raises(PermissionDeniedError):
        actions.policy_publish(actor=clerk, policy=policy)
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.DRAFT
    # the scheduled job (no user) is only held to the state
    published = PolicyFactory()
    actions.policy_expire(actor=None, policy=published)
    assert published.status == PolicyStatus.EXPIRED


@pytest.mark.django_db
def test_entitlement_moves_ask_the_one_predicate(clerk, member, enterprise):
    entitlement = Entitlement.objects.create(policy=PolicyFactory(), enterprise=enterprise, amount=1)
    assert ENTITLEMENT.available(clerk, entitlement) == ["confirm", "withdraw"]
    assert ENTITLEMENT.available(member, entitlement) == []
    with pytest.raises(PermissionDeniedError):
        actions.entitlement_confirm(actor=member, entitlement=entitlement)
    actions.entitlement_confirm(actor=clerk, entitlement=entitlement)
    assert entitlement.status == EntitlementStatus.CONFIRMED
    assert ENTITLEMENT.available(clerk, entitlement) == ["withdraw"]


@pytest.mark.django_db
def test_the_back_office_offers_unpublish(client_for, admin_user):
    policy = PolicyFactory()
    response = client_for(admin_user).post(
        reverse("admin:policies_policy_changelist"),
        {"action": "unpublish", "_selected_action": [policy.pk]},
        follow=True,
    )
    assert response.status_code == 200
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.DRAFT
    assert AuditLog.objects.filter(action="policies.policy.unpublished", target_id=str(policy.pk)).exists()


@pytest.mark.django_db
def test_the_api_offers_the_decisions_the_declaration_allows(clerk, member, enterprise, api_for):
    entitlement = Entitlement.objects.create(policy=PolicyFactory(), enterprise=enterprise, amount=1)
    url = f"/api/v1/entitlements/{entitlement.pk}/"
    assert api_for(clerk).get(url).json()["available_moves"] == ["confirm", "withdraw"]
    assert api_for(member).get(url).json()["available_moves"] == []
    body = api_for(clerk).post(f"{url}confirm/", {"reason": "已核定"}, format="json").json()
    assert (body["status"], body["available_moves"]) == ("confirmed", ["withdraw"])


def test_the_api_endpoints_are_the_declared_decisions():
    from policies.api.views import EntitlementViewSet

    # generated from policies.moves.ENTRIES: one endpoint per declared decision, none besides
    assert {a.url_path for a in EntitlementViewSet.get_extra_actions()} == set(ENTITLEMENT.moves)
