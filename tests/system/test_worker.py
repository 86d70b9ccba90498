"""The background work as it runs in production: real qcluster processes on the test database (PostgreSQL:
ORM and Redis brokers; SQLite: ORM broker), never ``sync``. Figures go to $PORTAL_ARTIFACTS/system-figures.txt."""

import os
import signal
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_q.models import Failure, Schedule, Success
from django_q.tasks import async_task

from portal.choices import NotificationChannel, NotificationStatus
from portal.models import Notification
from portal.notifications import notify
from tests.portal.factories import UserFactory
from tests.system import gateway
from tests.system.conftest import figure, wait_for

pytestmark = pytest.mark.system
LEASE = 3  # tests/system/settings.py NOTIFICATION_SENDING_LEASE
MAX_ATTEMPTS = 3  # tests/system/settings.py NOTIFICATION_MAX_ATTEMPTS


def brokers(*names):
    """Run a test only with these brokers (it is about one broker's behaviour, or slow)."""

    def mark(fn):
        fn.brokers = names
        return fn

    return mark


def sms_to(user, title="您的申请已受理"):
    with transaction.atomic():
        (row,) = notify(recipients=[user], kind="test.system", title=title, channels=[NotificationChannel.SMS])
    return row


def status_of(row) -> str:
    return Notification.objects.values_list("status", flat=True).get(pk=row.pk)


def test_a_notification_is_delivered_by_the_real_worker_exactly_once(system, broker):
    # Given a running cluster and a member with a phone
    system()
    user = UserFactory()
    # When a change notifies them in the inbox and by SMS
    started = time.monotonic()
    with transaction.atomic():
        rows = notify(recipients=[user], kind="test.system", title="您的问题已答复", channels=["inbox", "sms"])
    # Then the worker delivers both within a bounded wait
    wait_for(
        lambda: Notification.objects.filter(pk__in=[r.pk for r in rows], status=NotificationStatus.SENT).count() == 2,
        30,
        "both rows sent",
        step=0.01,
    )
    latency = time.monotonic() - started
    figure(
        f"delivery latency through the real worker ({broker}, {os.environ.get('DATABASE_URL', 'sqlite')[:8]}): "
        f"{latency * 1000:.0f} ms"
    )
    # And the SMS reached the gateway once, with the row's idempotency key
    sms = next(r for r in rows if r.channel == NotificationChannel.SMS)
    time.sleep(0.5)
    assert gateway.delivered() == [sms.idempotency_key]
    assert gateway.attempts() == [sms.idempotency_key]
    assert Notification.objects.get(pk=sms.pk).attempts == 1


def test_every_schedule_runs_once_when_due_and_advances(system, broker):
    # Given the schedules of every app, all due now
    call_command("setup_schedules", verbosity=0)
    due = timezone.now() - timezone.timedelta(seconds=1)
    Schedule.objects.update(next_run=due)
    funcs = set(Schedule.objects.values_list("func", flat=True))
    assert len(funcs) >= 7
    # When the cluster runs, its scheduler looking on the first turn of its guard loop (tests/system/settings.py)
    system.env["DJANGO_Q_GUARD_CYCLE"] = "30"
    system()
    # Then each schedule has run once, and its next run moved into the future
    wait_for(
        lambda: (
            set(Success.objects.values_list("func", flat=True)) | set(Failure.objects.values_list("func", flat=True))
            >= funcs
        ),
        90,
        "every scheduled func ran",
        step=0.5,
    )
    time.sleep(1)
    assert not Failure.objects.exists(), list(Failure.objects.values_list("func", "result"))
    runs = {func: Success.objects.filter(func=func).count() for func in funcs}
    assert runs == dict.fromkeys(funcs, 1)
    for schedule in Schedule.objects.all():
        assert schedule.next_run > timezone.now() - timezone.timedelta(seconds=5), schedule.name
        assert schedule.next_run > due


@pytest.mark.parametrize("moment", ["before the gateway accepted", "after the gateway accepted"])
def test_a_worker_killed_mid_send_delivers_exactly_once_after_restart(system, broker, moment):
    # Given a cluster whose gateway holds the send open
    hold = system.gateway / ("hold-before" if moment.startswith("before") else "hold-after")
    hold.touch()
    cluster = system()
    row = sms_to(UserFactory())
    # When the worker is killed (SIGKILL) in the middle of the send, and the cluster is restarted
    sending = wait_for(lambda: list(system.gateway.glob("sending-*")), 30, "a worker inside the send")
    os.kill(int(sending[0].name.split("-")[1]), signal.SIGKILL)
    assert status_of(row) == NotificationStatus.SENDING  # the claim was committed before the send
    # (the rest of the cluster goes down hard too: a graceful stop here waits ~7.5 s for the sentinel and
    # proves nothing the SIGTERM test below does not)
    cluster.kill()
    hold.unlink()
    system()
    # and the scheduled sweep runs once the claim's lease has passed
    time.sleep(LEASE + 0.5)
    async_task("portal.tasks.retry_pending_notifications")
    # Then the message reaches the phone exactly once: nothing lost, nothing doubled
    wait_for(lambda: status_of(row) == NotificationStatus.SENT, 30, "the row sent after the restart")
    time.sleep(1)
    assert gateway.delivered() == [row.idempotency_key]
    assert gateway.attempts() == [row.idempotency_key] * 2
    assert Notification.objects.get(pk=row.pk).attempts == 2
    figure(f"kill -9 {moment} ({broker}): attempts 2, delivered 1")


def test_a_delivery_that_always_fails_stops_after_its_bounded_attempts(system, broker):
    # Given a gateway that is down
    (system.gateway / "fail").touch()
    system()
    row = sms_to(UserFactory())
    wait_for(lambda: status_of(row) == NotificationStatus.PENDING and gateway.attempts(), 30, "first attempt")
    # When the retry sweep runs more often than attempts are allowed
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=5))
    for _ in range(MAX_ATTEMPTS + 2):
        async_task("portal.tasks.retry_pending_notifications")
        time.sleep(0.5)
    # Then it was tried exactly MAX_ATTEMPTS times and is marked failed
    wait_for(lambda: status_of(row) == NotificationStatus.FAILED, 30, "row failed")
    time.sleep(1)
    assert len(gateway.attempts()) == MAX_ATTEMPTS
    assert Notification.objects.get(pk=row.pk).attempts == MAX_ATTEMPTS


@brokers("orm")
@pytest.mark.parametrize("after", [0.5, 1.0, 2.0, 5.0, "during a task"])
def test_sigterm_stops_every_process_of_the_cluster_within_10_s(system, broker, after, tmp_path):
    # Given a cluster starting (or running a task)
    cluster = system() if after == "during a task" else None
    if cluster is None:
        from tests.system.conftest import Cluster

        cluster = Cluster(system.env).start()
        time.sleep(after)
    else:
        path = tmp_path / "slow"
        async_task("tests.system.tasks.sleep_then_record", str(path), 3)
        wait_for(lambda: Path(str(path) + ".started").exists(), 30, "task started")
    # When it gets SIGTERM; Then every process of it is gone within 10 s
    elapsed = cluster.stop(timeout=10)
    figure(
        f"SIGTERM {after} s after start ({broker}): all processes gone in {elapsed:.2f} s"
        if after != "during a task"
        else f"SIGTERM during a task ({broker}): all processes gone in {elapsed:.2f} s"
    )
    assert elapsed < 10


@brokers("redis")
def test_two_clusters_on_one_redis_run_each_task_once(system, broker, tmp_path):
    # Given two clusters on one Redis queue, as on two worker hosts
    system()
    system()
    out = tmp_path / "record.log"
    # When 60 tasks are queued
    for n in range(60):
        async_task("tests.system.tasks.record", str(out), n)
    # Then each ran exactly once
    wait_for(lambda: out.exists() and len(out.read_text().splitlines()) >= 60, 60, "60 runs", step=0.2)
    time.sleep(2)
    lines = out.read_text().splitlines()
    numbers = sorted(int(line.split()[0]) for line in lines)
    assert numbers == list(range(60))
    figure(f"two clusters on one Redis: 60 tasks, 60 runs, {len({line.split()[1] for line in lines})} worker pids")
