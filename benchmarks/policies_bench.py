"""Benchmark of the policy calculator (a script, not a test): prints figures, asserts nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/policies_bench.py

Creates a throwaway database (``policies_bench_<pid>``, or ``--database NAME``, next to the one in
DATABASE_URL), migrates it, fills it with 2,000 published policies and 100,000 enterprises (COPY on
PostgreSQL: 1M in a few minutes), then measures

1. matching one enterprise against every published policy (p50/p95 over many runs, SQL query count);
   target p95 ≤ 20 ms; printed three times: as is (the process's compiled catalogue current, as in a
   running worker), cold (the catalogue re-read and compiled before every match, as after each change),
   and with gc.freeze() after start-up, as gunicorn's workers run; then the whole API call and calculator
   page (routing, session auth, serialising or rendering every result) for comparison. Each enterprise
   is matched twice in a row and the two passes printed apart: the first match reads the enterprise's
   rows wherever they are (after other benchmarks, possibly the disk), the repeat from PostgreSQL's
   buffers; each pass also gives its time in SQL (the rest is Python) and, on PostgreSQL, the blocks
   read from outside PostgreSQL's buffers and the time reading them (``track_io_timing``, set when the
   connection is a superuser's); an EXPLAIN (ANALYZE, BUFFERS) of the match's query is printed first;
2. the 免申即享 push of one policy to every enterprise (conditions translated into one INSERT … SELECT),
   first run and an idempotent re-run, with the SQL query count; target ≤ 10 s;

and drops the database. Options: ``--enterprises N``, ``--policies N``, ``--runs N``; ``--keep`` keeps
the database, which ``--reuse`` then measures again without building it (same ``--enterprises``).
"""

import argparse
import datetime as dt
import gc
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from benchmarks.sqlclock import SqlClock  # noqa: E402

REGIONS = [
    ("330000", "浙江省", "province", None),
    ("330500", "湖州市", "city", "330000"),
    ("330502", "吴兴区", "county", "330500"),
    ("330503", "南浔区", "county", "330500"),
    ("330521", "德清县", "county", "330500"),
    ("330522", "长兴县", "county", "330500"),
    ("330523", "安吉县", "county", "330500"),
    ("330800", "衢州市", "city", "330000"),
    ("330802", "柯城区", "county", "330800"),
    ("331100", "丽水市", "city", "330000"),
    ("331102", "莲都区", "county", "331100"),
    ("330100", "杭州市", "city", "330000"),
    ("330114", "钱塘区", "county", "330100"),
]
COUNTIES = [code for code, _n, level, _p in REGIONS if level == "county"]
INDUSTRIES = ["C38", "C35", "C26", "C27", "C17", "C21", "I65", "M73", "F52", "H61", "A01", "C3411"]
CERTS = ["high_tech", "tech_sme", "specialized", "innovative_sme", "rd_centre"]

HIGH_TECH = [
    (1, "established_years", "gte", "1", "", "", "", "", ""),
    (2, "rd_ratio", "gte", "5", "", "revenue", "lte", "5000", ""),
    (2, "rd_ratio", "gte", "4", "", "revenue", "gt_lte", "5000", "20000"),
    (2, "rd_ratio", "gte", "3", "", "revenue", "gt", "20000", ""),
    (3, "high_tech_revenue_ratio", "gte", "60", "", "", "", "", ""),
    (4, "tech_staff_ratio", "gte", "10", "", "", "", "", ""),
]


def condition_templates(rng: random.Random) -> list[tuple]:
    """One policy's conditions: a random mix of every kind of fact and operator."""
    pool = [
        (1, "is_sme", "is_true", "", "", "", "", "", ""),
        (1, "industry", "in", rng.choice(["C", "C38,C35", "I65,M", "C26,C27", "F,H"]), "", "", "", "", ""),
        (2, "revenue", rng.choice(["gte", "lte"]), str(rng.choice([500, 1000, 2000, 5000, 20000])), "", "", "", "", ""),
        (3, "staff", "between", "10", str(rng.choice([300, 500, 1000])), "", "", "", ""),
        (4, "rd_ratio", "gte", str(rng.choice([2, 3, 4, 5])), "", "", "", "", ""),
        (5, "certifications", rng.choice(["in", "not_in"]), rng.choice(CERTS), "", "", "", "", ""),
        (6, "established_years", "gte", str(rng.choice([1, 2, 3])), "", "", "", "", ""),
        (7, "tax_credit_grade", "in", "A,B", "", "", "", "", ""),
        (8, "tech_staff_ratio", "gte", str(rng.choice([10, 20, 30])), "", "", "", "", ""),
        (9, "export_revenue", "gte", str(rng.choice([100, 1000])), "", "", "", "", ""),
    ]
    if rng.random() < 0.2:
        return HIGH_TECH
    return rng.sample(pool, rng.randint(2, 6))


def reset_sequences(*models) -> None:
    """After rows written with explicit ids: the next ORM insert gets the next id (PostgreSQL only)."""
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def build(n_enterprises: int, n_policies: int, rng: random.Random):
    from insights.scale.rows import Writer, next_id
    from policies.choices import PolicyMode, PolicyStatus
    from policies.models import CONDITION_KEYS, Condition, Policy, rules_text
    from portal.choices import MembershipKind, MembershipStatus, Role
    from portal.models import Department, Enterprise, EnterpriseCertification, Membership, Region, User

    regions = {}
    for code, name, level, parent in REGIONS:
        regions[code] = Region.objects.create(code=code, name=name, level=level, parent=regions.get(parent))
    department = Department.objects.create(
        code="bench", name="基准测试部门", kind="government", region=regions["330500"]
    )
    clerk = User.objects.create(username="bench-clerk", role=Role.CLERK, department=department)

    # COPY on PostgreSQL, bulk_create elsewhere (seed_scale's writer), with explicit ids; the random draws
    # are the same, in the same order, as when this built Enterprise objects, so a seed gives the same data.
    started = time.perf_counter()
    now = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
    enterprises, certifications = Writer(Enterprise, now), Writer(EnterpriseCertification, now)
    first_id, cert_id = next_id(Enterprise), next_id(EnterpriseCertification)
    region_ids = {code: region.pk for code, region in regions.items()}
    today = dt.date(2026, 11, 23)
    for i in range(n_enterprises):
        choice = rng.choice([None, 300, 1500, 4000, 5000, 8000, 20000, 45000])
        revenue = None if choice is None else Decimal(choice)
        has_revenue = revenue is not None
        enterprises.add(
            id=first_id + i,
            uscc=f"91{i:016d}",
            name=f"基准企业{i}",
            legal_representative="张三",
            region_id=region_ids[rng.choice(COUNTIES)],
            industry=rng.choice(INDUSTRIES),
            size_class=rng.choice(["large", "medium", "small", "small", "micro", "micro"]),
            established=today - dt.timedelta(days=rng.randint(100, 8000)),
            registered_capital=Decimal(rng.randint(10, 10000)),
            staff=rng.randint(3, 1500),
            tech_staff=rng.randint(0, 200),
            revenue=revenue,
            rd_expense=(revenue * Decimal(rng.randint(0, 80)) / 1000) if has_revenue else None,
            high_tech_revenue=(revenue * Decimal(rng.randint(0, 90)) / 100) if has_revenue else None,
            export_revenue=Decimal(rng.choice([0, 0, 50, 500, 3000])),
            tax_credit_grade=rng.choice(["A", "B", "M", "C", ""]),
        )
    enterprises.flush()
    # in the order the ORM used to read them back (Enterprise is ordered by name), so that the draws below
    # fall on the same enterprises
    ids = sorted(range(first_id, first_id + n_enterprises), key=lambda pk: f"基准企业{pk - first_id}")
    n_certs = 0
    for pk in ids:
        if rng.random() < 0.3:
            for code in rng.sample(CERTS, rng.randint(1, 2)):
                certifications.add(id=cert_id + n_certs, enterprise_id=pk, code=code)
                n_certs += 1
    certifications.flush()
    reset_sequences(Enterprise, EnterpriseCertification)
    print(
        f"  {n_enterprises} enterprises ({enterprises.seconds:.1f} s writing), {n_certs} certifications "
        f"({certifications.seconds:.1f} s writing): {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    members = User.objects.bulk_create(
        [User(username=f"bench-member-{i}", role=Role.ENTERPRISE, email=f"m{i}@example.invalid") for i in range(2000)]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, enterprise_id=pk, kind=MembershipKind.LEGAL_REP, status=MembershipStatus.VERIFIED)
            for user, pk in zip(members, rng.sample(ids, len(members)), strict=True)
        ]
    )
    print(f"  2000 members: {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    scope = ["330000"] * 3 + ["330500"] * 3 + COUNTIES + ["330800", "331100", "330100"]
    policies = Policy.objects.bulk_create(
        [
            Policy(
                title=f"基准政策{i}",
                department=department,
                region=regions[rng.choice(scope)],
                benefit="奖励",
                benefit_amount=Decimal(rng.randint(1, 500)),
                mode=rng.choice([PolicyMode.APPLY, PolicyMode.FAST, PolicyMode.EXEMPT]),
                status=PolicyStatus.PUBLISHED,
            )
            for i in range(n_policies)
        ]
    )
    conditions = []

    for policy in policies:
        rows = condition_templates(rng)
        for row in rows:
            conditions.append(Condition(policy=policy, **dict(zip(CONDITION_KEYS, row, strict=True))))
        policy.rules = rules_text(sorted(rows, key=lambda r: r[0]))  # as policy_rules_refresh writes
    Policy.objects.bulk_update(policies, ["rules"], batch_size=1000)
    for condition in conditions[:200]:  # the templates are valid: spot-check them as the admin would
        condition.full_clean()
    Condition.objects.bulk_create(conditions, batch_size=5000)
    push_policy = Policy.objects.create(
        title="基准：高新技术企业免申即享奖励",
        department=department,
        region=regions["330000"],
        benefit="奖励 10 万元",
        benefit_amount=Decimal(10),
        mode=PolicyMode.EXEMPT,
        status=PolicyStatus.PUBLISHED,
    )
    for row in [*HIGH_TECH, (5, "certifications", "not_in", "high_tech", "", "", "", "", "")]:
        Condition.objects.create(policy=push_policy, **dict(zip(CONDITION_KEYS, row, strict=True)))
    from policies.actions import policy_rules_refresh

    policy_rules_refresh(policy=push_policy)
    print(
        f"  {n_policies + 1} published policies, {len(conditions) + 7} conditions: "
        f"{time.perf_counter() - started:.1f} s"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return clerk, ids, push_policy


def _io_totals():
    """This database's blocks read from outside PostgreSQL's shared buffers (the OS page cache or the
    disk) and the milliseconds spent reading them (counted while ``track_io_timing`` is on), or None
    elsewhere. Statistics are flushed at most once a second: the caller's backend is made to flush first."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT 1")  # a statement after which the backend flushes its counters
        cursor.execute("SELECT blks_read, blk_read_time FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()


def _percentiles(values):
    return statistics.median(values), statistics.quantiles(values, n=20)[18]


def measure_match(clerk, ids, runs: int, rng: random.Random, *, cold: bool = False):
    """Matches of ``runs`` random enterprises (the first is a warm-up). Each enterprise is matched twice in
    a row: its first match reads its rows wherever they are (possibly from the disk, after the benchmarks
    before this one), the repeat reads them from PostgreSQL's buffers; the two passes are printed apart,
    each with the time spent in SQL (the rest is this process's Python) and the blocks read from outside
    PostgreSQL's buffers. Returns the p95 of the first matches and of the repeats."""
    from policies import selectors
    from policies.catalogue import catalogue_clear

    timed = SqlClock()

    passes = {"first": {}, "repeat": {}}
    for figures in passes.values():
        for name in ("wall", "cpu", "sql"):
            figures[name] = []
    query_counts, sizes = [], []
    io_before = _io_totals()
    for i in range(runs):
        pk = rng.choice(ids)
        for label in ("first", "repeat"):
            if cold:
                catalogue_clear()  # as after a change to the catalogue: read and compile it again
            timed.reset()
            with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(timed):
                started, cpu_started = time.perf_counter(), time.process_time()
                result, _facts = selectors.match_for(user=clerk, enterprise_id=pk)
                wall = (time.perf_counter() - started) * 1000
                cpu = (time.process_time() - cpu_started) * 1000
            if i == 0:
                continue  # warm-up
            passes[label]["wall"].append(wall)
            passes[label]["cpu"].append(cpu)
            passes[label]["sql"].append(timed.ms)
            if label == "first":
                query_counts.append(len(queries))
                sizes.append((len(result.eligible), len(result.near), len(result.unknown), result.not_applicable_count))
    io_after = _io_totals()
    print(
        f"match one enterprise against all published policies ({runs - 1} enterprises"
        f"{', cold catalogue' if cold else ''}, "
        f"each matched twice in a row; SQL queries per match: {min(query_counts)}–{max(query_counts)}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):"
    )
    for label, figures in passes.items():
        (w50, w95), (c50, c95), (s50, s95) = (_percentiles(figures[name]) for name in ("wall", "cpu", "sql"))
        what = "first match of each enterprise" if label == "first" else "the same enterprise again     "
        print(
            f"  {what}: wall p50 {w50:.1f} ms, p95 {w95:.1f} ms, max {max(figures['wall']):.1f} ms; "
            f"in SQL p50 {s50:.1f} / p95 {s95:.1f} ms; this process's CPU p50 {c50:.1f} / p95 {c95:.1f} ms"
        )
    if io_before and io_after:
        print(
            f"  blocks read from outside PostgreSQL's buffers (page cache or disk) during these matches: "
            f"{io_after[0] - io_before[0]}, reading time {io_after[1] - io_before[1]:.1f} ms "
            "(0 ms unless track_io_timing is on)"
        )
    e, n, u, na = (round(statistics.mean(col)) for col in zip(*sizes, strict=True))
    print(f"  typical result: {e} eligible, {n} near, {u} unknown, {na} not applicable")
    return _percentiles(passes["first"]["wall"])[1], _percentiles(passes["repeat"]["wall"])[1]


def explain_match(clerk, ids, rng: random.Random):
    """EXPLAIN (ANALYZE, BUFFERS) of the match's one query for an enterprise not read yet, then again: how
    many blocks it reads, from where, and how long PostgreSQL takes (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    from policies.selectors import _matching_annotations
    from portal.models import Enterprise

    pk = rng.choice(ids)
    qs = (
        Enterprise.objects.visible_to(clerk)
        .select_related("region__parent__parent__parent")
        .annotate(**_matching_annotations())
        .filter(pk=pk)
    )
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        for label in ("not read before", "again"):
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0][0]
            top = plan["Plan"]
            print(
                f"  EXPLAIN ANALYZE of the match's query, enterprise {label}: "
                f"execution {plan['Execution Time']:.2f} ms "
                f"(planning {plan['Planning Time']:.2f} ms); blocks hit {top.get('Shared Hit Blocks', 0)}, "
                f"read {top.get('Shared Read Blocks', 0)} in {top.get('I/O Read Time', 0.0):.2f} ms"
            )


def measure_requests(clerk, ids, runs: int, rng: random.Random):
    """The whole request as a client sees it (routing, auth, serialising or rendering 400 results)."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(clerk)
    for label, call in (
        (
            "POST /api/v1/policies/match/",
            lambda pk: client.post("/api/v1/policies/match/", {"enterprise": pk}, content_type="application/json"),
        ),
        ("GET /policies/calculator/?enterprise=…", lambda pk: client.get(f"/policies/calculator/?enterprise={pk}")),
    ):
        timings, counts, sizes = [], [], []
        for i in range(runs):
            pk = rng.choice(ids)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = call(pk)
                elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, response.status_code
            if i:
                timings.append(elapsed)
                counts.append(len(queries))
                sizes.append(len(response.content))
        print(
            f"{label} ({runs - 1} runs): p50 {statistics.median(timings):.1f} ms, "
            f"p95 {statistics.quantiles(timings, n=20)[18]:.1f} ms; SQL queries {min(counts)}–{max(counts)}; "
            f"response {statistics.median(sizes) / 1024:.0f} KiB"
        )


def measure_staff_view(push_policy):
    """Staff's page of one policy: qualifying, near and unknown enterprises counted in SQL, the first 200 of
    each listed with their gaps or missing facts."""
    from policies import selectors

    timings = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            out = selectors.policy_enterprise_matches(policy=push_policy)
            timings.append((time.perf_counter() - started) * 1000)
    print(
        f"staff view of one policy over {push_policy.region.name} (5 runs): "
        f"median {statistics.median(timings):.0f} ms, "
        f"{len(queries)} SQL queries; counted in SQL: {out['counts']}; listed (first {out['limit']} by name each): "
        f"{len(out['eligible'])}, {len(out['near'])}, {len(out['unknown'])}"
    )


def measure_push(push_policy):
    from policies import actions
    from policies.models import Entitlement
    from portal.models import Notification

    figures = []
    for label in ("first push", "re-run (idempotent)"):
        # The outer atomic block holds back the on-commit delivery of notifications (a separate task in
        # production) until after the measurement. The foreign keys are checked at commit (Django makes
        # them DEFERRABLE INITIALLY DEFERRED): on PostgreSQL those checks run inside the measurement too.
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            outcome = actions.entitlements_push_policy(policy_id=push_policy.pk, day=dt.date(2026, 11, 23))
            action_done = time.perf_counter() - started
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            elapsed = time.perf_counter() - started
        figures.append(elapsed)
        print(
            f"push one 免申即享 policy to all enterprises, {label}: {elapsed:.2f} s (the action {action_done:.2f} s, "
            f"then the deferred foreign-key checks), {len(queries)} SQL queries, "
            f"created {outcome['created']} entitlements, notified {outcome['notified']} (sql={outcome['sql']})"
        )
    print(
        f"  totals: {Entitlement.objects.filter(policy=push_policy).count()} entitlements, "
        f"{Notification.objects.filter(kind='policies.entitlement.created').count()} notification rows"
    )
    return figures[0]


def reuse(n_enterprises: int):
    """What ``build`` returns, read back from a database it filled earlier (``--reuse``); the push's earlier
    entitlements and their notifications are removed (this is a benchmark's own database), so the first
    push is measured again."""
    from policies.models import Entitlement, Policy
    from portal.models import Enterprise, Notification, User

    ids = list(Enterprise.objects.order_by("name").values_list("id", flat=True))
    if len(ids) != n_enterprises:
        raise SystemExit(f"--reuse: the database holds {len(ids)} enterprises, not {n_enterprises}")
    push_policy = Policy.objects.select_related("region").get(title="基准：高新技术企业免申即享奖励")
    Entitlement.objects.filter(policy=push_policy)._raw_delete(connection.alias)
    Notification.objects.filter(kind="policies.entitlement.created")._raw_delete(connection.alias)
    if connection.vendor == "postgresql":  # the deleted rows' space and index entries, as after a build
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Entitlement._meta.db_table}, {Notification._meta.db_table}")
    print(f"  reusing the database's {len(ids)} enterprises")
    return User.objects.get(username="bench-clerk"), ids, push_policy


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--policies", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=101)
    parser.add_argument("--database", default=f"policies_bench_{os.getpid()}", help="name of the database to fill")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end (for --reuse)")
    parser.add_argument("--reuse", action="store_true", help="measure a database kept by an earlier --keep run")
    args = parser.parse_args()
    rng = random.Random(2026)
    connection.settings_dict.setdefault("TEST", {})["NAME"] = args.database
    print(f"database: {connection.vendor}, {'kept' if args.keep else 'throwaway'} database {args.database}")
    print(f"load average before: {Path('/proc/loadavg').read_text().strip()}")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=args.reuse)
    try:
        if args.reuse:
            clerk, ids, push_policy = reuse(args.enterprises)
        else:
            clerk, ids, push_policy = build(args.enterprises, args.policies, rng)
        if connection.vendor == "postgresql":
            from portal.checks import connected_as_superuser

            if connected_as_superuser(connection):  # time the blocks read from outside PostgreSQL's buffers
                with connection.cursor() as cursor:
                    cursor.execute("SET track_io_timing = on")
        explain_match(clerk, ids, rng)
        first_p95, repeat_p95 = measure_match(clerk, ids, args.runs, rng)
        # Each process keeps the compiled catalogue (policies.catalogue) while its key is unchanged; the
        # first match after a change reads and compiles all of it again. That case, every time:
        print("cold catalogue: read and compiled again before every match (as after each change):")
        measure_match(clerk, ids, max(21, args.runs // 4), rng, cold=True)
        # Long-running workers freeze their start-up objects (gc.freeze() after loading the app, in
        # gunicorn's post_worker_init), so full collections do not walk them; the same in that setting:
        gc.collect()
        gc.freeze()
        print("with gc.freeze() after start-up (as a pre-forked worker would run):")
        measure_match(clerk, ids, args.runs, rng)
        print("whole requests through Django's test client (same frozen process):")
        measure_requests(clerk, ids, max(21, args.runs // 2), rng)
        gc.unfreeze()
        measure_staff_view(push_policy)
        push = measure_push(push_policy)
        print(
            f"targets: match p95 ≤ 20 ms → first matches {first_p95:.1f} ms "
            f"({'met' if first_p95 <= 20 else 'NOT met'}), the same enterprises again {repeat_p95:.1f} ms "
            f"({'met' if repeat_p95 <= 20 else 'NOT met'}); "
            f"push ≤ 10 s → {'met' if push <= 10 else 'NOT met'}"
        )
    finally:
        print(f"load average after: {Path('/proc/loadavg').read_text().strip()}")
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=args.keep)
        print("database kept" if args.keep else "throwaway database dropped")


if __name__ == "__main__":
    main()
