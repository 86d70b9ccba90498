"""``manage.py worker``: the django-q2 cluster (``qcluster``) with a stop that always ends.

django-q2 1.11.1's cluster deadlocks when SIGTERM arrives while it is still starting: the signal handler
runs while the main process holds the lock of the start event, then joins the sentinel, which waits for that
same lock to announce it has started. After a full start it stops in about 5 s.

So this command runs ``qcluster`` as a child in a process group of its own, passes SIGTERM and SIGINT on to it
as SIGTERM, and when the cluster has not ended ``--stop-timeout`` seconds later, kills the whole group (the
sentinel, pusher, monitor and workers are all in it). A task cut off this way is delivered again by the
broker (ORM) or by its own sweep (notifications, exports), and every task is idempotent (DESIGN.md rule 6).
``make run`` and deploy/systemd/portal-worker.service start the worker this way.
"""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the django-q2 cluster; stop it within --stop-timeout seconds of SIGTERM or Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stop-timeout",
            type=float,
            default=6.0,
            help="Seconds the cluster gets to stop after SIGTERM before its whole process group is killed.",
        )

    def handle(self, *args, stop_timeout: float, **options):
        manage = os.path.join(os.getcwd(), sys.argv[0]) if not os.path.isabs(sys.argv[0]) else sys.argv[0]
        child = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py, no shell
            [sys.executable, manage, "qcluster"],
            start_new_session=True,  # its own process group: killpg reaches every process of the cluster
        )
        stopping: list[float] = []

        def on_signal(signum, frame):
            if not stopping:
                stopping.append(time.monotonic())
                try:
                    os.killpg(child.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        while True:
            try:
                code = child.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if stopping and time.monotonic() - stopping[0] > stop_timeout:
                    self.stderr.write(f"worker: the cluster did not stop within {stop_timeout:g} s; killing it.")
                    _kill_group(child.pid)
                    code = child.wait()
                    break
        _kill_group(child.pid)  # anything the cluster left behind (a worker orphaned by a crash)
        if stopping:
            return
        sys.exit(code)


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
