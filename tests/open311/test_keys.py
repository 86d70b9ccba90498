"""Keys: issued by the operator or an administrator, shown once, stored as a digest, revocable; a key
reads only what its channel created unless granted more, and never anything that identifies a person."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from issues import actions as issue_actions
from issues.models import Channel, Issue
from open311 import actions
from open311.models import ApiKey, key_digest
from portal.exceptions import ActionError, PermissionDeniedError
from portal.models import AuditLog
from tests.issues.factories import issue_in
from tests.open311.factories import issue_key, post_request, url, validate


def test_the_command_prints_the_key_on_its_last_line(db, client):
    # when
    out = io.StringIO()
    call_command("open311_key", "--name", "湖州12345热线", "--channel", "hotline-12345", stdout=out)
    # then
    key = out.getvalue().strip().splitlines()[-1]
    row = ApiKey.objects.get()
    assert row.digest == key_digest(key) and key not in json.dumps(list(ApiKey.objects.values()), default=str)
    assert row.channel.code == "hotline-12345" and row.account.role == "integration"
    assert not row.account.has_usable_password()
    assert client.get(url("requests"), {"api_key": key}).status_code == 200
    assert AuditLog.objects.filter(action="open311.apikey.issued", target_id=str(row.pk)).exists()


def test_the_command_refuses_an_unknown_channel(db):
    with pytest.raises(CommandError):
        call_command("open311_key", "--name", "x", "--channel", "no-such", stdout=io.StringIO())
    assert not ApiKey.objects.exists()


def test_the_command_revokes_by_prefix(db, client):
    row, key = issue_key()
    call_command("open311_key", "--revoke", row.prefix, stdout=io.StringIO())
    response = client.get(url("requests"), {"api_key": key})
    assert response.status_code == 403
    validate("local/errors.json", response.json())


def test_missing_and_wrong_keys(client, hotline):
    assert client.get(url("requests")).status_code == 401
    assert client.get(url("requests"), {"api_key": "not-a-key"}).status_code == 403
    assert client.get(url("services"), {"api_key": "not-a-key"}).status_code == 403
    # discovery and services need no key
    assert client.get(url("services")).status_code == 200


def test_a_revoked_key_is_refused_and_its_account_deactivated(client, hotline, enterprise):
    row, key = hotline
    # when
    assert actions.api_key_revoke(actor=None, api_key=row) is True
    # then
    assert post_request(client, key, uscc=enterprise.uscc).status_code == 403
    row.account.refresh_from_db()
    assert row.account.is_active is False
    assert actions.api_key_revoke(actor=None, api_key=row) is False


def test_only_system_and_security_administrators_manage_keys(db, clerk, admin_user, security_admin):
    with pytest.raises(PermissionDeniedError):
        actions.api_key_issue(actor=clerk, name="x", channel="hotline-12345")
    assert actions.api_key_issue(actor=admin_user, name="a", channel="hotline-12345")[0].created_by == admin_user
    assert actions.api_key_issue(actor=security_admin, name="b", channel="window")[0].pk


def test_admin_issues_a_key_and_shows_it_once(client_for, admin_user):
    # given
    client = client_for(admin_user)
    # when
    response = client.post(
        "/admin/open311/apikey/add/",
        {"name": "城市服务App", "channel": _channel_pk("other"), "read_all_channels": ""},
        follow=True,
    )
    # then
    assert response.status_code == 200
    row = ApiKey.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    key = next(m.rsplit("：", 1)[1] for m in shown if row.prefix in m)
    assert key_digest(key) == row.digest
    again = client.get(f"/admin/open311/apikey/{row.pk}/change/")
    listing = client.get("/admin/open311/apikey/")
    for page in (again, listing):
        assert page.status_code == 200
        assert key not in page.content.decode() and row.digest not in page.content.decode()
    assert AuditLog.objects.filter(action="open311.apikey.issued", actor=admin_user).exists()


def test_admin_grants_reading_all_channels_and_revokes(client_for, admin_user, hotline):
    row, _key = hotline
    client = client_for(admin_user)
    # when
    client.post(f"/admin/open311/apikey/{row.pk}/change/", {"name": row.name, "read_all_channels": "on"})
    client.post("/admin/open311/apikey/", {"action": "revoke", "_selected_action": [row.pk]})
    # then
    row.refresh_from_db()
    assert row.read_all_channels is True and row.revoked_at is not None
    assert list(
        AuditLog.objects.filter(target_type="open311.apikey", target_id=str(row.pk))
        .exclude(action__startswith="open311.call")
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["open311.apikey.issued", "open311.apikey.changed", "open311.apikey.revoked"]


def test_the_security_administrator_sees_the_keys(client_for, security_admin, hotline):
    row, _key = hotline
    page = client_for(security_admin).get("/admin/open311/apikey/")
    assert page.status_code == 200 and row.prefix in page.content.decode()


@pytest.mark.parametrize("who", ["clerk", "handler", "auditor"])
def test_other_roles_see_no_key_admin(client_for, request, who, hotline):
    user = request.getfixturevalue(who)
    user.is_staff = True
    user.save()
    assert client_for(user).get("/admin/open311/apikey/").status_code in (302, 403)


def _channel_pk(code):
    return Channel.objects.get(code=code).pk


def test_a_key_reads_only_its_channels_problems(client, hotline, app_key, enterprise, clerk, handler, supervisor):
    # given one problem from the hotline and one from the app
    _row, hotline_key = hotline
    _app_row, app = app_key
    ours = post_request(client, hotline_key, uscc=enterprise.uscc).json()[0]["service_request_id"]
    theirs = post_request(client, app, uscc=enterprise.uscc).json()[0]["service_request_id"]
    # when
    listed = [r["service_request_id"] for r in client.get(url("requests"), {"api_key": hotline_key}).json()]
    updates = client.get(url("servicerequestupdates"), {"api_key": hotline_key}).json()
    # then
    assert listed == [ours]
    assert {u["service_request_id"] for u in updates} == {ours}
    assert client.get(url(f"requests/{theirs}"), {"api_key": hotline_key}).status_code == 404
    assert client.get(url("requests"), {"api_key": hotline_key, "service_request_id": theirs}).json() == []


def test_a_granted_key_reads_every_channel_without_descriptions(client, hotline, enterprise, clerk):
    # given a problem the hotline posted and a platform granted every channel
    _row, hotline_key = hotline
    ours = post_request(client, hotline_key, uscc=enterprise.uscc).json()[0]["service_request_id"]
    _platform, platform_key = issue_key(channel="other", name="数据平台", read_all_channels=True)
    # when
    data = client.get(url(f"requests/{ours}"), {"api_key": platform_key}).json()
    # then
    assert data[0]["service_request_id"] == ours
    assert data[0]["description"] is None
    own = client.get(url(f"requests/{ours}"), {"api_key": hotline_key}).json()
    assert own[0]["description"].startswith("厂房消防验收")


def test_nothing_that_identifies_a_person(client, hotline, enterprise):
    _row, key = hotline
    post_request(
        client,
        key,
        uscc=enterprise.uscc,
        **{"attribute[contact_name]": "王小明", "attribute[contact_phone]": "13812345678"},
    )
    bodies = "".join(
        client.get(url(name, fmt), {"api_key": key}).content.decode()
        for name in ("requests", "servicerequestupdates")
        for fmt in ("json", "xml")
    )
    for personal in ("王小明", "13812345678", enterprise.legal_representative, enterprise.contact_phone, "open311-"):
        assert personal not in bodies


def test_a_system_account_sees_nothing_elsewhere(hotline, enterprise, clerk, handler, supervisor):
    row, _key = hotline
    issue_in("dispatched", member=clerk, clerk=clerk, handler=handler, enterprise=enterprise)
    assert not Issue.objects.visible_to(row.account).exists()


def test_a_system_account_must_name_its_channel(hotline, enterprise):
    row, _key = hotline
    with pytest.raises(ActionError):
        issue_actions.issue_submit(
            actor=row.account, title="t", description="d", category="approval", enterprise=enterprise
        )


def test_a_key_never_starts_with_a_dash(monkeypatch):
    # given the random source first draws a key with a leading dash (it would read as an option after --revoke)
    from open311 import actions

    draws = iter(["-leading-dash", "Abc-def"])
    monkeypatch.setattr(actions.secrets, "token_urlsafe", lambda n: next(draws))
    # then the key issued is the next draw
    assert actions.new_key() == "Abc-def"
