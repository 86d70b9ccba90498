"""Time and memory of the Excel ledger (台账) at 100k rows, phase by phase.

Two sources of rows:

``--source synthetic`` (default; no database needed)::

    .venv/bin/python benchmarks/insights_export_bench.py --rows 10000,100000

feeds ``insights.exports.write_xlsx`` (the function behind every ledger download) with rows shaped
like the problem ledger (22 columns: strings, dates, numbers, masked phones) and prints the wall
time, the file size and the peak RSS growth — which must stay flat as rows grow, since the
write-only workbook streams each row to a temporary file instead of keeping it.

``--source db`` (PostgreSQL; fills a scratch database — never point it at real data)::

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE portal_export"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_export \\
        .venv/bin/python benchmarks/insights_export_bench.py --source db --rows 100000

migrates the database, loads ``--rows`` problems registered and first dispatched in 2025 (bulk
insert, once; 2,000 enterprises, 20 departments, 2 % of problems linked to a common problem, real
length descriptions and replies), then times the 2025 ledger of a clerk phase by phase:

- ``query``: the ledger queryset read with ``iterator(chunk_size=2000)`` exactly as ``issue_rows``
  reads it, nothing else (SQL + ORM row objects);
- ``rows``: ``issue_rows`` consumed without writing (query + building the 22 values, masking
  included); ``rows, unmasked``: the same without masking, so the difference is the masking;
- ``cells``: ``write_xlsx`` of the rows already in a list (openpyxl cell writes + zip only);
- ``total``: ``write_xlsx(issue_rows(qs))`` into a temporary file — what a download or an export job
  does, and the figure that matters.

Figures (PostgreSQL 15, 2 shared cores with other sessions' test runs beside it, 99,943 rows, two
rounds each, run back to back; load average 4.2–4.9 for "before", 2.0–4.4 for "after"):

| phase | before: model objects | after: ``values_list`` |
|---|---|---|
| query | 7.2 / 7.7 s | 3.0 / 1.8 s |
| rows (masked) | 12.1 / 13.5 s | 3.0 / 2.0 s |
| rows, unmasked | 12.9 / 14.5 s | 3.1 / 1.7 s |
| cells | 27.9 / 23.7 s | 33.5 / 19.4 s |
| total | 54.6 / 46.8 s (11.3 MB) | 23.8 / 22.9 s (10.7 MB) |

Before, ``issue_rows`` built six model objects per row (every column of the problem and its
enterprise, descriptions and replies included) and ``get_status_display()`` re-translated all nine
status labels on every row (10 gettext calls per row). The ``cells`` phase — openpyxl's own work,
about 9 µs per cell for 2.2M cells — is now nearly all of the time and the same with the synthetic
source (100,000 rows: 24.9–27.6 s). Masking costs under a second per 100k rows. So a year's ledger
of a city still cannot be sure to finish inside gunicorn's 60 s, which is why ledgers above
``LEDGER_EXPORT_ASYNC_ROWS`` are written by a worker (docs/insights.md).
"""

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django

django.setup()

from insights.exports import ISSUE_HEADER, write_xlsx  # noqa: E402
from portal.masking import mask_name, mask_phone  # noqa: E402

BENCH_PREFIX = "BENCH"
TZ = dt.timezone(dt.timedelta(hours=8))


def synthetic_rows(count: int):
    start = dt.datetime(2026, 1, 1, 9, 0)
    for number in range(count):
        yield (
            f"SQ20260101{number:06d}",
            start + dt.timedelta(minutes=number),
            f"湖州测试企业{number % 5000}有限公司",
            f"91330502{number:09d}X",
            mask_name("张三丰"),
            mask_phone("13812345678"),
            "12345热线",
            "用地/厂房",
            "储能集装箱消防验收没有标准，住建部门说无法受理" + str(number),
            "已办结",
            "湖州市消防救援支队",
            start + dt.timedelta(minutes=number, hours=20),
            dt.date(2026, 1, 15),
            start + dt.timedelta(days=3),
            True,
            number % 7 != 0,
            number % 3,
            0,
            number % 11 == 0,
            4,
            start + dt.timedelta(days=6),
            "",
        )


def measure(rows, count: int) -> tuple[float, int, int]:
    """Wall time, file size and the growth of the process's peak resident memory (ru_maxrss)."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    with tempfile.TemporaryFile() as handle:
        written = write_xlsx(handle, sheet_title="台账", header=ISSUE_HEADER, rows=rows)
        size = handle.tell()
    elapsed = time.perf_counter() - began
    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
    assert written == count, (written, count)
    return elapsed, size, peak


# ------------------------------------------------------------------------------------ database


def load_problems(count: int) -> None:
    """Insert ``count`` benchmark problems (once; a second run with the same count loads nothing)."""
    from django.core.management import call_command

    from insights.models import CommonIssue, CommonIssueLink
    from issues.choices import IssueStatus
    from issues.models import Category, Channel, Issue
    from portal.choices import DepartmentKind, Role
    from portal.models import Department, Enterprise, Region, User

    call_command("migrate", verbosity=0)
    have = Issue.objects.filter(reference__startswith=BENCH_PREFIX).count()
    if have >= count:
        return
    began = time.perf_counter()
    region, _ = Region.objects.get_or_create(code="330500", defaults={"name": "湖州市", "level": "city"})
    departments = [
        Department.objects.get_or_create(
            code=f"bench-{n}",
            defaults={"name": f"湖州市测试职能部门{n}", "kind": DepartmentKind.GOVERNMENT, "region": region},
        )[0]
        for n in range(20)
    ]
    channels = [
        Channel.objects.get_or_create(code=f"bench-{n}", defaults={"name": name})[0]
        for n, name in enumerate(["线上门户", "12345热线", "政企恳谈会", "窗口", "企业码"])
    ]
    categories = [
        Category.objects.get_or_create(code=f"bench-{n}", defaults={"name": name})[0]
        for n, name in enumerate(["用工", "融资", "用地/厂房", "审批", "政策兑现", "消防", "水电气网", "物流"])
    ]
    clerk, _ = User.objects.get_or_create(username="bench-clerk", defaults={"role": Role.CLERK})
    existing = set(Enterprise.objects.filter(uscc__startswith="91330599").values_list("uscc", flat=True))
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=f"91330599{n:09d}X",
                name=f"湖州测试企业{n}有限公司",
                legal_representative="张三",
                region=region,
                industry="C38",
                size_class="small",
                established=dt.date(2018, 6, 1),
            )
            for n in range(2000)
            if f"91330599{n:09d}X" not in existing
        ]
    )
    enterprises = list(Enterprise.objects.filter(uscc__startswith="91330599").order_by("uscc"))
    statuses = [IssueStatus.CLOSED] * 5 + [IssueStatus.REPLIED, IssueStatus.ACCEPTED, IssueStatus.DISPATCHED]
    description = "储能集装箱建好后申请消防验收，住建部门说没有对应的标准，无法受理；企业多次到窗口咨询未果。" * 4
    reply = "经协调，由消防救援支队按照储能项目消防验收工作指引受理，已通知企业补齐材料。" * 3
    start = dt.datetime(2025, 1, 1, 9, 0, tzinfo=TZ)
    step = dt.timedelta(days=364) / count
    batch = []
    for number in range(have, count):
        registered = start + step * number
        dispatched = registered + dt.timedelta(hours=20)
        status = statuses[number % len(statuses)]
        done = status in (IssueStatus.CLOSED, IssueStatus.REPLIED)
        batch.append(
            Issue(
                reference=f"{BENCH_PREFIX}{number:09d}",
                enterprise=enterprises[number % len(enterprises)],
                contact_name="沈建国",
                contact_phone=f"138{number % 100000000:08d}",
                channel=channels[number % len(channels)],
                category=categories[number % len(categories)],
                title=f"储能集装箱消防验收没有标准，住建部门说无法受理{number}",
                description=description,
                status=status,
                submitted_by=clerk,
                registered_at=registered,
                lead_department=departments[number % len(departments)],
                reply=reply if done else "",
                public_reply=reply if done else "",
                dispatched_at=dispatched,
                first_dispatched_at=dispatched,
                accepted_at=dispatched + dt.timedelta(hours=3),
                replied_at=dispatched + dt.timedelta(days=3) if done else None,
                closed_at=dispatched + dt.timedelta(days=6) if status == IssueStatus.CLOSED else None,
                reply_due=(dispatched + dt.timedelta(days=14)).date(),
                accepted_on_time=True,
                replied_on_time=(number % 7 != 0) if done else None,
                dispatch_count=1,
                returns_count=number % 3,
                reopen_count=int(number % 11 == 0),
                rating=4 if status == IssueStatus.CLOSED else None,
            )
        )
        if len(batch) == 5000:
            Issue.objects.bulk_create(batch)
            batch = []
    if batch:
        Issue.objects.bulk_create(batch)
    commons = [
        CommonIssue.objects.get_or_create(
            reference=f"{BENCH_PREFIX}-GX{n:04d}",
            defaults={
                "title": f"测试共性问题{n}",
                "summary": "测试",
                "lead_department": departments[n % len(departments)],
                "created_by": clerk,
            },
        )[0]
        for n in range(100)
    ]
    linked = set(CommonIssueLink.objects.values_list("issue_id", flat=True))
    ids = Issue.objects.filter(reference__startswith=BENCH_PREFIX).order_by("id").values_list("id", flat=True)
    CommonIssueLink.objects.bulk_create(
        [
            CommonIssueLink(common_issue=commons[n % len(commons)], issue_id=pk, linked_by=clerk)
            for n, pk in enumerate(ids)
            if n % 50 == 0 and pk not in linked
        ],
        batch_size=5000,
    )
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"loaded {count - have:,} problems in {time.perf_counter() - began:.0f} s")


def ledger(count: int):
    """The 2025 problem ledger of the benchmark clerk, as the export view builds it."""
    from insights import selectors
    from insights.rankings import parse_period
    from portal.models import User

    clerk = User.objects.get(username="bench-clerk")
    return selectors.issue_ledger(user=clerk, period=parse_period("2025"))


def timed(label: str, func):
    began = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - began
    print(f"  {label:<16} {elapsed:6.1f} s")
    return result


def bench_db(count: int) -> None:
    from insights import exports

    load_problems(count)
    qs = ledger(count)
    total = qs.count()
    print(f"{total:,} rows in the 2025 ledger")
    timed("query", lambda: sum(1 for _ in exports.issue_ledger_source(qs)))
    rows = timed("rows", lambda: list(exports.issue_rows(qs)))
    timed("rows, unmasked", lambda: sum(1 for _ in exports.issue_rows(qs, unmask=True)))
    timed("cells", lambda: measure(rows, total))
    rows.clear()
    elapsed, size, peak = measure(exports.issue_rows(qs), total)
    print(f"  {'total':<16} {elapsed:6.1f} s, file {size / 1e6:5.1f} MB, peak RSS growth {peak / 1e6:5.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="10000,100000")
    parser.add_argument("--source", choices=["synthetic", "db"], default="synthetic")
    args = parser.parse_args()
    for count in (int(value) for value in args.rows.split(",")):
        if args.source == "db":
            bench_db(count)
            continue
        elapsed, size, peak = measure(synthetic_rows(count), count)
        print(f"{count:>8,} rows: {elapsed:5.1f} s, file {size / 1e6:5.1f} MB, peak RSS growth {peak / 1e6:5.1f} MB")


if __name__ == "__main__":
    main()
