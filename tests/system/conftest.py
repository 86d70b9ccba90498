"""System tests: the real django-q2 cluster (``manage.py worker`` → ``qcluster``) in its own processes,
against the test database, never ``sync``.

Run by ``make test`` like every test (marker ``system``); on PostgreSQL each test runs once with the ORM
broker and once with Redis, on SQLite with the ORM broker. The test process enqueues into the same broker
the cluster reads (django-q2's ``Conf`` switched for the test), and every test has a queue name of its own so
that clusters of other runs on the same Redis never take its tasks.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest
from django.db import connection

from tests import dbtemplate

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_generate_tests(metafunc):
    if "broker" in metafunc.fixturenames:
        brokers = ["orm", "redis"] if os.environ.get("DATABASE_URL", "").startswith("postgres") else ["orm"]
        only = getattr(metafunc.function, "brokers", None)
        chosen = [b for b in brokers if only is None or b in only]
        if not chosen:  # a Redis-only test on SQLite: CI runs it in the PostgreSQL pass
            chosen = [pytest.param("redis", marks=pytest.mark.skip(reason="Redis-broker tests run on PostgreSQL"))]
        metafunc.parametrize("broker", chosen)


def _redis_or_skip():
    import redis

    try:
        redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        message = f"system tests with the Redis broker need Redis at {REDIS_URL}: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def database_url() -> str:
    """The test database's URL, for the processes a system test starts."""
    return dbtemplate.database_url(connection.settings_dict)


class Cluster:
    """One ``manage.py worker`` process group (wrapper → qcluster → sentinel, pusher, monitor, workers)."""

    def __init__(self, env: dict):
        self.env = env
        self.proc: subprocess.Popen | None = None
        self.log = Path(env["PORTAL_TEST_GATEWAY"]) / f"cluster-{uuid.uuid4().hex[:6]}.log"

    def start(self) -> "Cluster":
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--stop-timeout", "6"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def processes(self) -> list[psutil.Process]:
        """The wrapper and everything below it that is still alive."""
        try:
            top = psutil.Process(self.proc.pid)
            procs = [top, *top.children(recursive=True)]
        except psutil.NoSuchProcess:
            procs = []
        return [p for p in procs if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]

    def wait_ready(self, timeout: float = 30) -> None:
        """Until the cluster has its workers (wrapper, qcluster, sentinel, pusher, monitor, ≥ 1 worker)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.processes()) >= 6:
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"cluster did not start: {self.log.read_text(errors='replace')[-3000:]}")

    def stop(self, timeout: float = 15) -> float:
        """SIGTERM to the wrapper, as systemd or Ctrl-C would; the seconds until every process is gone."""
        if self.proc is None:
            return 0.0
        group = self.processes()
        started = time.monotonic()
        try:
            self.proc.send_signal(signal.SIGTERM)
        except ProcessLookupError:
            pass
        _gone, alive = psutil.wait_procs(group, timeout=timeout)
        elapsed = time.monotonic() - started
        for p in alive:
            p.kill()
        self.proc.wait(timeout=5)
        if alive:
            raise AssertionError(f"{len(alive)} cluster processes still alive {timeout} s after SIGTERM")
        return elapsed

    def kill(self) -> None:
        """SIGKILL to every process of the cluster at once (a host losing power)."""
        for p in self.processes():
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        self.proc.wait(timeout=10)


@pytest.fixture
def system(broker, transactional_db, tmp_path, monkeypatch, settings):
    """Returns ``start()`` → a running :class:`Cluster` on ``broker``; the test process enqueues into it."""
    from django_q.conf import Conf

    if broker == "redis":
        _redis_or_skip()
    name = f"portal-test-{uuid.uuid4().hex[:10]}"
    gateway = tmp_path / "gateway"
    gateway.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.system.settings",
        "DATABASE_URL": database_url(),
        "DJANGO_Q_NAME": name,
        "PORTAL_TEST_GATEWAY": str(gateway),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_Q_REDIS_URL", None)
    if broker == "redis":
        env["DJANGO_Q_REDIS_URL"] = REDIS_URL
    monkeypatch.setenv("PORTAL_TEST_GATEWAY", str(gateway))
    # The test process enqueues into the cluster's broker instead of running tasks in-process.
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "PREFIX", name)
    monkeypatch.setattr(Conf, "CLUSTER_NAME", name)
    monkeypatch.setattr(Conf, "ORM", "default" if broker == "orm" else None)
    monkeypatch.setattr(Conf, "REDIS", REDIS_URL if broker == "redis" else {})
    settings.SMS_BACKEND = "tests.system.gateway.FileGateway"
    clusters: list[Cluster] = []

    def start() -> Cluster:
        cluster = Cluster(env).start()
        clusters.append(cluster)
        cluster.wait_ready()
        return cluster

    start.env = env
    start.gateway = gateway
    start.name = name
    yield start
    for cluster in clusters:
        if cluster.proc.poll() is None or cluster.processes():
            cluster.kill()
    if broker == "redis":
        import redis

        client = redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(f"*{name}*"))
        if keys:
            client.delete(*keys)


def wait_for(predicate, timeout: float, what: str, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"not within {timeout} s: {what}")


ARTIFACTS = Path(os.environ.get("PORTAL_ARTIFACTS", ROOT / "test-artifacts"))


def figure(line: str) -> None:
    """Append a measured figure to $PORTAL_ARTIFACTS/system-figures.txt (quoted in closing notes)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with open(ARTIFACTS / "system-figures.txt", "a", encoding="utf-8") as out:
        out.write(line + "\n")
