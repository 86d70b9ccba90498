import pytest

from portal.choices import Role
from tests.portal.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    RegionFactory,
    StaffFactory,
    UserFactory,
    member_of,
)


@pytest.fixture
def third_member(db):
    """A member of a third enterprise, registered in another county."""
    county = RegionFactory(code="330521", name="德清县", level="county")
    return member_of(EnterpriseFactory(name="德清晨光储能有限公司", region=county), user=UserFactory(username="ent-c"))


@pytest.fixture
def fire_department(region):
    return DepartmentFactory(code="hz-fire", name="湖州市消防救援支队")


@pytest.fixture
def fire_handler(fire_department):
    return StaffFactory(username="handler-hz-fire", role=Role.HANDLER, department=fire_department)
