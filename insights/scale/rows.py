"""The building blocks of ``manage.py seed_scale``: the mix of categories, channels and scores, the
working-day calendar it counts deadlines on, and the batched writer (COPY on PostgreSQL)."""

import bisect
import datetime as dt
import json
import random
import sys
import time
import zoneinfo
from pathlib import Path

from django.conf import settings
from django.db import connection, models

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
BATCH = 20_000
DAYS = 730  # two years

CATEGORIES = [  # (code, weight)
    ("labour", 12),
    ("finance", 9),
    ("tax", 10),
    ("innovation", 7),
    ("social-insurance", 9),
    ("export-customs", 4),
    ("land-factory", 8),
    ("energy", 6),
    ("approval", 12),
    ("policy-payout", 9),
    ("inspection", 3),
    ("intermediary-fees", 2),
    ("infrastructure", 5),
    ("other", 4),
]
CHANNELS = [
    ("online", 40),
    ("enterprise-code", 8),
    ("window", 12),
    ("doudi-window", 4),
    ("hotline-12345", 16),
    ("roundtable", 4),
    ("visit", 6),
    ("experience-officer", 2),
    ("media", 1),
    ("department-transfer", 3),
    ("other", 2),
]
SCORES = ([5, 4, 3, 2, 1], [68, 18, 8, 4, 2])


def pick_status(rng: random.Random, age: int) -> str:
    """A realistic status for a problem registered ``age`` days ago."""
    if age > 60:
        table = [("closed", 88), ("withdrawn", 4), ("followed_up", 4), ("replied", 1.5), ("accepted", 1.5)]
        table += [("reopened", 0.6), ("dispatched", 0.2), ("returned", 0.1), ("submitted", 0.1)]
    elif age > 20:
        table = [("closed", 45), ("followed_up", 14), ("replied", 12), ("accepted", 17), ("reopened", 4)]
        table += [("withdrawn", 3), ("dispatched", 4), ("returned", 0.5), ("submitted", 0.5)]
    elif age > 3:
        table = [("closed", 8), ("followed_up", 5), ("replied", 17), ("accepted", 40), ("dispatched", 20)]
        table += [("returned", 2), ("submitted", 5), ("withdrawn", 2), ("reopened", 1)]
    else:
        table = [("submitted", 45), ("dispatched", 35), ("accepted", 15), ("returned", 2), ("withdrawn", 3)]
    names, weights = zip(*table, strict=True)
    return rng.choices(names, weights)[0]


class Calendar:
    """Working days of the period from the statutory calendar (no query per deadline)."""

    def __init__(self, start: dt.date, end: dt.date):
        from portal.workdays import _is_working

        self.days = []
        day = start
        while day <= end:
            if _is_working(day, {}):
                self.days.append(day)
            day += dt.timedelta(days=1)

    def add(self, start: dt.date, n: int) -> dt.date:
        """``n`` working days after ``start`` (0: the same day or the next working day)."""
        i = bisect.bisect_right(self.days, start) if n else bisect.bisect_left(self.days, start)
        return self.days[min(i + max(n - 1, 0), len(self.days) - 1)]


class Progress:
    """One line redrawn in place: ``label  done/total  rate``."""

    def __init__(self, out, label: str, total: int, quiet: bool):
        self.out, self.label, self.total, self.quiet = out, label, total, quiet
        self.started = time.perf_counter()
        self.done = 0
        self.tty = hasattr(out, "isatty") and out.isatty()

    def update(self, n: int) -> None:
        self.done += n
        if self.quiet or not self.tty:
            return
        elapsed = time.perf_counter() - self.started
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        self.out.write(
            f"\r{self.label:<14} [{'#' * filled}{'.' * (width - filled)}] {self.done:>10,}/{self.total:,}"
            f"  {self.done / max(elapsed, 1e-9):>9,.0f}/s"
        )
        self.out.flush()

    def finish(self, extra: str = "") -> None:
        elapsed = time.perf_counter() - self.started
        if not self.quiet:
            end = "\r" if self.tty else ""
            self.out.write(f"{end}{self.label:<14} {self.done:>10,} rows in {elapsed:6.1f} s{extra}" + " " * 30 + "\n")
            self.out.flush()


class Writer:
    """Buffered rows of one model: COPY on PostgreSQL, bulk_create elsewhere. Missing fields get their
    model default (``auto_now`` fields: now)."""

    def __init__(self, model, now: dt.datetime, progress: Progress | None = None):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.now = now
        self.rows: list[dict] = []
        self.count = 0
        self.seconds = 0.0  # spent writing (COPY or bulk_create)
        self.progress = progress
        self.postgres = connection.vendor == "postgresql"
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"

    def _default(self, field):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.now
        return field.get_default()

    def add(self, **row) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        started = time.perf_counter()
        defaults = {f.attname: self._default(f) for f in self.fields}
        if self.postgres:
            json_fields = {f.attname for f in self.fields if isinstance(f, models.JSONField)}
            with connection.cursor() as cursor, cursor.cursor.copy(self.copy_sql) as copy:
                for row in self.rows:
                    values = []
                    for field in self.fields:
                        value = row[field.attname] if field.attname in row else defaults[field.attname]
                        if field.attname in json_fields and value is not None:
                            value = json.dumps(value, ensure_ascii=False)
                        values.append(value)
                    copy.write_row(values)
        else:
            self.model.objects.bulk_create([self.model(**{**defaults, **row}) for row in self.rows], batch_size=2000)
        self.count += len(self.rows)
        self.seconds += time.perf_counter() - started
        if self.progress:
            self.progress.update(len(self.rows))
        self.rows = []


def next_id(model) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def problem_texts(rng: random.Random) -> list[tuple[str, str, str]]:
    """Problem texts: the labelled benchmark set (realistic wording, several per kind of problem)."""
    base = Path(settings.BASE_DIR) / "benchmarks"
    if str(base) not in sys.path:
        sys.path.insert(0, str(base))
    from insights_dataset import labelled_problems  # a benchmark module, outside the apps

    return labelled_problems(rng, per_group=40)


class NullOutput:
    def write(self, *args, **kwargs):
        pass


class Text:
    def __init__(self, title: str, description: str):
        self.title, self.description = title, description


def aware(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59)), tzinfo=TZ)


def uscc_check(body: str) -> str:
    from stdnum.cn import uscc

    return uscc.calc_check_digit(body)


class DeferredIndexes:
    """On PostgreSQL, drops the plain indexes of the tables about to be filled (not those behind a primary
    key or unique constraint) and builds them again at the end: one sorted build per index instead of
    millions of single-row insertions into each (the GIN index of the search vector above all). Used
    inside seed_scale's transaction, so a failure leaves the indexes as they were."""

    def __init__(self, models_: list, say):
        self.tables = [m._meta.db_table for m in models_]
        self.say = say
        self.definitions: list[tuple[str, str]] = []

    def __enter__(self):
        if connection.vendor != "postgresql":
            return self
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema()"
                " AND i.tablename = ANY(%s)"
                " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [self.tables],
            )
            self.definitions = cursor.fetchall()
            for name, _definition in self.definitions:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        self.say(f"indexes: {len(self.definitions)} dropped on {len(self.tables)} tables, rebuilt after the rows")
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None or not self.definitions:
            return False
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # an index cannot be built while the transaction has deferred foreign-key checks queued (rows
            # written before the triggers were turned off, as in a test's transaction): run them now
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for _name, definition in self.definitions:
                cursor.execute(definition)
        self.say(f"indexes: {len(self.definitions)} rebuilt in {time.perf_counter() - started:.1f} s")
        return False
