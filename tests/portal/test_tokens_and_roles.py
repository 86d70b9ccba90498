"""API tokens expire and are revoked (issue 12, finding 8), the idle clock starts at login, and 三员分立:
system, security and audit administrators cannot take each other's powers (finding 7)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from portal.choices import Role
from portal.middleware import IdleSessionTimeoutMiddleware
from portal.models import ApiToken, AuditLog
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Test-pass-123!"


def issue_token(username="ent-a"):
    response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    return response.json()


def me_status(key):
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me/").status_code


def test_a_token_expires_after_the_configured_hours(settings, member):
    settings.API_TOKEN_TTL_HOURS = 2
    body = issue_token()
    token = ApiToken.objects.get(user=member)
    assert abs((token.expires_at - timezone.now()) - dt.timedelta(hours=2)) < dt.timedelta(minutes=1)
    assert body["expires_at"] and me_status(body["token"]) == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert me_status(body["token"]) == 401


def test_only_a_digest_of_the_key_is_stored(member):
    key = issue_token()["token"]
    token = ApiToken.objects.get(user=member)
    assert key not in (token.digest, token.prefix) and token.prefix == key[:8]
    assert me_status("x" + key[1:]) == 401


def test_a_password_change_revokes_every_token(client_for, member):
    keys = [issue_token()["token"] for _ in range(2)]
    response = client_for(member).post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Another-pass-456!", "new_password2": "Another-pass-456!"},
    )
    assert response.status_code == 302
    assert [me_status(k) for k in keys] == [401, 401]
    assert set(ApiToken.objects.values_list("revoked_reason", flat=True)) == {"password_changed"}
    assert AuditLog.objects.filter(action="portal.apitoken.revoked", target_id=str(member.pk)).exists()


def test_a_browser_logout_revokes_the_tokens(member):
    key = issue_token()["token"]
    client = Client()
    client.force_login(member)
    assert client.post("/accounts/logout/").status_code == 302
    assert me_status(key) == 401


def test_an_idle_timeout_does_not_revoke_the_tokens(settings, member):
    key = issue_token()["token"]
    client = Client()
    client.force_login(member)
    session = client.session
    session[IdleSessionTimeoutMiddleware.KEY] -= settings.SESSION_IDLE_SECONDS + 5
    session.save()
    assert client.get("/my/enterprises/").status_code == 302  # logged out for idleness
    assert me_status(key) == 200


def test_the_api_logout_revokes_the_token_it_carries(member):
    first, second = issue_token()["token"], issue_token()["token"]
    assert APIClient(HTTP_AUTHORIZATION=f"Token {first}").post("/api/v1/auth/logout/").status_code == 204
    assert (me_status(first), me_status(second)) == (401, 200)


def test_the_owner_lists_and_revokes_their_tokens(client_for, member, other_member):
    keys = [issue_token()["token"] for _ in range(2)]
    other_key = issue_token("ent-b")["token"]
    client = client_for(member)
    page = client.get("/accounts/tokens/").content.decode()
    assert page.count('data-testid="api-token"') == 2 and keys[0][:8] in page and other_key[:8] not in page
    mine = ApiToken.objects.get(prefix=keys[0][:8])
    theirs = ApiToken.objects.get(prefix=other_key[:8])
    # someone else's token id changes nothing
    client.post("/accounts/tokens/", {"token": theirs.pk})
    assert me_status(other_key) == 200
    client.post("/accounts/tokens/", {"token": mine.pk})
    assert (me_status(keys[0]), me_status(keys[1])) == (401, 200)
    client.post("/accounts/tokens/", {"token": "not-a-number"})
    assert me_status(keys[1]) == 200
    client.post("/accounts/tokens/", {})
    assert me_status(keys[1]) == 401


def test_admin_and_security_list_and_revoke_anyones_tokens(client_for, member, admin_user, security_admin, auditor):
    key = issue_token()["token"]
    token = ApiToken.objects.get(user=member)
    assert client_for(auditor).get("/admin/portal/apitoken/").status_code == 403
    for user in (admin_user, security_admin):
        assert key[:8] in client_for(user).get("/admin/portal/apitoken/").content.decode()
    response = client_for(security_admin).post(
        "/admin/portal/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302 and me_status(key) == 401


def test_the_idle_clock_starts_at_login(member):
    # when the user logs in through the login form
    client = Client()
    response = client.post("/accounts/login/", {"username": "ent-a", "password": PASSWORD})
    # then the session already carries the time of the login (not only after the next request)
    assert response.status_code == 302
    assert abs(client.session[IdleSessionTimeoutMiddleware.KEY] - timezone.now().timestamp()) < 5


def test_the_idle_clock_is_written_back_at_most_once_a_minute(member, num_queries):
    # given a session whose stamp is 30 seconds old
    client = Client()
    client.force_login(member)
    key = IdleSessionTimeoutMiddleware.KEY
    session = client.session
    session[key] -= 30
    session.save()
    stamp = client.session[key]
    # when the user opens a page, the page writes nothing (the stamp is recent enough)
    assert num_queries.writes(lambda: client.get("/my/enterprises/")) == []
    assert client.session[key] == stamp
    # given the stamp is a minute old, the next page writes it back
    session = client.session
    session[key] -= IdleSessionTimeoutMiddleware.STAMP_EVERY
    session.save()
    assert [sql.split()[0] for sql in num_queries.writes(lambda: client.get("/my/enterprises/"))] == ["UPDATE"]
    assert abs(client.session[key] - timezone.now().timestamp()) < 5


# --- 三员分立 ---------------------------------------------------------------------------------------


def test_only_the_audit_administrator_reads_the_audit_log(client_for, admin_user, security_admin, auditor):
    assert client_for(admin_user).get("/admin/portal/auditlog/").status_code == 403
    assert client_for(security_admin).get("/admin/portal/auditlog/").status_code == 403
    assert client_for(auditor).get("/admin/portal/auditlog/").status_code == 200


def test_the_system_administrator_cannot_touch_the_other_administrators(
    client_for, admin_user, security_admin, auditor
):
    client = client_for(admin_user)
    for target in (auditor, security_admin, admin_user):
        assert client.get(f"/admin/portal/user/{target.pk}/password/").status_code == 403
        response = client.post(
            f"/admin/portal/user/{target.pk}/password/",
            {"password1": "Hijacked-pass-789!", "password2": "Hijacked-pass-789!", "usable_password": "true"},
        )
        assert response.status_code == 403
        assert client.post(f"/admin/portal/user/{target.pk}/delete/", {"post": "yes"}).status_code == 403
    auditor.refresh_from_db()
    assert auditor.check_password(PASSWORD)


def test_the_system_administrator_edits_ordinary_accounts_but_grants_no_privileges(client_for, admin_user, clerk):
    client = client_for(admin_user)
    form = client.get(f"/admin/portal/user/{clerk.pk}/change/").content.decode()
    assert 'value="clerk"' in form and 'value="auditor"' not in form and 'value="security"' not in form
    assert 'name="is_superuser"' not in form
    response = client.post(
        f"/admin/portal/user/{clerk.pk}/password/",
        {"password1": "Reset-pass-789!x", "password2": "Reset-pass-789!x", "usable_password": "true"},
    )
    assert response.status_code == 302


def test_the_security_administrator_cannot_edit_accounts_or_become_another(client_for, security_admin, clerk):
    client = client_for(security_admin)
    assert client.get("/admin/portal/user/").status_code == 200  # to lift pauses and revoke tokens
    assert client.get(f"/admin/portal/user/{clerk.pk}/password/").status_code == 403
    assert client.get(f"/admin/portal/user/{security_admin.pk}/change/").status_code in (200, 403)
    response = client.post(f"/admin/portal/user/{security_admin.pk}/change/", {"role": Role.AUDITOR})
    assert response.status_code == 403
    security_admin.refresh_from_db()
    assert security_admin.role == Role.SECURITY


def test_the_auditor_cannot_manage_accounts(client_for, auditor, clerk):
    client = client_for(auditor)
    assert client.get("/admin/portal/user/").status_code == 403
    assert client.get(f"/admin/portal/user/{clerk.pk}/password/").status_code == 403


def test_a_superuser_flag_on_another_role_grants_no_audit_reading(client_for):
    odd = UserFactory(username="odd", role=Role.CLERK, is_staff=True, is_superuser=True)
    assert client_for(odd).get("/admin/portal/auditlog/").status_code == 403


def test_the_api_lists_and_revokes_only_the_callers_tokens(member, other_member):
    key = issue_token()["token"]
    second = issue_token()["token"]
    theirs = issue_token("ent-b")["token"]
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    listed = client.get("/api/v1/auth/tokens/").json()["results"]
    assert sorted(t["prefix"] for t in listed) == sorted([key[:8], second[:8]])
    assert all(set(t) >= {"id", "prefix", "expires_at", "active"} and "digest" not in t for t in listed)
    their_id = ApiToken.objects.get(prefix=theirs[:8]).pk
    assert client.post(f"/api/v1/auth/tokens/{their_id}/revoke/").status_code == 404
    assert client.get("/api/v1/auth/tokens/not-a-number/").status_code == 404
    second_id = ApiToken.objects.get(prefix=second[:8]).pk
    assert client.post(f"/api/v1/auth/tokens/{second_id}/revoke/").status_code == 204
    assert (me_status(second), me_status(theirs), me_status(key)) == (401, 200, 200)
    assert APIClient().get("/api/v1/auth/tokens/").status_code == 401
