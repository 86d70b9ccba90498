"""Memory and time of the streaming Excel ledger writer at 100k rows.

    .venv/bin/python benchmarks/insights_export_bench.py --rows 100000

Feeds ``insights.exports.write_xlsx`` (the function behind every ledger download) with rows shaped
like the problem ledger (22 columns: strings, dates, numbers, masked phones), generated one at a time
as ``issue_rows`` yields them from ``QuerySet.iterator(chunk_size=2000)``; prints the wall time, the
file size and the peak RSS growth (tracemalloc) — which must stay flat as rows grow, since the
write-only workbook streams each row to a temporary file instead of keeping it.
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


def rows(count: int):
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


def measure(count: int) -> tuple[float, int, int]:
    """Wall time, file size and the growth of the process's peak resident memory (ru_maxrss)."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    with tempfile.TemporaryFile() as handle:
        written = write_xlsx(handle, sheet_title="台账", header=ISSUE_HEADER, rows=rows(count))
        size = handle.tell()
    elapsed = time.perf_counter() - began
    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
    assert written == count
    return elapsed, size, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="10000,100000")
    args = parser.parse_args()
    for count in (int(value) for value in args.rows.split(",")):
        elapsed, size, peak = measure(count)
        print(f"{count:>8,} rows: {elapsed:5.1f} s, file {size / 1e6:5.1f} MB, peak RSS growth {peak / 1e6:5.1f} MB")


if __name__ == "__main__":
    main()
