"""Per-request context (client IP) that actions read for the audit log, without threading the request."""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)
