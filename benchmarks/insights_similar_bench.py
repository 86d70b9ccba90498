"""Benchmark of the similar-problem search: quality on a labelled set, latency at 100k and 1M problems.

Run (PostgreSQL; the database is emptied of index rows and filled by this script — use a scratch one):

    createdb -h 127.0.0.1 -U postgres wt_insights_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_insights_bench \\
        .venv/bin/python benchmarks/insights_similar_bench.py --sizes 100000,1000000

On SQLite (no ``DATABASE_URL``) it measures quality only (``--sizes 0``), through the fallback index.

The labelled set (``benchmarks/insights_dataset.py``): ``--per-group`` (default 10) differently worded
reports of each of the 36 groups → 360 problems, each tokenised by the real pipeline (jieba + user
dictionary + synonyms + stop words) and indexed as its own problem.

Metrics, for every labelled problem q used as a query (its title and description as the text):
- results R(q) = the top 5 of ``insights.similarity.search(text, limit=5, min_score=MIN_SCORE,
  exclude={q})`` — q itself is never counted;
- relevant set G(q) = the other members of q's group (9 with the default, so always ≥ 5);
- precision@5(q) = |R(q) ∩ G(q)| / |R(q)|  (0 when R(q) is empty): how many shown hints are right;
- recall@5(q)    = |R(q) ∩ G(q)| / min(5, |G(q)|): how many of the 5 slots that could hold a relevant
  problem do hold one;
- precision@5 and recall@5 are the means over all queries (macro average).
Quality is measured on the labelled set alone and again at every size, with the filler around it.

Latency: ``--queries`` (default 200) new texts — fresh paraphrases of the groups drawn with another
seed, so not identical to anything indexed — each searched once after a warm-up of 20; the script
prints p50, p95 and max wall-clock milliseconds of ``search()`` (tokenising + all SQL + re-ranking),
and, less sensitive to a loaded machine, the time spent in SQL and this process's CPU time.

Filler: unrelated problems whose words follow real Chinese frequencies (``ZipfFiller``: words
sampled from jieba's dictionary by corpus count, plus everyday business words), stored directly as
token strings (tokenising 1M texts with jieba would only slow the load) and bulk-loaded with COPY;
``TermStat`` is recomputed exactly from all rows; then VACUUM ANALYZE.
"""

import argparse
import math
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from benchmarks.insights_dataset import ZipfFiller, labelled_problems  # noqa: E402
from benchmarks.sqlclock import SqlClock  # noqa: E402
from insights import similarity  # noqa: E402
from insights.models import IssueSearchDoc, SearchTerm, TermStat, TermStatChange  # noqa: E402
from insights.text import tokenize  # noqa: E402

MIN_SCORE = 0.12
FILLER_BASE_ID = 10_000_000


def load_labelled(rows):
    """Index the labelled problems with ids 1..n through the real per-document path."""
    for number, (_, title, description) in enumerate(rows, start=1):
        similarity.index_document(issue_id=number, text=f"{title}\n{description}")


def quality(rows) -> tuple[float, float]:
    groups = [group for group, _, _ in rows]
    precisions, recalls = [], []
    for number, (group, title, description) in enumerate(rows, start=1):
        relevant = {i for i, g in enumerate(groups, start=1) if g == group and i != number}
        hits = similarity.search(f"{title}\n{description}", limit=5, min_score=MIN_SCORE, exclude={number})
        found = sum(1 for hit in hits if hit.issue_id in relevant)
        precisions.append(found / len(hits) if hits else 0.0)
        recalls.append(found / min(5, len(relevant)))
    return statistics.mean(precisions), statistics.mean(recalls)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def latency(queries) -> dict[str, list[float]]:
    """Milliseconds of each search: wall clock, time in SQL (the rest is Python) and this process's CPU."""
    for _, title, description in queries[:20]:
        similarity.search(f"{title}\n{description}", limit=5, min_score=MIN_SCORE)
    timed = SqlClock()

    figures: dict[str, list[float]] = {"wall": [], "sql": [], "cpu": []}
    with connection.execute_wrapper(timed):
        for _, title, description in queries:
            timed.reset()
            start, cpu_start = time.perf_counter(), time.process_time()
            similarity.search(f"{title}\n{description}", limit=5, min_score=MIN_SCORE)
            figures["wall"].append((time.perf_counter() - start) * 1000)
            figures["cpu"].append((time.process_time() - cpu_start) * 1000)
            figures["sql"].append(timed.ms)
    return figures


def add_filler(start: int, count: int, rng: random.Random, filler: ZipfFiller) -> None:
    """COPY ``count`` filler rows (ids FILLER_BASE_ID + start …) into the index table."""
    table = IssueSearchDoc._meta.db_table
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} (issue_id, tokens, length, updated_at) FROM STDIN") as copy:
            for offset in range(count):
                words = filler.tokens(rng)
                copy.write_row((FILLER_BASE_ID + start + offset, " ".join(words), len(words), "2026-01-01 00:00+08"))


def recount_term_stats() -> None:
    """Recompute every document frequency from the stored tokens (exact), then VACUUM ANALYZE."""
    counter: Counter = Counter()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tokens FROM {IssueSearchDoc._meta.db_table}")  # noqa: S608
        while batch := cursor.fetchmany(20000):
            for (tokens,) in batch:
                counter.update(set(tokens.split()))
        cursor.execute(f"TRUNCATE {TermStat._meta.db_table}, {TermStatChange._meta.db_table}")
        raw = cursor.cursor
        with raw.copy(f"COPY {TermStat._meta.db_table} (token, df) FROM STDIN") as copy:
            for token, df in counter.items():
                copy.write_row((token, df))
        cursor.execute(f"VACUUM ANALYZE {IssueSearchDoc._meta.db_table}")
        cursor.execute(f"ANALYZE {TermStat._meta.db_table}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="total indexed problems to measure at")
    parser.add_argument("--per-group", type=int, default=10)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20260523)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep an index this script filled before (same seed): only add or remove filler rows",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if int(size) > 0]

    call_command("migrate", verbosity=0)
    postgres = similarity.is_postgres()
    if sizes and not postgres:
        sys.exit("latency at 100k/1M is measured on PostgreSQL: set DATABASE_URL=postgres://…")
    if not args.reuse:
        IssueSearchDoc.objects.all().delete()
        SearchTerm.objects.all().delete()
        TermStat.objects.all().delete()
        TermStatChange.objects.all().delete()

    rng = random.Random(args.seed)
    rows = labelled_problems(rng, per_group=args.per_group)
    groups = len({group for group, _, _ in rows})
    queries = labelled_problems(random.Random(args.seed + 1), per_group=max(1, args.queries // groups + 1))
    random.Random(args.seed + 2).shuffle(queries)
    queries = queries[: args.queries]
    tokenize("预热")  # build jieba's dictionary before timing anything

    print(f"database: {connection.vendor}; labelled set: {len(rows)} problems in {groups} groups")
    filled = IssueSearchDoc.objects.filter(issue_id__gte=FILLER_BASE_ID).count() if args.reuse else 0
    if not args.reuse:
        start = time.perf_counter()
        load_labelled(rows)
        print(f"indexed the labelled set in {time.perf_counter() - start:.1f} s (per-document path)")
        precision, recall = quality(rows)
        print(f"[{len(rows):>9,} indexed] precision@5 = {precision:.3f}  recall@5 = {recall:.3f}")
    filler_rng = random.Random(args.seed + 3)
    filler = ZipfFiller()
    for size in sizes:
        wanted = size - len(rows) - filled
        if wanted < 0:
            IssueSearchDoc.objects.filter(issue_id__gte=FILLER_BASE_ID + filled + wanted).delete()
            filled += wanted
            recount_term_stats()
            print(f"removed {-wanted:,} filler rows, recounted, VACUUM ANALYZE")
        if wanted > 0:
            start = time.perf_counter()
            for chunk_start in range(0, wanted, 100_000):
                add_filler(filled + chunk_start, min(100_000, wanted - chunk_start), filler_rng, filler)
            filled += wanted
            recount_term_stats()
            seconds = time.perf_counter() - start
            print(f"loaded {wanted:,} filler rows with COPY + recount + VACUUM ANALYZE in {seconds:.0f} s")
        total = IssueSearchDoc.objects.count()
        load = Path("/proc/loadavg").read_text().strip() if Path("/proc/loadavg").exists() else "?"
        figures = latency(queries)
        wall, sql, cpu = figures["wall"], figures["sql"], figures["cpu"]
        precision, recall = quality(rows)
        print(
            f"[{total:>9,} indexed] precision@5 = {precision:.3f}  recall@5 = {recall:.3f}  "
            f"latency over {len(queries)} new texts: p50 = {statistics.median(wall):.1f} ms  "
            f"p95 = {_p95(wall):.1f} ms  max = {max(wall):.1f} ms\n"
            f"    in SQL p50 {statistics.median(sql):.1f} / p95 {_p95(sql):.1f} ms; this process's CPU "
            f"p50 {statistics.median(cpu):.1f} / p95 {_p95(cpu):.1f} ms; load average before: {load}"
        )


if __name__ == "__main__":
    main()
