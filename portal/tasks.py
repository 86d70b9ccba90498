"""Background tasks of the core app (django-q2). Tasks take ids, re-fetch, and are idempotent."""

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from portal.choices import NotificationChannel, NotificationStatus
from portal.models import Notification
from portal.notifications import max_attempts
from portal.sms import get_sms_backend

logger = logging.getLogger(__name__)


def _deliver(row: Notification) -> None:
    if row.channel == NotificationChannel.INBOX:
        return  # the inbox is the database row itself: marking it sent makes it visible
    if row.channel == NotificationChannel.EMAIL:
        text = row.body + (f"\n\n{row.url}" if row.url else "")
        send_mail(row.title, text, None, [row.recipient.email], fail_silently=False)
        return
    if row.channel == NotificationChannel.SMS:
        get_sms_backend().send(phone=row.recipient.phone, text=f"{row.title} {row.url}".strip())
        return
    raise ValueError(f"unknown channel {row.channel}")


def deliver_notification(notification_id: int) -> str:
    """Deliver one pending notification. Claims the row first so two workers never both send it."""
    claimed = Notification.objects.filter(
        pk=notification_id, status=NotificationStatus.PENDING, attempts__lt=max_attempts()
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    row = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        _deliver(row)
    except Exception as exc:
        logger.warning("notification %s failed (attempt %s): %s", row.pk, row.attempts, exc)
        status = NotificationStatus.FAILED if row.attempts >= max_attempts() else NotificationStatus.PENDING
        Notification.objects.filter(pk=row.pk).update(status=status, last_error=str(exc)[:500])
        return status
    Notification.objects.filter(pk=row.pk).update(status=NotificationStatus.SENT, sent_at=timezone.now())
    return "sent"


def deliver_notifications(ids: list[int]) -> dict[str, int]:
    result: dict[str, int] = {}
    for pk in ids:
        with transaction.atomic():
            outcome = deliver_notification(pk)
        result[outcome] = result.get(outcome, 0) + 1
    return result


def retry_pending_notifications() -> dict[str, int]:
    """Scheduled: retry pending rows whose first delivery failed or whose worker died."""
    cutoff = timezone.now() - timezone.timedelta(minutes=1)
    ids = list(
        Notification.objects.filter(status=NotificationStatus.PENDING, created_at__lt=cutoff)
        .order_by("id")
        .values_list("id", flat=True)[:500]
    )
    return deliver_notifications(ids)


SCHEDULES = [
    {
        "name": "portal.retry_pending_notifications",
        "func": "portal.tasks.retry_pending_notifications",
        "schedule_type": "I",
        "minutes": 5,
    },
    {
        "name": "portal.forget_quiet_login_counters",
        "func": "portal.lockout.forget_quiet_counters",
        "schedule_type": "D",
    },
]
