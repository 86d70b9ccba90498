"""The back office: an administrator verifies registrations through the action (audited)."""

import pytest

from market.choices import IntermediaryStatus
from portal.models import AuditLog
from tests.market.factories import IntermediaryFactory

pytestmark = pytest.mark.django_db


def test_admin_verifies_pending_intermediaries_through_the_action(client_for, admin_user):
    firm = IntermediaryFactory(status=IntermediaryStatus.PENDING)
    admin_user.is_staff = True
    admin_user.save()
    response = client_for(admin_user).post(
        "/admin/market/intermediary/", {"action": "verify_selected", "_selected_action": [firm.pk]}
    )
    assert response.status_code == 302
    firm.refresh_from_db()
    assert firm.status == IntermediaryStatus.VERIFIED and firm.decided_by == admin_user
    assert AuditLog.objects.filter(action="market.intermediary.verified").count() == 1
