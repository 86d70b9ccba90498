"""Background tasks of the core app (django-q2). Tasks take ids, re-fetch, and are idempotent."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.utils import timezone

from portal.choices import NotificationChannel, NotificationStatus
from portal.models import Notification
from portal.notifications import max_attempts
from portal.sms import get_sms_backend

logger = logging.getLogger(__name__)


def _deliver(row: Notification) -> None:
    """Hand one claimed row to its channel, with the row's idempotency key: a gateway that has already
    accepted this key (the worker that sent it died before recording the success) accepts it again
    without delivering it twice."""
    if row.channel == NotificationChannel.INBOX:
        return  # the inbox is the database row itself: marking it sent makes it visible
    if row.channel == NotificationChannel.EMAIL:
        text = row.body + (f"\n\n{row.url}" if row.url else "")
        # One Message-ID per notification: a repeated send after a crash is the same message to mail
        # servers and clients, which drop duplicates of a Message-ID.
        message = EmailMessage(
            row.title, text, None, [row.recipient.email], headers={"Message-ID": f"<{row.idempotency_key}@portal>"}
        )
        message.send(fail_silently=False)
        return
    if row.channel == NotificationChannel.SMS:
        get_sms_backend().send(
            phone=row.recipient.phone, text=f"{row.title} {row.url}".strip(), idempotency_key=row.idempotency_key
        )
        return
    raise ValueError(f"unknown channel {row.channel}")


def _abandoned_claim(now) -> Q:
    """A "sending" claim older than the lease: its worker was killed, or the cluster stopped, before it
    recorded the outcome. Said once for the claim, the retry sweep and giving up."""
    return Q(
        status=NotificationStatus.SENDING,
        claimed_at__lt=now - timezone.timedelta(seconds=settings.NOTIFICATION_SENDING_LEASE),
    )


def _claimable(now) -> Q:
    """Rows a worker may take: pending ones, and ones whose sender vanished."""
    return Q(status=NotificationStatus.PENDING) | _abandoned_claim(now)


def deliver_notification(notification_id: int) -> str:
    """Deliver one notification, at most once per claim.

    The claim (status "sending", attempts + 1, claimed_at) is committed before anything is sent, so two
    workers never both send a row, and a worker killed in the middle of a send leaves a visible claim
    instead of a rolled-back one. After the lease, a sweep takes the row again and sends it with the same
    idempotency key. A row is tried at most NOTIFICATION_MAX_ATTEMPTS times."""
    now = timezone.now()
    claimed = Notification.objects.filter(_claimable(now), pk=notification_id, attempts__lt=max_attempts()).update(
        status=NotificationStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now
    )
    if not claimed:
        return "skipped"
    row = Notification.objects.select_related("recipient").get(pk=notification_id)
    mine = Notification.objects.filter(pk=row.pk, status=NotificationStatus.SENDING, claimed_at=now)
    try:
        _deliver(row)
    except Exception as exc:
        logger.warning("notification %s failed (attempt %s): %s", row.pk, row.attempts, type(exc).__name__)
        status = NotificationStatus.FAILED if row.attempts >= max_attempts() else NotificationStatus.PENDING
        mine.update(status=status, last_error=str(exc)[:500])
        return status
    mine.update(status=NotificationStatus.SENT, sent_at=timezone.now())
    return "sent"


def deliver_notifications(ids: list[int]) -> dict[str, int]:
    result: dict[str, int] = {}
    for pk in ids:
        outcome = deliver_notification(pk)  # each claim and each outcome commits on its own
        result[outcome] = result.get(outcome, 0) + 1
    return result


def retry_pending_notifications() -> dict[str, int]:
    """Scheduled: deliver pending rows whose first delivery failed or was never queued, take over rows
    whose sender died mid-send (after the lease), and give up on rows left "sending" with no attempt left."""
    now = timezone.now()
    cutoff = now - timezone.timedelta(minutes=1)
    abandoned = Notification.objects.filter(_abandoned_claim(now), attempts__gte=max_attempts()).update(
        status=NotificationStatus.FAILED, last_error="delivery not confirmed before the last attempt ended"
    )
    due = Q(status=NotificationStatus.PENDING, created_at__lt=cutoff) | _abandoned_claim(now)
    ids = list(
        Notification.objects.filter(due, attempts__lt=max_attempts()).order_by("id").values_list("id", flat=True)[:500]
    )
    result = deliver_notifications(ids)
    if abandoned:
        result["abandoned"] = abandoned
    return result


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
