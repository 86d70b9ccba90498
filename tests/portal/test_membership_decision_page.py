"""The membership decision from a page (issue 15): a rejection without a reason, or no decision at all,
comes back on the claim's own page with the error summary and what was typed, and changes nothing."""

import pytest

from portal import actions
from portal.choices import MembershipKind, MembershipStatus
from portal.models import AuditLog, Membership
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(enterprise):
    return actions.membership_request(
        user=UserFactory(username="claimant"), enterprise=enterprise, kind=MembershipKind.AGENT
    )


def test_a_rejection_without_a_reason_comes_back_and_changes_nothing(client_for, clerk, claim, num_queries):
    client = client_for(clerk)
    url = f"/memberships/{claim.pk}/decide/"
    audits = AuditLog.objects.count()
    # When the clerk rejects from the queue with no reason
    with num_queries(7):
        response = client.post(url, {"decision": "reject", "reason": " ", "next": "/workbench/memberships/"})
    # Then the claim's page comes back: the summary links to the reason, the choice stays ticked
    page = response.content.decode()
    assert response.status_code == 200 and "<title>错误：" in page
    assert "驳回时请填写原因。" in page and f'href="#id_membership-{claim.pk}-reason"' in page
    assert 'value="reject"' in page and "checked" in page and 'value="/workbench/memberships/"' in page
    claim.refresh_from_db()
    assert claim.status == MembershipStatus.PENDING and AuditLog.objects.count() == audits
    # And no decision at all keeps the typed reason and asks for the decision
    response = client.post(url, {"reason": "非本企业人员"})
    page = response.content.decode()
    assert response.status_code == 200 and "请选择“核验通过”或“驳回”。" in page and 'value="非本企业人员"' in page
    assert Membership.objects.get(pk=claim.pk).status == MembershipStatus.PENDING
    # And a reason rejects it, back to the queue
    response = client.post(url, {"decision": "reject", "reason": "非本企业人员", "next": "/workbench/memberships/"})
    assert response.status_code == 302 and response["Location"] == "/workbench/memberships/"
    assert Membership.objects.get(pk=claim.pk).status == MembershipStatus.REJECTED


def test_the_claims_page_permission_matrix(client, client_for, clerk, member, other_member, handler, claim):
    url = f"/memberships/{claim.pk}/decide/"
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # the enterprise's 法定代表人 and a clerk decide; another enterprise's member gets a 404
    assert client_for(member).get(url).status_code == 200
    assert client_for(clerk).get(url).status_code == 200
    assert client_for(other_member).get(url).status_code == 404
    assert client_for(clerk).get("/memberships/999999/decide/").status_code == 404


def test_the_queue_names_each_claims_fields(client_for, clerk, enterprise, claim):
    page = client_for(clerk).get("/workbench/memberships/").content.decode()
    assert f'action="/memberships/{claim.pk}/decide/"' in page
