"""An optional read replica (docs/deployment.md, "Read replica").

Without ``DATABASE_REPLICA_URL`` nothing changes: the router answers ``None`` and Django uses ``default``.

With it, :class:`ReplicaRoutingMiddleware` marks the requests whose reads may be served by the replica — the
read-only pages listed in :data:`REPLICA_VIEWS` (rankings, ledgers, exports, public pages), on GET/HEAD only —
and :class:`ReplicaRouter` sends their reads there, except:

* reads of the models in :data:`PRIMARY_ONLY_MODELS` (sessions, users, tokens, sign-in throttles, the audit
  chain): authentication and the audit trail never read a lagging copy;
* reads inside a transaction on ``default``, and every read after the request itself wrote something;
* a browser that wrote something in the last ``REPLICA_PIN_SECONDS`` seconds: every POST/PUT/PATCH/DELETE
  that wrote to the database and answered below 400 sets a signed cookie holding only the time of the write;
  while it is fresh, that browser's reads stay on the primary, so one sees one's own change at once however
  far the replica lags.

Writes always go to ``default``; migrations never run on the replica.
"""

import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_ALIAS = "replica"
PIN_COOKIE = "portal_wrote"
PIN_SALT = "portal.db_router.pin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# "namespace:url_name" (API routes have no namespace) of the pages whose reads may lag by a few seconds.
REPLICA_VIEWS = frozenset(
    {
        # rankings (晾晒) and their exports
        "insights:rankings",
        "insights:rankings_staff",
        "insights:rankings_drilldown",
        "insights:rankings_rows_csv",
        "insights:rankings_methodology",
        "insights:rankings_export",
        "rankings",
        "ranking-rows",
        # ledgers (台账) and their exports
        "insights:ledger",
        "insights:ledger_issues_export",
        "insights:ledger_applications_export",
        "insights:my_exports",
        # public pages
        "portal:home",
        "services:catalogue",
        "services:bundle_detail",
        "policies:library",
        "policies:policy_detail",
        "insights:library",
        "insights:library_detail",
    }
)

# Read on the primary even on a replica page: who is signed in, and the audit chain's head.
PRIMARY_ONLY_MODELS = frozenset(
    {
        "sessions.session",
        "portal.user",
        "portal.apitoken",
        "portal.loginthrottle",
        "portal.auditlog",
        "portal.auditanchor",
    }
)

# True while the current request may read from the replica.
replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)
# True once the current request has written to the database.
request_wrote: ContextVar[bool] = ContextVar("request_wrote", default=False)


def replica_alias() -> str | None:
    """The replica's alias when one is configured (``DATABASE_READ_REPLICA``), else ``None``."""
    return settings.DATABASE_READ_REPLICA


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not replica_reads.get() or replica_alias() is None:
            return None
        if model._meta.label_lower in PRIMARY_ONLY_MODELS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return replica_alias()

    def db_for_write(self, model, **hints):
        # Whatever this request reads after writing, it reads where it wrote.
        if replica_reads.get():
            replica_reads.set(False)
        if not request_wrote.get():
            request_wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        aliases = {DEFAULT_DB_ALIAS, replica_alias()}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db != DEFAULT_DB_ALIAS and db in {REPLICA_ALIAS, replica_alias()}:
            return False
        return None


def pinned(request) -> bool:
    """Did this browser write something in the last ``REPLICA_PIN_SECONDS`` seconds?"""
    value = request.get_signed_cookie(PIN_COOKIE, default=None, salt=PIN_SALT, max_age=settings.REPLICA_PIN_SECONDS)
    return value is not None


class ReplicaRoutingMiddleware:
    """Decide per request whether reads may go to the replica; pin a browser to the primary after it writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if replica_alias() is None:
            return self.get_response(request)
        token, wrote_token = replica_reads.set(False), request_wrote.set(False)
        try:
            response = self.get_response(request)
            wrote = request_wrote.get()
        finally:
            replica_reads.reset(token)
            request_wrote.reset(wrote_token)
        if wrote and request.method not in SAFE_METHODS and response.status_code < 400:
            response.set_signed_cookie(
                PIN_COOKIE,
                str(int(time.time())),
                salt=PIN_SALT,
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if replica_alias() is None or request.method not in ("GET", "HEAD"):
            return None
        match = request.resolver_match
        if match is None or match.view_name not in REPLICA_VIEWS or pinned(request):
            return None
        # Who is signed in is read now, on the primary, before the view's reads move.
        user = getattr(request, "user", None)
        if user is not None:
            user.is_authenticated  # noqa: B018 - evaluates the lazy user
        replica_reads.set(True)
        return None
