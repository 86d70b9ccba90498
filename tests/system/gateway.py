"""An SMS gateway that lives in a folder, for the system tests: it behaves as a real gateway does with a
client message id (the idempotency key) — a key it has accepted once is accepted again without a second
delivery — and lets a test hold a send open so that it can kill the worker in the middle of it.

Folder (``PORTAL_TEST_GATEWAY``):
- ``attempts.log``: one line per call, ``<key> <pid>``;
- ``delivered/<key>``: one file per message that reached the phone (created once, O_EXCL);
- ``sending-<pid>``: written when a worker is inside a send (the test kills that pid);
- ``hold-before`` / ``hold-after``: while present, a send waits before / after the gateway accepts it;
- ``fail``: while present, every send raises (a gateway that is down).
"""

import os
import time
from pathlib import Path

from portal.sms import BaseSmsBackend


def folder() -> Path:
    return Path(os.environ["PORTAL_TEST_GATEWAY"])


def _hold(name: str) -> None:
    deadline = time.monotonic() + 60
    while (folder() / name).exists() and time.monotonic() < deadline:
        time.sleep(0.05)


class FileGateway(BaseSmsBackend):
    def send(self, *, phone: str, text: str, idempotency_key: str) -> None:
        root = folder()
        pid = os.getpid()
        with open(root / "attempts.log", "a", encoding="utf-8") as log:
            log.write(f"{idempotency_key} {pid}\n")
        if (root / "fail").exists():
            raise ConnectionError("gateway unavailable")
        (root / f"sending-{pid}").write_text(idempotency_key, encoding="utf-8")
        _hold("hold-before")
        (root / "delivered").mkdir(exist_ok=True)
        try:
            fd = os.open(root / "delivered" / idempotency_key, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            os.write(fd, text.encode())
            os.close(fd)
        except FileExistsError:
            pass  # this key was accepted before: the gateway does not deliver it again
        _hold("hold-after")
        (root / f"sending-{pid}").unlink(missing_ok=True)


def attempts() -> list[str]:
    path = folder() / "attempts.log"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [line.split()[0] for line in lines]


def delivered() -> list[str]:
    path = folder() / "delivered"
    return sorted(p.name for p in path.iterdir()) if path.exists() else []
