"""Running callables at the same moment in their own threads and database connections (PostgreSQL
concurrency tests: real row locks and unique keys, no mocks)."""

import threading

from django.db import connections


def race(*callables) -> list:
    """Start every callable at once (a barrier) and return their results in order; an exception is the
    result of the callable that raised it, for the test to check."""
    barrier = threading.Barrier(len(callables))
    outcomes: list = [None] * len(callables)

    def run(index, fn):
        try:
            barrier.wait(timeout=60)
            outcomes[index] = fn()
        except Exception as exc:  # the loser's error is the result we check
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(callables)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
