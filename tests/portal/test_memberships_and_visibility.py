"""Deny by default: a member sees only verified enterprises; another enterprise's objects are 404."""

import pytest
from django.core.exceptions import ValidationError

from portal import actions
from portal.choices import MembershipKind, MembershipStatus
from portal.exceptions import PermissionDeniedError, TransitionNotAllowed
from portal.models import Enterprise, Membership, Notification
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_pending_membership_sees_nothing_until_a_clerk_verifies(client_for, enterprise, clerk):
    # Given a user who merely claims the enterprise's USCC
    claimant = UserFactory()
    membership = actions.membership_request(user=claimant, enterprise=enterprise, kind=MembershipKind.AGENT)
    client = client_for(claimant)
    # Then the enterprise is invisible in pages and API
    assert not Enterprise.objects.visible_to(claimant).exists()
    assert client.get(f"/enterprises/{enterprise.pk}/").status_code == 404
    assert client.get(f"/api/v1/enterprises/{enterprise.pk}/").status_code == 404
    # When a clerk verifies the claim
    actions.membership_decide(actor=clerk, membership=membership, approve=True)
    # Then the enterprise becomes visible and the claimant is told
    assert client.get(f"/enterprises/{enterprise.pk}/").status_code == 200
    assert Notification.objects.filter(recipient=claimant, kind="portal.membership.decided").exists()


def test_verified_legal_representative_approves_a_new_agent(enterprise, member):
    claimant = UserFactory()
    membership = actions.membership_request(user=claimant, enterprise=enterprise, kind=MembershipKind.AGENT)
    actions.membership_decide(actor=member, membership=membership, approve=True)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.VERIFIED and membership.decided_by == member


def test_agent_cannot_approve_and_nobody_approves_themselves(enterprise):
    agent = UserFactory()
    Membership.objects.create(user=agent, enterprise=enterprise, kind="agent", status="verified")
    claimant = UserFactory()
    membership = actions.membership_request(user=claimant, enterprise=enterprise, kind=MembershipKind.LEGAL_REP)
    with pytest.raises(PermissionDeniedError):
        actions.membership_decide(actor=agent, membership=membership, approve=True)
    with pytest.raises(PermissionDeniedError):
        actions.membership_decide(actor=claimant, membership=membership, approve=True)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING


def test_rejection_needs_a_reason_and_decided_claims_cannot_be_decided_again(enterprise, clerk):
    membership = actions.membership_request(user=UserFactory(), enterprise=enterprise, kind=MembershipKind.AGENT)
    with pytest.raises(ValidationError):
        actions.membership_decide(actor=clerk, membership=membership, approve=False, reason=" ")
    actions.membership_decide(actor=clerk, membership=membership, approve=False, reason="非本企业人员")
    with pytest.raises(TransitionNotAllowed):
        actions.membership_decide(actor=clerk, membership=membership, approve=True)


def test_duplicate_claim_is_refused(enterprise, member):
    with pytest.raises(ValidationError):
        actions.membership_request(user=member, enterprise=enterprise, kind=MembershipKind.AGENT)


def test_member_a_gets_404_for_enterprise_b_in_pages_and_api(client_for, api_for, member, other_enterprise):
    assert client_for(member).get(f"/enterprises/{other_enterprise.pk}/").status_code == 404
    assert api_for(member).get(f"/api/v1/enterprises/{other_enterprise.pk}/").status_code == 404
    listed = api_for(member).get("/api/v1/enterprises/").json()["results"]
    assert [row["id"] for row in listed] == [member.memberships.get().enterprise_id]


def test_staff_see_every_enterprise(api_for, clerk, enterprise, other_enterprise):
    ids = {row["id"] for row in api_for(clerk).get("/api/v1/enterprises/").json()["results"]}
    assert ids == {enterprise.pk, other_enterprise.pk}


@pytest.mark.parametrize(
    ("url", "anonymous", "enterprise_user", "clerk_user", "handler_user"),
    [
        ("/workbench/", 302, 403, 200, 200),
        ("/workbench/enterprises/", 302, 403, 200, 403),
        ("/workbench/enterprises/new/", 302, 403, 200, 403),
        ("/workbench/memberships/", 302, 403, 200, 403),
        ("/my/enterprises/", 302, 200, 200, 200),
        ("/my/enterprises/claim/", 302, 200, 403, 403),
        ("/inbox/", 302, 200, 200, 200),
        ("/", 200, 200, 200, 200),
    ],
)
def test_page_permission_matrix(client, client_for, member, clerk, handler, url, anonymous, enterprise_user,
                                clerk_user, handler_user):  # fmt: skip
    assert client.get(url).status_code == anonymous
    assert client_for(member).get(url).status_code == enterprise_user
    assert client_for(clerk).get(url).status_code == clerk_user
    assert client_for(handler).get(url).status_code == handler_user


def test_membership_decision_page_is_404_for_someone_elses_claim(client_for, enterprise, other_member):
    membership = actions.membership_request(user=UserFactory(), enterprise=enterprise, kind=MembershipKind.AGENT)
    response = client_for(other_member).post(f"/memberships/{membership.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING


def test_self_registration_then_claim_flow(client):
    response = client.post(
        "/accounts/register/",
        {
            "username": "new-agent",
            "display_name": "新经办",
            "phone": "13700001111",
            "password1": "Str0ng-pass!",
            "password2": "Str0ng-pass!",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/my/enterprises/claim/"


def test_weak_password_is_refused_at_registration(client):
    response = client.post(
        "/accounts/register/",
        {"username": "weak-agent", "display_name": "弱", "phone": "13700001111", "password1": "abcdefghij",
         "password2": "abcdefghij"},
    )  # fmt: skip
    assert "至少三类" in response.content.decode()
