"""Tasks that only the system tests enqueue."""

import os
from pathlib import Path


def record(path: str, n: int) -> int:
    """Append ``n`` and this worker's pid to a file: a task that runs twice shows up twice."""
    with open(path, "a", encoding="utf-8") as out:
        out.write(f"{n} {os.getpid()}\n")
    return n


def sleep_then_record(path: str, seconds: float) -> None:
    Path(path + ".started").write_text(str(os.getpid()), encoding="utf-8")
    import time

    time.sleep(seconds)
    record(path, 0)
