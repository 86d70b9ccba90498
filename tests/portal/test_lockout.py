"""One lock-out for every way in (issue 12, finding 1): the portal login, the admin login and the API
token endpoint share one counter per account name at an address, per account and per address; a back-off
instead of a hard lock; one answer whether or not the account exists."""

import datetime as dt

import pytest
from django.contrib.auth.backends import ModelBackend
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from portal.models import AuditLog, LoginThrottle

pytestmark = pytest.mark.django_db

PASSWORD = "Test-pass-123!"


@pytest.fixture
def checked(monkeypatch):
    """Counts the passwords actually checked (ModelBackend.authenticate calls)."""
    calls = []
    original = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        calls.append(username)
        return original(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    return calls


def portal_login(username, password, ip="203.0.113.7"):
    response = Client(REMOTE_ADDR=ip).post("/accounts/login/", {"username": username, "password": password})
    return response.status_code, response.content.decode()


def admin_login(username, password, ip="203.0.113.7"):
    response = Client(REMOTE_ADDR=ip).post("/admin/login/", {"username": username, "password": password})
    return response.status_code, response.content.decode()


def token_login(username, password, ip="203.0.113.7"):
    response = APIClient(REMOTE_ADDR=ip).post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    return response.status_code, response.json()


def test_portal_login_pauses_after_five_failures_and_checks_no_more_passwords(member, checked):
    # given five wrong passwords for ent-a from one address
    for _ in range(5):
        status, body = portal_login("ent-a", "wrong")
        assert status == 200 and "用户名或密码不正确" in body
    # when the right password comes next from the same address
    status, body = portal_login("ent-a", PASSWORD)
    # then it is refused without checking it, and the pause is audited
    assert status == 200 and "登录尝试过于频繁，请 1 分钟后再试" in body
    assert len(checked) == 5
    assert AuditLog.objects.filter(action="portal.user.login_failed", target_id=str(member.pk)).count() == 5
    assert AuditLog.objects.filter(action="portal.login.throttled").count() == 1


def test_the_admin_login_is_counted_by_the_same_lock_out(admin_user, checked):
    # given twelve wrong passwords at /admin/login/ (Django's stock form used to count none)
    answers = [admin_login("admin", "wrong")[1] for _ in range(12)]
    # then five were checked, seven refused, and the right password waits as well
    assert sum("登录尝试过于频繁" in body for body in answers) == 7
    assert len(checked) == 5
    status, body = admin_login("admin", PASSWORD)
    assert status == 200 and "登录尝试过于频繁" in body
    # and the portal login of the same account at the same address waits too (one lock-out)
    assert "登录尝试过于频繁" in portal_login("admin", PASSWORD)[1]
    assert len(checked) == 5


def test_a_portal_lock_out_holds_at_the_admin_login(admin_user):
    for _ in range(5):
        portal_login("admin", "wrong")
    assert "登录尝试过于频繁" in admin_login("admin", PASSWORD)[1]


def test_the_token_endpoint_is_counted_and_answers_429_with_retry_after(member, checked):
    for _ in range(5):
        status, body = token_login("ent-a", "wrong")
        assert status == 400 and body == {"detail": "用户名或密码不正确。"}
    response = APIClient(REMOTE_ADDR="203.0.113.7").post(
        "/api/v1/auth/token/", {"username": "ent-a", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429 and response.json()["detail"] == "登录尝试过于频繁，请 1 分钟后再试。"
    assert 55 <= int(response["Retry-After"]) <= 61
    assert len(checked) == 5


def test_one_answer_whether_or_not_the_account_exists(member):
    real = [token_login("ent-a", "wrong") for _ in range(6)]
    ghost = [token_login("nobody-here", "wrong") for _ in range(6)]
    assert real == ghost
    assert real[-1][0] == 429
    assert portal_login("ent-a", "wrong", ip="198.51.100.1")[1].count("用户名或密码不正确") == portal_login(
        "nobody-here", "wrong", ip="198.51.100.1"
    )[1].count("用户名或密码不正确")


def test_a_stranger_cannot_lock_the_owner_out_from_elsewhere(member):
    # given a stranger at one address exhausting ent-a's attempts there
    for _ in range(6):
        token_login("ent-a", "wrong", ip="203.0.113.66")
    assert token_login("ent-a", PASSWORD, ip="203.0.113.66")[0] == 429
    # then the owner at another address signs in
    assert token_login("ent-a", PASSWORD, ip="198.51.100.20")[0] == 200


def test_guessing_one_account_from_many_addresses_pauses_that_account(settings, member):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 20
    for n in range(20):
        assert token_login("ent-a", "wrong", ip=f"203.0.113.{n + 1}")[0] == 400
    # the twenty-first address is refused, the password unchecked
    assert token_login("ent-a", PASSWORD, ip="198.51.100.99")[0] == 429


def test_one_address_trying_many_names_is_paused(settings, db):
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 10
    answers = [token_login(f"name-{n}", "wrong")[0] for n in range(12)]
    assert answers == [400] * 10 + [429] * 2


def test_the_back_off_doubles_and_then_expires(settings, member):
    settings.LOGIN_BACKOFF_SECONDS, settings.LOGIN_LOCKOUT_SECONDS = 60, 900
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 100  # this test is about the pair's own back-off
    pair = {"scope": LoginThrottle.Scope.ACCOUNT_AT_ADDRESS, "username": "ent-a", "ip": "203.0.113.7"}
    pauses = []
    for _ in range(5):  # five rounds of five failures, each round once the last pause has passed
        for _ in range(5):
            token_login("ent-a", "wrong")
        row = LoginThrottle.objects.get(**pair)
        pauses.append(round((row.blocked_until - timezone.now()).total_seconds() / 60))
        LoginThrottle.objects.filter(**pair).update(blocked_until=timezone.now() - dt.timedelta(seconds=1))
    assert pauses == [1, 2, 4, 8, 15]  # minutes: doubling, capped at LOGIN_LOCKOUT_SECONDS
    # once the pause has passed the right password works and the counter starts again
    assert token_login("ent-a", PASSWORD)[0] == 200
    assert LoginThrottle.objects.get(**pair).level == 0


def test_a_quiet_day_forgets_the_failures(member):
    for _ in range(4):
        token_login("ent-a", "wrong")
    LoginThrottle.objects.update(last_attempt_at=timezone.now() - dt.timedelta(days=2))
    for _ in range(4):
        assert token_login("ent-a", "wrong")[0] == 400
    assert token_login("ent-a", PASSWORD)[0] == 200


def test_a_right_password_is_not_counted_against_the_address(settings, member):
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    for _ in range(10):
        assert token_login("ent-a", PASSWORD)[0] == 200
    assert LoginThrottle.objects.get(scope="address").attempts == 0


def test_the_security_administrator_lifts_a_pause(client_for, member, security_admin):
    for _ in range(5):
        token_login("ent-a", "wrong")
    response = client_for(security_admin).post(
        "/admin/portal/user/", {"action": "unlock", "_selected_action": [member.pk]}
    )
    assert response.status_code == 302
    assert token_login("ent-a", PASSWORD)[0] == 200
    assert AuditLog.objects.filter(action="portal.user.unlocked", actor=security_admin).count() == 1


def test_the_drf_rate_limits_the_token_endpoint_per_address(monkeypatch, db):
    from portal.api.throttling import AuthRateThrottle

    monkeypatch.setitem(AuthRateThrottle.THROTTLE_RATES, "auth", "3/min")
    answers = [token_login(f"n{n}", "wrong", ip="192.0.2.9")[0] for n in range(4)]
    assert answers == [400, 400, 400, 429]


def test_the_drf_rate_limits_writes_per_user(monkeypatch, api_for, member):
    from portal.api.throttling import WriteRateThrottle

    monkeypatch.setitem(WriteRateThrottle.THROTTLE_RATES, "write", "2/min")
    client = api_for(member)
    answers = [client.post("/api/v1/auth/logout/").status_code for _ in range(3)]
    assert answers == [204, 204, 429]
    assert client.get("/api/v1/me/").status_code == 200  # reads are not capped by the write rate


def test_quiet_counters_are_forgotten_by_the_daily_task(member):
    from portal.lockout import forget_quiet_counters

    token_login("ghost-name", "wrong")
    token_login("ent-a", "wrong", ip="198.51.100.5")
    LoginThrottle.objects.filter(username="ghost-name").update(last_attempt_at=timezone.now() - dt.timedelta(days=2))
    LoginThrottle.objects.filter(scope="address").update(last_attempt_at=timezone.now() - dt.timedelta(days=2))
    assert forget_quiet_counters() == 4  # ghost-name's two, both addresses
    assert set(LoginThrottle.objects.values_list("scope", "username")) == {("account", "ent-a"), ("pair", "ent-a")}
