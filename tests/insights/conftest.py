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


@pytest.fixture
def one_application(member, enterprise, department):
    """One 企业开办 application (one item of ``department``) submitted by the enterprise's member."""
    from services import actions as service_actions
    from tests.services.factories import BundleFactory, BundleItemFactory, ServiceItemFactory

    bundle = BundleFactory(code="qykb", name="企业开办一类事")
    item = BundleItemFactory(
        bundle=bundle, service=ServiceItemFactory(code="330000-AMR-001", name="企业设立登记", department=department)
    )
    return service_actions.application_submit(
        actor=member,
        bundle=bundle,
        enterprise=enterprise,
        selected_ids=[item.pk],
        contact_name="沈建国",
        contact_phone="13812345678",
    )
