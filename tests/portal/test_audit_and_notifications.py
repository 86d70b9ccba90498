"""The audit log is append-only everywhere; notifications follow their transaction."""

import pytest
from django.core import mail
from django.db import connection, transaction

from portal.audit import audit_record
from portal.choices import NotificationStatus
from portal.models import AuditLog, Notification
from portal.models.audit import AuditLogImmutable
from portal.notifications import notify
from portal.tasks import deliver_notification, retry_pending_notifications

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit_row(clerk, enterprise):
    return audit_record(actor=clerk, action="portal.enterprise.viewed", target=enterprise, data={"x": 1})


def test_audit_rows_cannot_be_changed_or_deleted_through_the_orm(audit_row):
    audit_row.action = "tampered"
    with pytest.raises(AuditLogImmutable):
        audit_row.save()
    with pytest.raises(AuditLogImmutable):
        audit_row.delete()
    with pytest.raises(AuditLogImmutable):
        AuditLog.objects.filter(pk=audit_row.pk).update(action="tampered")
    with pytest.raises(AuditLogImmutable):
        AuditLog.objects.all().delete()
    assert AuditLog.objects.get(pk=audit_row.pk).action == "portal.enterprise.viewed"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL only")
def test_postgresql_trigger_refuses_raw_sql_updates(audit_row):
    from django.db import DatabaseError

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE portal_auditlog SET action = 'x' WHERE id = %s", [audit_row.pk])


def test_admin_shows_the_audit_log_read_only(client_for, admin_user, auditor, clerk, audit_row):
    # 三员分立: only the audit administrator reads it; the system administrator (a superuser) does not.
    assert client_for(admin_user).get("/admin/portal/auditlog/").status_code == 403
    for user in (auditor,):
        client = client_for(user)
        assert client.get("/admin/portal/auditlog/").status_code == 200
        change = client.get(f"/admin/portal/auditlog/{audit_row.pk}/change/")
        assert change.status_code == 200 and 'type="submit"' not in change.content.decode().split("<form")[-1]
        assert client.post(f"/admin/portal/auditlog/{audit_row.pk}/change/", {"action": "x"}).status_code == 403
        assert client.post(f"/admin/portal/auditlog/{audit_row.pk}/delete/", {"post": "yes"}).status_code == 403
        assert client.get("/admin/portal/auditlog/add/").status_code == 403
    assert client_for(clerk).get("/admin/portal/auditlog/").status_code == 302  # not admin staff: login page
    assert AuditLog.objects.get(pk=audit_row.pk).action == "portal.enterprise.viewed"


def test_the_api_offers_no_way_to_change_the_audit_log(api_for, admin_user, audit_row):
    client = api_for(admin_user)
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(f"/api/v1/audit-log/{audit_row.pk}/").status_code in {404, 405}
    assert AuditLog.objects.get(pk=audit_row.pk).action == "portal.enterprise.viewed"


def test_admin_edits_write_audit_rows(client_for, admin_user, department):
    client = client_for(admin_user)
    data = {
        "code": department.code,
        "name": "改名后的部门",
        "kind": department.kind,
        "board": "",
        "region": department.region_id,
        "phone": "0572-1",
        "complaint_phone": "",
        "email": "",
        "address": "",
        "is_active": "on",
    }
    response = client.post(f"/admin/portal/department/{department.pk}/change/", data)
    assert response.status_code == 302
    row = AuditLog.objects.get(action="portal.department.admin_changed")
    assert row.actor == admin_user and "name" in row.data["fields"]


def test_notification_of_a_rolled_back_change_is_never_delivered(django_capture_on_commit_callbacks, member):
    # Given a change that notifies and then fails
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(recipients=[member], kind="test.rolled_back", title="不应送达")
            raise RuntimeError("the change failed")
    # Then no row exists, no delivery was scheduled and no e-mail went out
    assert callbacks == []
    assert not Notification.objects.filter(kind="test.rolled_back").exists()
    assert mail.outbox == []


def test_committed_notification_is_delivered_to_inbox_and_email(django_capture_on_commit_callbacks, member, client_for):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify(recipients=[member, member], kind="test.ok", title="您有新的办理结果", url="/inbox/")
    rows = Notification.objects.filter(kind="test.ok")
    assert {row.channel for row in rows} == {"inbox", "email"} and rows.count() == 2  # duplicates sent once
    assert all(row.status == NotificationStatus.SENT for row in rows)
    assert [m.subject for m in mail.outbox] == ["您有新的办理结果"]
    page = client_for(member).get("/inbox/").content.decode()
    assert "您有新的办理结果" in page and 'data-testid="unread-count">1<' in page


def test_failing_delivery_is_retried_a_bounded_number_of_times_then_marked_failed(settings, member):
    settings.MAILERS = {"default": {"BACKEND": "tests.portal.broken_mail.BrokenBackend"}}
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    (row,) = notify(recipients=[member], kind="test.broken", title="投递失败", channels=["email"])
    Notification.objects.filter(pk=row.pk).update(created_at=row.created_at.replace(year=2020))
    outcomes = [deliver_notification(row.pk)] + [retry_pending_notifications() for _ in range(4)]
    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED and row.attempts == 3
    assert "SMTP down" in row.last_error
    assert outcomes[0] == "pending" and outcomes[-1] == {}


def test_delivery_twice_sends_once(member):
    (row,) = notify(recipients=[member], kind="test.twice", title="只发一次", channels=["email"])
    assert deliver_notification(row.pk) == "sent"
    assert deliver_notification(row.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_sms_goes_through_the_configured_backend_with_the_number_masked_in_logs(member, caplog):
    (row,) = notify(recipients=[member], kind="test.sms", title="您的申请已办结", channels=["sms"])
    with caplog.at_level("INFO", logger="portal.sms"):
        assert deliver_notification(row.pk) == "sent"
    assert "138****5678" in caplog.text and member.phone not in caplog.text
