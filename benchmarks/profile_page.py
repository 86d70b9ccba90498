"""Profile one page (a script, not a test): cProfile and the query log of requests through the test client.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_scale_bench \\
        .venv/bin/python benchmarks/profile_page.py /services/ --user ent-a --runs 50

Runs with the production settings as `make bench` does (``portal.settings.prod``, a throw-away secret key,
no SSL redirect, the cached template loader), against a database filled by ``manage.py seed_scale``. The
page is requested once to warm up, then ``--runs`` times under cProfile; it prints the mean wall time per
request, the reference page's for comparison (``/__bench__/reference/``, enabled here as in the
benchmark), the queries of one request with their times, and the functions that cost most (``--top``,
sorted by ``--sort``: tottime or cumtime).
"""

import argparse
import cProfile
import io
import os
import pstats
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings.prod",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(64),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        PORTAL_BENCH_REFERENCE="1",
        DJANGO_STATIC_ROOT=os.environ.get("DJANGO_STATIC_ROOT") or str(ROOT / "staticfiles"),
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # The manifest of collected static files is not needed to profile Python and SQL.
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--user", default="", help="username to sign in as (anonymous if empty)")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumtime"])
    parser.add_argument("--dump", default="", help="also write the profile to this file (pstats format)")
    parser.add_argument("--sql", default="", help="also write one request's statements in full to this file")
    args = parser.parse_args()
    setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.models import User

    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_ACCEPT_LANGUAGE="zh-hans", secure=True)
    if args.user:
        client.force_login(User.objects.get(username=args.user))
    # The reference is requested anonymously, as `make bench` does: a signed-in reference would pay the
    # session and user reads too, and flatter every signed-in page's ratio.
    anonymous = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_ACCEPT_LANGUAGE="zh-hans", secure=True)

    def timed(path: str, runs: int, by=client) -> float:
        started = time.perf_counter()
        for _ in range(runs):
            response = by.get(path)
            assert response.status_code == 200, (path, response.status_code)
        return (time.perf_counter() - started) / runs * 1000

    timed(args.path, 2)
    timed("/__bench__/reference/", 2, anonymous)
    ref_before = timed("/__bench__/reference/", args.runs, anonymous)
    page_ms = timed(args.path, args.runs)
    ref_after = timed("/__bench__/reference/", args.runs, anonymous)
    ref_ms = (ref_before + ref_after) / 2  # measured before and after the page, as `make bench` does
    with CaptureQueriesContext(connection) as queries:
        response = client.get(args.path)
    print(f"load {os.getloadavg()[0]:.2f}; {args.path} as {args.user or 'anonymous'}: {len(response.content)} bytes")
    print(f"page {page_ms:.1f} ms, reference {ref_ms:.1f} ms per request → ratio ≈ {ref_ms / page_ms:.3f}")
    print(f"{len(queries)} queries:")
    for query in queries.captured_queries:
        print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:220]}")
    if args.sql:
        Path(args.sql).write_text("".join(f"{query['sql']};\n\n" for query in queries.captured_queries))
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.runs):
        client.get(args.path)
    profiler.disable()
    if args.dump:
        profiler.dump_stats(args.dump)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
