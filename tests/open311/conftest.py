import pytest

from tests.issues.conftest import ensure_issue_configuration
from tests.open311.factories import issue_key


@pytest.fixture(autouse=True)
def _issue_configuration(db):
    """Transactional tests flush the seeded channels and categories: re-seed them."""
    ensure_issue_configuration()


@pytest.fixture
def hotline():
    """The 12345 hotline's key: (row, key)."""
    return issue_key()


@pytest.fixture
def app_key():
    """A city app's key on another channel: (row, key)."""
    return issue_key(channel="other", name="城市服务App")
