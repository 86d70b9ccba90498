"""No database connection or pool crosses a fork (docs/architecture.md, "Processes and connections").

django-q2 forks its sentinel, pusher, monitor and worker processes from a process that has already used the
database (the scheduler runs in the sentinel and forks replacement workers later), and gunicorn with
``preload_app`` forks workers from a master that loaded the app. ``connections.close_all()`` before a fork does
not help with psycopg's pool: it hands the connection back to the pool, and the pool, with its open sockets,
is copied into the child. Parent and child then talk over the same socket and read each other's replies —
"the last operation didn't produce records (command status: BEGIN)", "can't change 'autocommit' now".

So every child forgets, right after the fork, what it inherited: the open connection of each alias and each
pool object. It closes none of them — closing would send a Terminate message over the parent's socket — and
keeps a reference so that no finaliser ever runs on them (psycopg itself does not finish a connection in a
process other than the one that opened it, but the pool's finaliser would try to stop threads that do not
exist here). The child's first query opens its own pool.
"""

import os
import threading

from django.db import connections

# Objects inherited from the parent: kept, never used, never closed.
_inherited: list[object] = []
_registered = threading.Lock()
_done = False


def forget_inherited_connections() -> None:
    """In a freshly forked child: drop the parent's connections and pools without touching their sockets."""
    for alias in connections:
        # connections[alias] would create a wrapper; only look at the ones this thread already has.
        wrapper = getattr(connections._connections, alias, None)
        if wrapper is None:
            continue
        if wrapper.connection is not None:
            _inherited.append(wrapper.connection)
            wrapper.connection = None
        pools = getattr(type(wrapper), "_connection_pools", None)
        if pools:
            _inherited.extend(pools.values())
            pools.clear()


def install() -> None:
    """Register the hook once per process (called from PortalConfig.ready)."""
    global _done
    with _registered:
        if _done:
            return
        os.register_at_fork(after_in_child=forget_inherited_connections)
        _done = True
