"""HTTP benchmark of the key pages against a one-query reference page (issue 13, `make bench`).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_scale_bench .venv/bin/python benchmarks/http_bench.py

The database must hold data (``manage.py seed_scale``; the demo accounts clerk, supervisor and ent-a are
used). The script collects static files into a temporary directory, starts gunicorn on loopback with the
production settings (``portal.settings.prod``, a throw-away secret key, ``DJANGO_SECURE_SSL_REDIRECT=0``,
``PORTAL_BENCH_REFERENCE=1`` for the reference page ``/__bench__/reference/`` and the ``X-Bench-Queries``
header), signs the accounts in (sessions written straight into the database), and for every page measures
the reference, the page, and the reference again, each for ``--seconds`` or ``--requests`` at most, from
``--clients`` threads with ``http.client``. It prints req/s, p50/p95, queries per request and
req/s ÷ the mean of the two reference runs around it: only the ratio means anything on a shared machine.
"""

import argparse
import http.client
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
REFERENCE = "/__bench__/reference/"


def server_env(database_url: str, static_root: str, secret: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.prod",
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY=secret,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_STATIC_ROOT=static_root,
        PORTAL_BENCH_REFERENCE="1",
        DJANGO_LOGIN_MAX_FAILURES="1000",
    )
    return env


def sessions(env: dict) -> dict[str, str]:
    """A signed-in session cookie per account, made in this process against the same database."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from portal.models import User

    cookies = {}
    for username in ("clerk", "supervisor", "ent-a"):
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        cookies[username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cookies


def targets(env: dict) -> list[tuple[str, str, str | None]]:
    """(label, path, account) of the key pages, with ids looked up in the database."""
    from issues.models import Issue
    from services.models import Bundle

    bundle = Bundle.objects.filter(published=True).order_by("pk").values_list("code", flat=True).first()
    issue = Issue.objects.filter(status="closed").order_by("-pk").values_list("pk", flat=True).first()
    pages = [
        ("home", "/", None),
        ("catalogue home", "/services/", None),
        ("bundle page", f"/services/bundles/{bundle}/", None),
        ("my applications", "/services/applications/", "ent-a"),
        ("problem detail", f"/issues/{issue}/", "supervisor"),
        ("staff problem list", "/issues/", "supervisor"),
        ("problem list API", "/api/v1/issues/", "clerk"),
        ("rankings (public)", "/insights/rankings/", None),
        ("rankings (staff)", "/insights/rankings/staff/", "supervisor"),
        ("ledger", "/insights/ledger/", "supervisor"),
    ]
    return [p for p in pages if "None" not in p[1]]


def load(port: int, path: str, cookie: str | None, clients: int, seconds: float, max_requests: int) -> dict:
    """Requests from ``clients`` threads until ``seconds`` or ``max_requests``; latencies and statuses."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queries: list[int] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    remaining = [max_requests]
    headers = {"Host": "127.0.0.1", "Accept-Language": "zh-hans", "X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"

    def worker():
        while time.perf_counter() < stop_at:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                count = response.getheader("X-Bench-Queries")
            except OSError:
                status, count = 0, None
            finally:
                conn.close()
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                statuses[status] = statuses.get(status, 0) + 1
                if count is not None:
                    queries.append(int(count))

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "n": len(latencies),
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000 if latencies else 0.0,
        "queries": statistics.median(queries) if queries else None,
        "statuses": statuses,
    }


def wait_ready(port: int, proc, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited; see its output above")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz", headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"})
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer in time")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--seconds", type=float, default=5.0, help="per run (reference, page, reference)")
    parser.add_argument("--requests", type=int, default=500, help="at most, per run")
    parser.add_argument("--only", default="", help="a regular expression: measure only the pages it matches")
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith("postgres"):
        raise SystemExit("--database-url (or BENCH_DATABASE_URL) must name a PostgreSQL database with data")

    static_root = tempfile.mkdtemp(prefix="portal-bench-static-")
    env = server_env(args.database_url, static_root, secrets.token_urlsafe(64))
    proc = None
    try:
        collectstatic = [PY, "manage.py", "collectstatic", "--noinput", "-v0"]
        subprocess.run(collectstatic, cwd=ROOT, env=env, check=True)  # noqa: S603 - our own command line
        gunicorn = [PY, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{args.port}"]
        gunicorn += ["--workers", str(args.workers), "--worker-class", "sync", "--log-level", "warning"]
        proc = subprocess.Popen(gunicorn, cwd=ROOT, env=env)  # noqa: S603 - our own command line
        wait_ready(args.port, proc)
        cookies = sessions(env)
        pages = [p for p in targets(env) if re.search(args.only, p[0])]
        load_avg = os.getloadavg()
        print(f"machine: {os.cpu_count()} CPUs, load {load_avg[0]:.2f} {load_avg[1]:.2f} {load_avg[2]:.2f}")
        print(f"gunicorn: {args.workers} sync workers; {args.clients} clients;", end=" ")
        print(f"≤ {args.seconds} s and ≤ {args.requests} requests per run")
        load(args.port, REFERENCE, None, args.clients, 2, 100)  # warm-up
        header = f"{'page':<22} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7}"
        header += f" {'ref req/s':>10} {'÷ ref':>7}  statuses"
        print(header)
        print("-" * len(header))
        for label, path, account in pages:
            cookie = cookies.get(account) if account else None
            load(args.port, path, cookie, args.clients, 1, 20)  # warm-up of the page
            before = load(args.port, REFERENCE, None, args.clients, args.seconds, args.requests)
            page = load(args.port, path, cookie, args.clients, args.seconds, args.requests)
            after = load(args.port, REFERENCE, None, args.clients, args.seconds, args.requests)
            ref = (before["rps"] + after["rps"]) / 2
            ratio = page["rps"] / ref if ref else 0.0
            q = "—" if page["queries"] is None else f"{page['queries']:.0f}"
            print(
                f"{label:<22} {page['rps']:>7.1f} {page['p50']:>8.1f} {page['p95']:>8.1f} {q:>7} {ref:>10.1f}"
                f" {ratio:>7.3f}  {page['statuses']}",
                flush=True,
            )
        ref_q = load(args.port, REFERENCE, None, 1, 1, 3)["queries"]
        print(f"reference page: {ref_q} queries per request")
        load_avg = os.getloadavg()
        print(f"load after: {load_avg[0]:.2f} {load_avg[1]:.2f} {load_avg[2]:.2f}")
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
