"""Gunicorn configuration of one portal app host (gunicorn 27, sync workers).

Started by deploy/systemd/portal-web.service as

    gunicorn --config /opt/portal/app/deploy/gunicorn.conf.py

nginx on the same host proxies to 127.0.0.1:8001 and serves /static/ itself. Any setting here can be
overridden for one host without editing this file through gunicorn's own GUNICORN_CMD_ARGS variable,
e.g. ``GUNICORN_CMD_ARGS=--workers=8`` in /etc/portal/portal.env.
"""

import os

# --- Application ---------------------------------------------------------------------------------
wsgi_app = "portal.wsgi:application"
chdir = os.environ.get("PORTAL_APP_DIR", "/opt/portal/app")
# DJANGO_SETTINGS_MODULE comes from /etc/portal/portal.env (portal/wsgi.py defaults to prod anyway).
# Load the app in each worker, not in the master: a HUP then reloads new code, and each worker opens
# its own psycopg pool after the fork.
preload_app = False

# --- Socket --------------------------------------------------------------------------------------
# Loopback only: nginx on this host is the only client. With deploy/systemd/portal-web.socket the
# socket comes from systemd instead and this value is ignored.
bind = ["127.0.0.1:8001"]
backlog = 2048

# --- Workers -------------------------------------------------------------------------------------
# Sync workers: one request per process. Start with 2 x cores; every worker holds its own copy of the
# application (jieba's dictionary included), so check memory before going higher.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# A request running longer than this is killed (nginx waits slightly longer, proxy_read_timeout 65s).
timeout = 60
# On stop (TERM) or reload (HUP) workers get this long to finish current requests. Keep it below
# TimeoutStopSec in portal-web.service.
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so slow memory growth never accumulates; jitter avoids all workers
# restarting at once.
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files in RAM, not on a disk that may block.
worker_tmp_dir = "/dev/shm"

# --- Proxy headers -------------------------------------------------------------------------------
# Trust X-Forwarded-Proto / X-Forwarded-For only from the local nginx.
forwarded_allow_ips = "127.0.0.1,::1"

# --- Request limits (gunicorn defaults, stated) --------------------------------------------------
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# --- Logging: to stderr, collected by journald --------------------------------------------------
# nginx already writes the access log; gunicorn logs errors, worker restarts and timeouts.
errorlog = "-"
accesslog = None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
capture_output = False
proc_name = "portal-web"

# --- Control socket (gunicorn >= 25.1, used by ``gunicornc``) -----------------------------------
# Put it in the unit's RuntimeDirectory (/run/portal-web), never in the service user's home.
# Run by hand outside systemd there is no RUNTIME_DIRECTORY, so the control socket is off.
_runtime_dir = os.environ.get("RUNTIME_DIRECTORY")
if _runtime_dir:
    control_socket = os.path.join(_runtime_dir.split(":")[0], "gunicorn.ctl")
    control_socket_mode = 0o600
else:
    control_socket_disable = True


# --- Preloading ---------------------------------------------------------------------------------
def when_ready(server):
    """With ``--preload`` the master has loaded the app: read the policy catalogue here too, so that every
    worker starts with it (shared copy-on-write). The master's database connections and pool do not reach
    the workers: portal.forking drops them in every child right after the fork (docs/architecture.md)."""
    if not server.cfg.preload_app:
        return
    try:
        from policies.catalogue import current_catalogue

        current_catalogue()
    except Exception:
        server.log.warning("policy catalogue not preloaded in the master", exc_info=True)


# --- Garbage collection --------------------------------------------------------------------------
def post_worker_init(worker):
    """Read the policy catalogue once (policies.catalogue: the compiled published policies every match
    uses), then freeze everything loaded so far — Django, the app, jieba's dictionary, that catalogue — out
    of the cyclic garbage collector, so full collections stop walking it on every request burst.

    benchmarks/policies_bench.py on 2026-11-23 (PostgreSQL, 2,001 policies): match p95 27.0 ms as is,
    22.3 ms with the freeze; the first match after a catalogue change rebuilds it (p95 156 ms cold)."""
    import gc

    try:
        from django.db import connections

        from policies.catalogue import current_catalogue

        current_catalogue()
        connections.close_all()  # the worker's requests open their own
    except Exception:  # database not reachable yet: the first match builds it instead
        worker.log.warning("policy catalogue not preloaded", exc_info=True)
    gc.freeze()
