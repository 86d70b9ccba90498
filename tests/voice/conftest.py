import pytest

from portal.choices import Role
from tests.issues.conftest import ensure_issue_configuration
from tests.portal.factories import UserFactory


@pytest.fixture(autouse=True)
def _issue_configuration(db):
    ensure_issue_configuration()


@pytest.fixture
def deputies(db):
    return [UserFactory(username=f"deputy-{i}", role=Role.DEPUTY) for i in range(3)]
