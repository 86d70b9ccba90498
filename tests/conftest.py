"""Fixtures shared by every app's tests."""

import pytest
from _pytest import nodes

from portal.choices import DepartmentKind, Role
from tests import flush
from tests.portal.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    RegionFactory,
    StaffFactory,
    UserFactory,
    member_of,
)
from tests.queries import NumQueries


def pytest_configure(config):
    flush.install()  # transactional tests empty the tables with DELETE on PostgreSQL (tests/flush.py)
    if config.getoption("dist", "no") == "loadgroup":
        # `--dist loadgroup` keeps an xdist_group's tests on one worker by writing a suffix into each test's
        # ``_nodeid``; pytest 9.2 reads a test's id from elsewhere, so the groups were split without a word
        # (each worker built the schemathesis, gunicorn and open-rows fixtures again). Refuse to run split.
        if "_nodeid" not in nodes.Node.nodeid.fget.__code__.co_names:
            raise pytest.UsageError("this pytest ignores pytest-xdist's xdist_group: install requirements-dev.txt's")
        # By default pytest-xdist sends the largest groups first, whatever pytest-django's order: a group of
        # transactional tests would then empty the tables the migrations seeded (the channels, the
        # categories) before the database tests of its worker, which need them.
        if config.getoption("loadscopereorder"):
            raise pytest.UsageError("--dist loadgroup needs --no-loadscope-reorder (tests/conftest.py)")


# The long tests first (real processes, grouped modules, the browser), so that pytest-xdist's workers end
# together instead of one of them running a qcluster or schemathesis group alone at the end of the run.
# This runs before pytest-django's own sort, which is stable: database tests still come before the
# transactional ones (whose flush empties the tables the migrations seeded), the long ones first in each.
LONG_FIRST = ("system", "xdist_group", "browser")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    def rank(item):
        marks = {mark.name for mark in item.iter_markers()}
        return next((i for i, name in enumerate(LONG_FIRST) if name in marks), len(LONG_FIRST))

    items.sort(key=rank)  # stable: the order within each rank is the collection's


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """Each test process's database is a copy of one migrated template (tests/dbtemplate.py), opened by
    Django with keepdb and removed at the end of the session."""
    from tests import dbtemplate

    remove = dbtemplate.prepare(rebuild=request.config.getvalue("create_db"))
    if remove is not None:
        request.addfinalizer(remove)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's, then the one-time probes Django makes with a query the first time a connection
    needs a feature (on SQLite ``supports_json_field``: SAVEPOINT, SELECT JSON(…), RELEASE, at the first
    JSON-row subquery), so that a pinned query count does not depend on which test ran first in its process."""
    from django.db import connection

    with django_db_blocker.unblock():
        connection.features.supports_json_field  # noqa: B018 - a cached property: the probe itself


@pytest.fixture(scope="session")
def django_db_keepdb(django_db_modify_db_settings):
    """Django opens the copy made above instead of creating and migrating a database of its own."""
    return True


@pytest.fixture
def region(db):
    return RegionFactory(code="330500", name="湖州市", level="city")


@pytest.fixture
def service_centre(region):
    return DepartmentFactory(code="hz-centre", name="湖州市企业综合服务中心", kind=DepartmentKind.SERVICE_CENTRE)


@pytest.fixture
def catch_all_office(region):
    return DepartmentFactory(code="hz-doudi", name="兜底办", kind=DepartmentKind.CATCH_ALL)


@pytest.fixture
def department(region):
    return DepartmentFactory(code="hz-amr", name="湖州市市场监督管理局")


@pytest.fixture
def other_department(region):
    return DepartmentFactory(code="hz-tax", name="国家税务总局湖州市税务局")


@pytest.fixture
def enterprise(db):
    return EnterpriseFactory(name="湖州绿源新能源科技有限公司")


@pytest.fixture
def other_enterprise(db):
    return EnterpriseFactory(name="德清华嘉储能技术有限公司")


@pytest.fixture
def member(enterprise):
    """A verified 法定代表人 of ``enterprise``."""
    return member_of(enterprise, user=UserFactory(username="ent-a"))


@pytest.fixture
def other_member(other_enterprise):
    return member_of(other_enterprise, user=UserFactory(username="ent-b"))


@pytest.fixture
def clerk(service_centre):
    return StaffFactory(username="clerk", role=Role.CLERK, department=service_centre)


@pytest.fixture
def handler(department):
    return StaffFactory(username="handler-hz-amr", role=Role.HANDLER, department=department)


@pytest.fixture
def other_handler(other_department):
    return StaffFactory(username="handler-hz-tax", role=Role.HANDLER, department=other_department)


@pytest.fixture
def supervisor(catch_all_office):
    return StaffFactory(username="supervisor", role=Role.SUPERVISOR, department=catch_all_office)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", role=Role.AUDITOR, is_staff=True)


@pytest.fixture
def security_admin(db):
    return UserFactory(username="security", role=Role.SECURITY, is_staff=True)


@pytest.fixture
def num_queries():
    """The one query counter (tests/queries.py): ``with num_queries(4): …`` pins the exact count;
    ``num_queries.get(client, url)`` and ``num_queries.of(action)`` give the number to compare 3 rows with 30."""
    return NumQueries()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """DRF's rate limits count in the cache: every test starts with none used."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def client_for(client):
    """``client_for(user)`` → a test client logged in as ``user``."""
    from django.test import Client

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def api_for():
    """``api_for(user)`` → a DRF APIClient authenticated as ``user`` (None → anonymous)."""
    from rest_framework.test import APIClient

    def make(user=None):
        c = APIClient()
        if user is not None:
            c.force_authenticate(user)
        return c

    return make


def token_header(user) -> str:
    """An ``Authorization`` header value with a fresh API token of ``user`` (issued through the action)."""
    from portal.actions import api_token_issue

    _token, raw = api_token_issue(user=user)
    return f"Token {raw}"
