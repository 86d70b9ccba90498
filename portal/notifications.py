"""The notification outbox: :func:`notify` writes rows in the caller's transaction and schedules
delivery after commit, so a rolled-back change sends nothing."""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django_q.tasks import async_task

from portal.choices import NotificationChannel
from portal.models import Notification

DEFAULT_CHANNELS = (NotificationChannel.INBOX, NotificationChannel.EMAIL)


def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    channels: Iterable[str] = DEFAULT_CHANNELS,
) -> list[Notification]:
    """Queue one notification per recipient and channel; delivered by django-q2 after commit.

    Recipients without an e-mail address or phone get no e-mail or SMS row. Duplicated recipients
    are sent once.
    """
    rows: list[Notification] = []
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        for channel in channels:
            if channel == NotificationChannel.EMAIL and not user.email:
                continue
            if channel == NotificationChannel.SMS and not user.phone:
                continue
            rows.append(
                Notification(recipient=user, channel=channel, kind=kind, title=title[:200], body=body, url=url[:300])
            )
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    if created and created[0].pk is None:  # backends that do not return ids
        created = list(Notification.objects.filter(kind=kind, title=title[:200]).order_by("-id")[: len(rows)])
    ids = [row.pk for row in created]
    # robust: a broker outage must not turn a saved change into an error page; the scheduled
    # retry_pending_notifications sweep delivers what could not be queued.
    transaction.on_commit(lambda: async_task("portal.tasks.deliver_notifications", ids), robust=True)
    return created


def max_attempts() -> int:
    return settings.NOTIFICATION_MAX_ATTEMPTS
