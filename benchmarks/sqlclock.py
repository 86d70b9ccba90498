"""Time a connection spends in SQL, for the benchmarks that print it beside wall-clock and CPU time."""

import time


class SqlClock:
    """``with connection.execute_wrapper(clock):`` adds each statement's time to ``clock.ms``;
    ``clock.reset()`` before each measured call."""

    def __init__(self):
        self.seconds = 0.0

    def reset(self) -> None:
        self.seconds = 0.0

    @property
    def ms(self) -> float:
        return self.seconds * 1000

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
