"""The one way the tests count database queries: the exact number, never "at most" or "+1".

Used through the ``num_queries`` fixture (tests/conftest.py):

    with num_queries(4):                        # exactly 4 queries in the block, or fail listing them
        client.get(url)

    few = num_queries.get(client, url)          # the number of one GET (status 200 checked), for 3 rows…
    ...make 27 more rows...
    assert num_queries.get(client, url) == few == 7   # …and for 30: flat with size, and the number itself

A failure lists every query, numbered, so the extra one is found without a debugger.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connections
from django.test.utils import CaptureQueriesContext


def _listing(queries: list[dict]) -> str:
    return "\n".join(f"{n}. {q['sql']}" for n, q in enumerate(queries, start=1))


class NumQueries:
    """Counts the queries on one database alias (``default`` unless told)."""

    def __init__(self, using: str = "default"):
        self.using = using

    @contextmanager
    def __call__(self, expected: int, *, using: str | None = None) -> Iterator[CaptureQueriesContext]:
        """Assert that the block runs exactly ``expected`` queries."""
        with CaptureQueriesContext(connections[using or self.using]) as captured:
            yield captured
        ran = len(captured.captured_queries)
        assert ran == expected, f"{ran} queries ran, {expected} expected:\n{_listing(captured.captured_queries)}"

    def capture(self, action: Callable[[], object], *, using: str | None = None) -> list[str]:
        """The SQL of every query ``action()`` runs, in order."""
        with CaptureQueriesContext(connections[using or self.using]) as captured:
            action()
        return [q["sql"] for q in captured.captured_queries]

    def of(self, action: Callable[[], object], *, using: str | None = None) -> int:
        """How many queries ``action()`` runs: for "3 rows cost what 30 cost" comparisons, which then also
        pin the number (``assert num_queries.of(get) == few == 7``)."""
        return len(self.capture(action, using=using))

    def get(self, client, url: str, data=None, *, status: int = 200) -> int:
        """How many queries one GET of ``url`` runs; the response must have ``status``."""
        responses = []
        count = self.of(lambda: responses.append(client.get(url, data or {})))
        assert responses[0].status_code == status, f"GET {url}: {responses[0].status_code}, {status} expected"
        return count

    def writes(self, action: Callable[[], object], *, using: str | None = None) -> list[str]:
        """The INSERT, UPDATE and DELETE statements ``action()`` runs (a page view must write nothing)."""
        return [sql for sql in self.capture(action, using=using) if sql.split()[0].upper() in WRITES]


WRITES = frozenset({"INSERT", "UPDATE", "DELETE"})
