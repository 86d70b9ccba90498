"""The optional read replica (portal.db_router): routing decisions and pinning after a write.

The "replica" alias of the test settings is a test mirror of default (a second connection to the same test
database), so the end-to-end tests commit (``transaction=True``) for the replica connection to see the rows.
"""

import time

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import override_settings
from django.urls import reverse

from issues.models import Issue
from portal.db_router import PIN_COOKIE, ReplicaRouter, replica_reads
from portal.models import AuditLog, User

replica_on = override_settings(DATABASE_READ_REPLICA="replica")


@pytest.fixture(autouse=True)
def _close_replica():
    """On PostgreSQL the replica alias has its own pool: close it so the test database can be dropped."""
    yield
    replica = connections["replica"]
    replica.close()
    if hasattr(replica, "close_pool"):
        replica.close_pool()


@pytest.fixture
def replica_context():
    token = replica_reads.set(True)
    yield
    replica_reads.reset(token)


def test_without_a_replica_the_router_leaves_everything_to_default(replica_context):
    router = ReplicaRouter()
    assert router.db_for_read(Issue) is None
    assert router.db_for_write(Issue) == DEFAULT_DB_ALIAS
    assert router.allow_migrate("default", "issues") is None


@replica_on
def test_reads_of_a_replica_request_go_to_the_replica_but_auth_and_audit_stay_on_the_primary(replica_context):
    router = ReplicaRouter()
    assert router.db_for_read(Issue) == "replica"
    assert router.db_for_read(User) == DEFAULT_DB_ALIAS
    assert router.db_for_read(AuditLog) == DEFAULT_DB_ALIAS


@replica_on
def test_reads_outside_a_replica_request_go_to_the_primary():
    assert replica_reads.get() is False
    assert ReplicaRouter().db_for_read(Issue) is None


@replica_on
def test_after_a_write_the_rest_of_the_request_reads_the_primary(replica_context):
    router = ReplicaRouter()
    assert router.db_for_write(Issue) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Issue) is None


@replica_on
@pytest.mark.django_db
def test_reads_inside_a_transaction_on_the_primary_stay_there(replica_context):
    # pytest-django wraps this test in a transaction on default
    assert connections[DEFAULT_DB_ALIAS].in_atomic_block
    assert ReplicaRouter().db_for_read(Issue) == DEFAULT_DB_ALIAS


@replica_on
def test_migrations_never_run_on_the_replica():
    router = ReplicaRouter()
    assert router.allow_migrate("replica", "issues", model_name="issue") is False
    assert router.allow_migrate("default", "issues", model_name="issue") is None


def _queries(num_queries, client, url):
    """The SQL one GET ran on the primary, and how many queries it ran on the replica."""
    responses, replica = [], []
    primary = num_queries.capture(
        lambda: replica.extend(num_queries.capture(lambda: responses.append(client.get(url)), using="replica"))
    )
    assert responses[0].status_code == 200
    return primary, len(replica)


def _write(client):
    """A successful POST that writes: signing in (the session row)."""
    User.objects.create_user("reader", password="Reader-pass-2026!")
    response = client.post(reverse("portal:login"), {"username": "reader", "password": "Reader-pass-2026!"})
    assert response.status_code == 302
    return response


@replica_on
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_public_page_reads_from_the_replica_until_the_browser_writes(client, monkeypatch, num_queries):
    catalogue = reverse("services:catalogue")
    primary, replica = _queries(num_queries, client, catalogue)
    assert replica > 0
    assert primary == []

    response = _write(client)  # signed in now: the user and session are read on the primary
    cookie = response.cookies[PIN_COOKIE]
    # the pin holds a time and a signature, nothing about the user
    assert cookie.value.split(":")[0].isdigit()
    assert cookie["httponly"]
    primary, replica = _queries(num_queries, client, catalogue)
    assert replica == 0
    assert len(primary) > 3

    # REPLICA_PIN_SECONDS (10) later the pin has expired: back to the replica
    now = time.time()
    monkeypatch.setattr("django.core.signing.time.time", lambda: now + 11)
    primary, replica = _queries(num_queries, client, catalogue)
    assert replica > 0
    # only who is signed in (session, user) and the session's idle stamp are read and written on the primary
    tables = [sql for sql in primary if not sql.startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))]
    assert tables
    assert all("django_session" in sql or "portal_user" in sql for sql in tables), tables


@replica_on
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_pages_not_listed_for_the_replica_read_the_primary(client, num_queries):
    _primary, replica = _queries(num_queries, client, reverse("portal:login"))
    assert replica == 0


@replica_on
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_post_that_writes_nothing_does_not_pin(client):
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert PIN_COOKIE not in response.cookies


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_without_a_replica_nothing_reads_it_and_no_pin_is_set(client, num_queries):
    _primary, replica = _queries(num_queries, client, reverse("services:catalogue"))
    assert replica == 0
    assert PIN_COOKIE not in _write(client).cookies
