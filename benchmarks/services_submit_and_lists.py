"""Benchmark of the 一类事 hot paths (prints figures; not a test).

Loads the demo catalogue into a scratch database, submits N 企业开办 applications (each one task
per chosen item), then measures the submit, one task move, and the pages whose query counts the
tests pin (catalogue home, bundle page, my applications, department inbox).

    .venv/bin/python benchmarks/services_submit_and_lists.py [N]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_services .venv/bin/python benchmarks/...
"""

import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/services_bench.sqlite3")


def main(n: int) -> None:
    import django

    django.setup()
    from django_q.conf import Conf

    # As in production: notifications are queued for the workers, not delivered inside the request
    # (the test settings deliver synchronously). BENCH_SYNC_TASKS=1 measures the synchronous mode.
    Conf.SYNC = os.environ.get("BENCH_SYNC_TASKS") == "1"
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if connection.vendor == "sqlite":
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    from portal import demo as portal_demo
    from services import actions, demo
    from services.models import Application, ApplicationItem, Bundle, BundleItem

    password = os.environ.get("BENCH_PASSWORD", "Bench-" + "pass-123!")
    context = portal_demo.seed(rng=random.Random(1), password=password, stdout=io.StringIO())
    demo.seed(rng=random.Random(1), context=context, stdout=io.StringIO())
    member, clerk = context["members"]["ent-a"], context["clerk"]
    enterprise = context["enterprises"][0]
    bundle = Bundle.objects.get(code="qykb")
    items = list(BundleItem.objects.filter(bundle=bundle).select_related("service"))
    wanted = {"330500-VA-0001", "330500-VA-0003"}
    extras = [bi.pk for bi in items if bi.kind == "value_added" and bi.service.code in wanted]
    selected = [bi.pk for bi in items if bi.kind == "basic"] + extras

    timings, queries = [], []
    for i in range(n):
        actor = member if i % 2 else clerk
        reset_queries()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            actions.application_submit(
                actor=actor, bundle=bundle, enterprise=enterprise, selected_ids=selected,
                contact_name="沈建国", contact_phone="13812345678", idempotency_key=f"bench-{i}",
            )  # fmt: skip
        timings.append((time.perf_counter() - started) * 1000)
        queries.append(len(ctx.captured_queries))
    tasks = ApplicationItem.objects.filter(application__idempotency_key__startswith="bench-").count()
    mode = "synchronous" if Conf.SYNC else "queued"
    print(f"database: {connection.vendor}; notifications {mode}; applications: {n}; tasks created: {tasks}")
    print(
        f"application_submit: median {statistics.median(timings):.1f} ms, p95 "
        f"{sorted(timings)[int(0.95 * (n - 1))]:.1f} ms, queries median {statistics.median(queries):.0f}"
    )

    handler = context["handlers"]["hz-amr"]
    task = ApplicationItem.objects.filter(department=handler.department, status="pending").first()
    reset_queries()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        actions.task_transition(actor=handler, task=task, event="accept")
    print(
        f"task_transition(accept): {(time.perf_counter() - started) * 1000:.1f} ms, {len(ctx.captured_queries)} queries"
    )

    pages = [
        ("catalogue home", None, "/services/"),
        ("bundle page", member, "/services/bundles/qykb/"),
        ("my applications", member, "/services/applications/"),
        ("department inbox", handler, "/services/workbench/tasks/"),
        ("API applications", member, "/api/v1/applications/"),
        ("API application-items", handler, "/api/v1/application-items/"),
    ]
    for label, user, url in pages:
        client = Client()
        if user is not None:
            client.force_login(user)
        client.get(url)  # warm up
        runs = []
        for _ in range(10):
            reset_queries()
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            runs.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        print(f"{label:<22} {statistics.median(runs):7.1f} ms median of 10, {len(ctx.captured_queries)} queries")
    print(f"applications in database: {Application.objects.count()}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
