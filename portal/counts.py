"""The counts shown in the navigation (unread messages, each work queue's open items), in one query.

Every page shows them, so they cost one query however many there are: each count is a scalar subquery
(``SELECT COUNT(*) … WHERE …``) of a one-row ``SELECT``. The core knows only the unread count; a feature
app registers its queues' counts in its ``AppConfig.ready()`` (the core never imports a feature app):

    counts.register("catch_all", lambda user: selectors.catch_all_queue(user=user), roles=CLERK_ROLES)

A count's queryset must be what the queue page lists by default, so the badge and the page agree; the
page asks the same selector.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import DatabaseError, models
from django.db.models import Func, QuerySet, Subquery

from portal.models import Notification, User
from portal.permissions import user_has_role


@dataclass(frozen=True)
class NavCount:
    name: str
    queryset: Callable[[User], QuerySet]
    roles: frozenset[str] | None  # None: every signed-in user


_REGISTRY: dict[str, NavCount] = {}


def register(name: str, queryset: Callable[[User], QuerySet], *, roles: Iterable[str] | None = None) -> None:
    """Declare a count; registering a name again replaces it (``ready()`` may run twice in tests)."""
    _REGISTRY[name] = NavCount(name, queryset, frozenset(roles) if roles is not None else None)


register("unread", lambda user: Notification.objects.unread_for(user))


def _count(queryset: QuerySet) -> Subquery:
    # COUNT as a plain function, not an aggregate: no GROUP BY, one scalar row per subquery. COUNT(*), not
    # COUNT(id): rows are counted from an index on the filtered columns alone (an index-only scan).
    rows = queryset.order_by().annotate(n=Func(template="COUNT(*)", output_field=models.IntegerField()))
    return Subquery(rows.values("n")[:1], output_field=models.IntegerField())


def count_querysets(user, querysets: dict[str, QuerySet]) -> dict[str, int]:
    """``{name: number of rows}`` of several querysets, in one query (none at all when empty)."""
    if not querysets:
        return {}
    wanted = {name: _count(queryset) for name, queryset in querysets.items()}
    try:
        row = User.objects.filter(pk=user.pk).annotate(**wanted).values(*wanted).first()
    except DatabaseError:  # the 500 page must render even when the database is the problem
        return dict.fromkeys(wanted, 0)
    return {name: value or 0 for name, value in (row or {}).items()}


def counts_for(user) -> dict[str, int]:
    """The navigation counts that apply to ``user``'s role, by name; {} for anonymous visitors."""
    if user is None or not user.is_authenticated:
        return {}
    return count_querysets(
        user,
        {
            entry.name: entry.queryset(user)
            for entry in _REGISTRY.values()
            if entry.roles is None or user_has_role(user, entry.roles)
        },
    )
