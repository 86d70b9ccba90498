"""40 wrong guesses at once on the token endpoint (PostgreSQL, real threads): the attempt is counted
before the password is checked, so no more passwords are checked than the limit allows."""

import threading

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from rest_framework.test import APIClient

from portal.api.throttling import AuthRateThrottle
from portal.models import AuditLog, LoginThrottle
from tests.concurrency import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for real concurrent transactions"),
]


def test_forty_parallel_guesses_check_five_passwords(monkeypatch, member):
    # given a counter of the passwords the backend really checks
    checked, lock = [], threading.Lock()
    original = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        with lock:
            checked.append(username)
        return original(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    # (the per-process DRF rate would refuse some of the 40 first: this test is about the database count)
    monkeypatch.setitem(AuthRateThrottle.THROTTLE_RATES, "auth", "1000/min")

    def guess(n):
        return lambda: (
            APIClient(REMOTE_ADDR="203.0.113.7")
            .post("/api/v1/auth/token/", {"username": "ent-a", "password": f"wrong-{n}"}, format="json")
            .status_code
        )

    # when 40 wrong guesses arrive at the same moment
    outcomes = race(*(guess(n) for n in range(40)))
    # then exactly five passwords were checked (LOGIN_MAX_FAILURES) and 35 refused unchecked
    assert sorted(outcomes) == [400] * 5 + [429] * 35, outcomes
    assert len(checked) == 5
    assert AuditLog.objects.filter(action="portal.user.login_failed").count() == 5
    assert AuditLog.objects.filter(action="portal.login.throttled").count() == 35
    pair = LoginThrottle.objects.get(scope=LoginThrottle.Scope.ACCOUNT_AT_ADDRESS)
    assert pair.level == 1 and pair.blocked_until is not None


def test_parallel_guesses_spread_over_addresses_stop_at_the_account_limit(settings, monkeypatch, member):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 10
    monkeypatch.setitem(AuthRateThrottle.THROTTLE_RATES, "auth", "1000/min")

    def guess(n):
        return lambda: (
            APIClient(REMOTE_ADDR=f"203.0.113.{n + 1}")
            .post("/api/v1/auth/token/", {"username": "ent-a", "password": "wrong"}, format="json")
            .status_code
        )

    outcomes = race(*(guess(n) for n in range(30)))
    assert sorted(outcomes) == [400] * 10 + [429] * 20, outcomes
