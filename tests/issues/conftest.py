import pytest

from portal.choices import DepartmentKind, Role
from tests.portal.factories import DepartmentFactory, RegionFactory, StaffFactory


@pytest.fixture
def people(member, clerk, handler, supervisor, other_handler):
    return {
        "member": member,
        "clerk": clerk,
        "handler": handler,
        "supervisor": supervisor,
        "other_handler": other_handler,
    }


@pytest.fixture
def province_department(db):
    zj = RegionFactory(code="330000", name="浙江省", level="province")
    return DepartmentFactory(code="zj-drc", name="浙江省发展和改革委员会", region=zj, kind=DepartmentKind.GOVERNMENT)


@pytest.fixture
def province_handler(province_department):
    return StaffFactory(username="handler-zj-drc", role=Role.HANDLER, department=province_department)


@pytest.fixture(autouse=True)
def _issue_configuration(db):
    """Transactional tests flush the tables, including the seeded channels and categories: re-seed them."""
    ensure_issue_configuration()


def ensure_issue_configuration():
    import importlib

    from django.apps import apps

    importlib.import_module("issues.migrations.0002_seed_configuration").seed(apps, None)
