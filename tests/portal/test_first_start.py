"""The first start (``make run``): a seed that is quick, talkative and deterministic, notifications of a
bulk job queued in a few tasks, and a ``scripts/run-dev`` that stops every process within 10 s of
Ctrl-C."""

import io
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.db import transaction

import issues.demo
from insights.models import CommonIssue
from issues.models import Issue, IssueEvent, Rating
from policies.models import Entitlement, Policy
from portal import demo as portal_demo
from portal import notifications
from portal.models import AuditLog, Enterprise, Notification, User
from portal.notifications import DELIVERY_TASK, batched_delivery, notify
from services.models import Application, ApplicationItem
from tests.portal.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


# --- notifications of a bulk job ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_batched_delivery_queues_committed_notifications_in_chunks(monkeypatch):
    # given three users without e-mail (inbox rows only) and a recorder instead of the broker
    queued = []
    monkeypatch.setattr(notifications, "async_task", lambda *args, **kwargs: queued.append(args))
    first, second, third = UserFactory.create_batch(3, email="")
    with batched_delivery(chunk_size=2) as ids:
        # when three notifications commit and a fourth is rolled back
        with transaction.atomic():
            notify(recipients=[first, second], kind="test.a", title="A")
        with transaction.atomic():
            notify(recipients=[third], kind="test.b", title="B")
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(recipients=[first], kind="test.c", title="C")
            raise RuntimeError("rolled back")
        # then no task was queued per notify() call, and only the committed rows were collected
        assert queued == []
        committed = Notification.objects.filter(kind__in=["test.a", "test.b"]).order_by("id")
        assert ids == list(committed.values_list("id", flat=True))
        assert len(ids) == 3
    # and when the block ends, one delivery task per chunk of ids is queued
    assert queued == [(DELIVERY_TASK, ids[:2]), (DELIVERY_TASK, ids[2:])]


@pytest.mark.django_db
def test_without_a_batch_each_notify_queues_its_own_task(monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(notifications, "async_task", lambda *args, **kwargs: queued.append(args))
    user = UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(recipients=[user], kind="test.a", title="A")
    assert queued == [(DELIVERY_TASK, [rows[0].pk])]


# --- the demo accounts ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_accounts_share_one_password_hash(monkeypatch):
    # given a counter on the (slow) password hasher
    calls = []
    real = portal_demo.make_password
    monkeypatch.setattr(portal_demo, "make_password", lambda raw: calls.append(raw) or real(raw))
    # when the core demo data is loaded
    portal_demo.seed(rng=__import__("random").Random(1), password="Demo-pass-123!", stdout=io.StringIO())
    # then the password was hashed once, and every demo account logs in with it
    assert calls == ["Demo-pass-123!"]
    accounts = User.objects.filter(username__in=["ent-a", "clerk", "admin", "handler-hz-amr"])
    assert accounts.count() == 4
    assert all(check_password("Demo-pass-123!", user.password) for user in accounts)
    # and a second run without --password hashes nothing
    calls.clear()
    portal_demo.seed(
        rng=__import__("random").Random(1), password="Demo-pass-123!", stdout=io.StringIO(), reset_passwords=False
    )
    assert calls == []


@pytest.mark.django_db
def test_demo_accounts_command_lists_what_exists():
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    assert out.getvalue().startswith("No demo accounts")
    portal_demo.seed(rng=__import__("random").Random(1), password="Demo-pass-123!", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Demo accounts (password: Demo-2026-Portal! unless you changed it):"
    assert re.match(r"  ent-a +enterprise member \(法定代表人\) of 湖州绿源新能源科技有限公司$", lines[1])
    assert any(re.match(r"  handler-hz-amr +handler of 湖州市市场监督管理局$", line) for line in lines)


# --- the whole seed: progress and determinism ------------------------------------------------------


class Rollback(Exception):
    pass


def seed_snapshot() -> dict:
    """Key counts and values of the demo world that do not depend on ids or on the time of the run."""
    models = (User, Enterprise, Issue, IssueEvent, Rating, Application, ApplicationItem, Policy, Entitlement)
    return {
        "counts": {model.__name__: model.objects.count() for model in (*models, CommonIssue, AuditLog, Notification)},
        "usccs": sorted(Enterprise.objects.values_list("name", "uscc")),
        "phones": sorted(User.objects.values_list("username", "phone")),
        "issues": sorted(
            Issue.objects.values_list("title", "status", "tier", "level", "contact_phone", "rating", "escalation_count")
        ),
        "ratings": sorted(Rating.objects.values_list("issue__title", "round", "score")),
        "applications": sorted(Application.objects.values_list("idempotency_key", "status", "contact_phone")),
    }


def seeded(command: str, **options) -> tuple[dict, str]:
    """Run the command, take the snapshot, and roll everything back (the next run starts empty)."""
    out = io.StringIO()
    try:
        with transaction.atomic():
            call_command(command, stdout=out, **options)
            snapshot = seed_snapshot()
            raise Rollback
    except Rollback:
        return snapshot, out.getvalue()


def core_seeded(seed: int) -> dict:
    """The core demo phase alone (``seed_demo``'s first step with the same seed), rolled back."""
    try:
        with transaction.atomic():
            portal_demo.seed(rng=random.Random(seed), password="Demo-pass-123!", stdout=io.StringIO())
            snapshot = seed_snapshot()
            raise Rollback
    except Rollback:
        return snapshot


@pytest.mark.django_db
def test_prepare_demo_reports_each_phase_and_the_seed_is_deterministic(settings, monkeypatch):
    # given settings that allow demo passwords, and a smaller issues demo (the mechanics are the same)
    settings.ALLOW_DEMO_PASSWORDS = True
    monkeypatch.setattr(issues.demo, "TOTAL", 40)
    # when the first start's preparation runs
    first, output = seeded("prepare_demo", seed=7)
    # then it prints one line per phase with its counts and seconds
    lines = output.splitlines()
    assert lines[0].startswith("Migrating the database… already up to date (")
    assert re.fullmatch(r"Schedules: \d+ in place \(\d+\.\d s\)", lines[1])
    phases = [line.split(":")[0].strip() for line in lines if re.search(r"\(\d+\.\d s\)$", line) and ":" in line]
    assert {"core", "services", "issues", "policies", "insights"} <= set(phases)
    assert re.search(r"^  issues: 40 demo problems \{.*\}, \d+ overdue marked \(\d+\.\d s\)$", output, re.M)
    assert re.search(r"^Demo data ready in \d+\.\d s \(\d+ notifications queued for the worker\)\.$", output, re.M)
    # and the demo world went through the actions: audit rows and notifications exist
    # the issues demo, the insights demo (16) and the voice demo (36 raised at meetings, 3 officers' findings)
    assert first["counts"]["Issue"] == 40 + 16 + 36 + 3
    assert first["counts"]["AuditLog"] > first["counts"]["IssueEvent"] > 40
    assert first["counts"]["Notification"] > 0
    # when the seed runs again from empty with the same --seed, the data is the same
    second, _ = seeded("seed_demo", seed=7, quiet=True)
    assert second == first
    # and another seed gives other data: the core demo (enterprises, accounts) with seed 8 is not part of
    # seed 7's world (the core phase draws the USCCs and phones; the apps' phases add their own rows)
    third = core_seeded(seed=8)
    assert not set(third["usccs"]) <= set(first["usccs"])
    assert not set(third["phones"]) <= set(first["phones"])


# --- scripts/run-dev: Ctrl-C stops everything within 10 s -------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def processes_with(token: str) -> list[str]:
    """Command lines of the processes whose environment holds ``token`` (the run's own children)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as environ:
                if token.encode() not in environ.read():
                    continue
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                found.append(f"{pid}: {cmdline.read().replace(b'\0', b' ').decode()}")
        except OSError:
            continue
    return found


@pytest.fixture
def dev_environment(tmp_path):
    token = f"RUN_DEV_TEST_{uuid.uuid4().hex}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_") and key != "DATABASE_URL"}
    env.update(
        {token: "1"},
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        PORT=f"127.0.0.1:{free_port()}",
    )
    return env, token


def start_run_dev(env: dict, log: Path) -> subprocess.Popen:
    # Its own session, as a terminal's foreground job: Ctrl-C is SIGINT to that process group.
    return subprocess.Popen(
        [sys.executable, "scripts/run-dev"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def ctrl_c_and_wait(process: subprocess.Popen, token: str) -> None:
    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=10)  # fails the test when the stop takes longer
    deadline = time.monotonic() + 1
    while processes_with(token) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_with(token) == []


pytestmark_proc = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")


@pytestmark_proc
def test_run_dev_stops_everything_within_10_s_of_ctrl_c_1_s_after_start(dev_environment, tmp_path):
    env, token = dev_environment
    process = start_run_dev(env, tmp_path / "run-dev.log")
    time.sleep(1)
    # the web server (and the account listing) are starting
    assert process.poll() is None
    assert processes_with(token)
    ctrl_c_and_wait(process, token)
    assert "Stopped the web server and the worker." in (tmp_path / "run-dev.log").read_text()


@pytestmark_proc
def test_run_dev_prints_the_address_last_and_stops_during_the_worker_start_up(dev_environment, tmp_path):
    # given a migrated database, so the first page answers
    env, token = dev_environment
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    log = tmp_path / "run-dev.log"
    process = start_run_dev(env, log)
    deadline = time.monotonic() + 120
    while "Serving at" not in log.read_text() and time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        time.sleep(0.2)
    # then the accounts (none were seeded here) come last, right before the address
    banner = (
        "\nNo demo accounts: run `manage.py seed_demo` first.\n\n"
        f"Serving at http://{env['PORT']}/  (Ctrl-C stops the web server and the worker)\n"
    )
    assert banner in log.read_text()
    # when Ctrl-C comes while the worker (started once the page answered) is still starting
    time.sleep(1)
    assert any("qcluster" in line for line in processes_with(token))
    # then every process is gone within 10 s
    ctrl_c_and_wait(process, token)
