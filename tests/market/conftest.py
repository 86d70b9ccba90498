import pytest

from tests.market.factories import FacilityFactory, day


@pytest.fixture
def facility(department):
    return FacilityFactory(name="新材料中试线", owner_department=department, capacity=2)


@pytest.fixture
def period():
    """Ten years ahead of these tests' writing, so that it stays in the future."""
    return day(2036, 12, 10), day(2036, 12, 12)
