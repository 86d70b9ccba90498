"""The notification outbox: :func:`notify` writes rows in the caller's transaction and schedules
delivery after commit, so a rolled-back change sends nothing."""

import contextlib
import contextvars
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import transaction
from django_q.tasks import async_task

from portal.choices import NotificationChannel
from portal.models import Notification

DEFAULT_CHANNELS = (NotificationChannel.INBOX, NotificationChannel.EMAIL)
DELIVERY_TASK = "portal.tasks.deliver_notifications"

# The ids collected by an open batched_delivery() block, or None outside one.
_batch: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("notification_batch", default=None)


@contextlib.contextmanager
def batched_delivery(*, chunk_size: int = 100) -> Iterator[list[int]]:
    """Within this block :func:`notify` queues no delivery task of its own: the ids of notifications
    whose transaction committed are collected, and handed to the worker in tasks of ``chunk_size``
    ids when the block ends. For bulk jobs such as ``seed_demo``, which would otherwise queue
    thousands of one-change tasks. Rows of a rolled-back transaction are never collected; rows whose
    task cannot be queued are picked up by the scheduled ``retry_pending_notifications``.
    """
    ids: list[int] = []
    token = _batch.set(ids)
    try:
        yield ids
    finally:
        _batch.reset(token)
        for start in range(0, len(ids), chunk_size):
            chunk = ids[start : start + chunk_size]
            transaction.on_commit(lambda chunk=chunk: async_task(DELIVERY_TASK, chunk), robust=True)


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
    batch = _batch.get()
    if batch is not None:
        transaction.on_commit(lambda: batch.extend(ids))
        return created
    # robust: a broker outage must not turn a saved change into an error page; the scheduled
    # retry_pending_notifications sweep delivers what could not be queued.
    transaction.on_commit(lambda: async_task(DELIVERY_TASK, ids), robust=True)
    return created


def max_attempts() -> int:
    return settings.NOTIFICATION_MAX_ATTEMPTS
