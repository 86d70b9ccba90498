"""The shared transition mechanism (DESIGN.md rule 3 and 4).

An app declares its moves as a dict ``{event: (allowed_from_statuses, to_status)}`` and calls
:func:`apply_transition` from its one transition function. The row is changed with a conditional
``UPDATE … WHERE pk = … AND status = <what the caller saw>``, which works on SQLite and PostgreSQL
alike: of two people acting at once exactly one changes the row, the other gets
:class:`~portal.exceptions.ConcurrentUpdate`.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from portal.audit import audit_record
from portal.exceptions import ConcurrentUpdate, TransitionNotAllowed


def apply_transition(
    obj: models.Model,
    *,
    to_status: str,
    allowed_from: Iterable[str],
    actor,
    action: str,
    changes: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    status_field: str = "status",
    not_allowed_message: str | None = None,
) -> models.Model:
    """Move ``obj`` to ``to_status`` if its status is in ``allowed_from``; audit it; return it.

    Must run inside ``transaction.atomic()`` (the caller's action). ``changes`` are further fields
    saved in the same UPDATE. The in-memory object is updated to match.
    """
    current = getattr(obj, status_field)
    if current not in set(allowed_from):
        raise TransitionNotAllowed(not_allowed_message)
    values = {status_field: to_status, **(changes or {})}
    model = type(obj)
    if hasattr(obj, "version"):
        values["version"] = models.F("version") + 1
        expected = {"version": obj.version}
    else:
        expected = {}
    updated = model._default_manager.filter(pk=obj.pk, **{status_field: current}, **expected).update(**values)
    if updated != 1:
        raise ConcurrentUpdate()
    for field, value in values.items():
        if field == "version":
            obj.version += 1
        else:
            setattr(obj, field, value)
    audit_record(
        actor=actor,
        action=action,
        target=obj,
        data={"from": current, "to": to_status, **(data or {})},
    )
    return obj
