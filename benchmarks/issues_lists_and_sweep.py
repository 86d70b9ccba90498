"""Benchmark of the issues app on the current database (run after ``seed_demo``); prints figures.

    .venv/bin/python benchmarks/issues_lists_and_sweep.py

Measures: the overdue sweep (first and repeated run), and the time and query count of each list page
and the API list, as the supervisor, clerk, handler and enterprise of the demo data.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from issues.actions import sweep_overdue  # noqa: E402
from issues.models import Issue  # noqa: E402
from portal.models import User  # noqa: E402

RUNS = 5


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - start) * 1000


def main():
    print(f"problems in the database: {Issue.objects.count()}")
    for label in ("sweep (first run)", "sweep (repeat, idempotent)"):
        marked, ms = timed(sweep_overdue)
        print(f"{label}: marked {marked}, {ms:.0f} ms")
    pages = [
        ("supervisor", "/issues/supervision/"),
        ("supervisor", "/issues/"),
        ("supervisor", "/issues/?sort=deadline&overdue=true"),
        ("clerk", "/issues/catch-all/"),
        ("clerk", "/issues/follow-ups/"),
        ("handler-hz-amr", "/issues/inbox/"),
        ("ent-a", "/issues/mine/"),
        ("clerk", "/api/v1/issues/"),
        ("clerk", "/api/v1/issues/?sort=deadline&status=accepted"),
    ]
    for username, url in pages:
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.get(url, HTTP_HOST="localhost")  # warm up
        times, queries = [], 0
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as ctx:
                response, ms = timed(lambda c=client, u=url: c.get(u, HTTP_HOST="localhost"))
            assert response.status_code == 200, (url, response.status_code)
            times.append(ms)
            queries = len(ctx.captured_queries)
        print(f"{username:16} {url:52} median {statistics.median(times):6.0f} ms  {queries:3d} queries")


if __name__ == "__main__":
    main()
