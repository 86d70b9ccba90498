"""Writing audit rows. Every state change and back-office edit calls :func:`audit_record`."""

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from portal.context import current_ip
from portal.models import AuditLog


def _jsonable(data: dict[str, Any] | None) -> dict[str, Any]:
    import json

    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder, ensure_ascii=False, default=str))


def audit_record(
    *, actor, action: str, target: models.Model | None = None, data: dict[str, Any] | None = None
) -> AuditLog:
    """Append one audit row. ``action`` is dotted: ``app.model.event``."""
    return AuditLog.objects.create(
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        ip=current_ip.get(),
        data=_jsonable(data),
    )
