"""Writing and checking audit rows. Every state change and back-office edit calls :func:`audit_record`.

Rows are hash-chained (each row's ``hash`` covers its content and the previous row's hash). Appending
is serialised so that concurrent writers keep one chain: on PostgreSQL a transaction-scoped advisory
lock, held until the writer's transaction ends (the next writer must see this row to link to it); on
SQLite writes are serialised by the database already (IMMEDIATE transactions).
"""

import datetime as dt
import hashlib
import ipaddress
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from portal.context import current_ip
from portal.models import AuditAnchor, AuditLog

GENESIS = "0" * 64
# pg_advisory_xact_lock key of the audit chain ("audit" in ASCII).
CHAIN_LOCK_KEY = 0x6175646974


def _jsonable(data: dict[str, Any] | None) -> dict[str, Any]:
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder, ensure_ascii=False, default=str))


def _canonical(value):
    """JSON values as both databases give them back: an integral float is its integer (jsonb prints
    1e20 as an integer), keys sorted when dumped."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def _normalise_ip(ip: str | None) -> str | None:
    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return None


def row_hash(*, prev_hash: str, actor_id, action, target_type, target_id, target_repr, at, ip, data) -> str:
    """The SHA-256 of one row's content and the previous row's hash (what ``audit_verify`` recomputes)."""
    payload = [
        prev_hash,
        actor_id,
        action,
        target_type,
        target_id,
        target_repr,
        at.astimezone(dt.UTC).isoformat(),
        str(ip) if ip else "",
        _canonical(data),
    ]
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _chain_head() -> str:
    last = AuditLog.objects.order_by("-id").values_list("hash", flat=True).first()
    if last is not None:
        return last
    anchor = AuditAnchor.objects.order_by("-last_id").values_list("last_hash", flat=True).first()
    return anchor or GENESIS


def audit_record(
    *, actor, action: str, target: models.Model | None = None, data: dict[str, Any] | None = None
) -> AuditLog:
    """Append one audit row. ``action`` is dotted: ``app.model.event``."""
    row = AuditLog(
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        at=timezone.now(),
        ip=_normalise_ip(current_ip.get()),
        data=_jsonable(data),
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        row.prev_hash = _chain_head()
        row.hash = row_hash(
            prev_hash=row.prev_hash,
            actor_id=row.actor_id,
            action=row.action,
            target_type=row.target_type,
            target_id=row.target_id,
            target_repr=row.target_repr,
            at=row.at,
            ip=row.ip,
            data=row.data,
        )
        row.save()
    return row


@dataclass
class ChainReport:
    checked: int = 0
    anchor: AuditAnchor | None = None
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


CHAIN_FIELDS = ("id", "prev_hash", "hash", "actor_id", "action", "target_type", "target_id", "target_repr", "at")


def audit_verify(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the chain from the latest purge anchor (or the start) and name every row that was edited,
    or that follows a removed or edited row."""
    report = ChainReport(anchor=AuditAnchor.objects.order_by("-last_id").first())
    expected_prev = report.anchor.last_hash if report.anchor else GENESIS
    previous_id = report.anchor.last_id if report.anchor else None
    rows = AuditLog.objects.order_by("id").values(*CHAIN_FIELDS, "ip", "data")
    if report.anchor:
        rows = rows.filter(id__gt=report.anchor.last_id)
    for row in rows.iterator(chunk_size=chunk_size):
        report.checked += 1
        if row["prev_hash"] != expected_prev:
            where = f"after row {previous_id}" if previous_id is not None else "before it"
            report.problems.append(
                (row["id"], f"does not follow the row before it: a row {where} was removed or edited")
            )
        content = {k: row[k] for k in CHAIN_FIELDS if k not in ("id", "hash")} | {"ip": row["ip"], "data": row["data"]}
        if row["hash"] != row_hash(**content):
            report.problems.append((row["id"], "its content does not match its hash: the row was changed"))
        expected_prev, previous_id = row["hash"], row["id"]
    return report
