"""Per-table row counts and checksums, computed the same way on PostgreSQL and SQLite.

A table's checksum is the sha256 of its column names followed by one canonical line per row, rows in
primary-key order (text keys compared byte-wise, so the database's collation does not matter). Each row
is read through the ORM (``values_list``, streamed in chunks), so both databases hand over the same
Python values, which are then written as JSON in one canonical form: aware datetimes in UTC, decimals
without trailing zeros, bytes in hex, JSON objects with sorted keys.
"""

import datetime
import hashlib
import json
import uuid
from decimal import Decimal

from django.apps import apps
from django.db import connections, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.functions import Collate

CHUNK_SIZE = 2000
_BYTEWISE_COLLATION = {"postgresql": "C", "sqlite": "BINARY"}


def backed_up_models(alias: str) -> list[type[models.Model]]:
    """Every concrete model whose table exists in the database, sorted by table name."""
    with connections[alias].cursor() as cursor:
        existing = set(connections[alias].introspection.table_names(cursor))
    found = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table not in existing:
            continue
        found.setdefault(meta.db_table, model)
    return [found[name] for name in sorted(found)]


def table_fingerprints(alias: str) -> dict[str, dict]:
    """``{table: {"rows": n, "sha256": hex}}`` for every backed-up model's table."""
    return {model._meta.db_table: fingerprint(model, alias) for model in backed_up_models(alias)}


def fingerprint(model: type[models.Model], alias: str) -> dict:
    meta = model._meta
    columns = [field.attname for field in meta.concrete_fields]
    digest = hashlib.sha256()
    digest.update(_line(columns))
    rows = 0
    queryset = model._base_manager.db_manager(alias).all()
    order = [_order_by(field, connections[alias].vendor) for field in meta.pk_fields]
    for row in queryset.order_by(*order).values_list(*columns).iterator(chunk_size=CHUNK_SIZE):
        digest.update(_line([_canonical(value) for value in row]))
        rows += 1
    return {"rows": rows, "sha256": digest.hexdigest()}


def applied_migrations(alias: str) -> dict[str, list[str]]:
    """The migration state: ``{app_label: [migration names, sorted]}``."""
    state: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        state.setdefault(app_label, []).append(name)
    return state


def code_migrations() -> dict[str, list[str]]:
    """The migrations this release's code has, in the same shape as :func:`applied_migrations`."""
    state: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationLoader(None, ignore_no_migrations=True).graph.nodes):
        state.setdefault(app_label, []).append(name)
    return state


def _order_by(field, vendor: str):
    target = field
    while target.is_relation:
        target = target.target_field
    if isinstance(target, (models.CharField, models.TextField)):
        return Collate(field.attname, _BYTEWISE_COLLATION[vendor])
    return field.attname


def _line(values: list) -> bytes:
    text = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return text.encode() + b"\n"


def _canonical(value):
    if value is None or isinstance(value, (bool, int, str, float)):
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value // datetime.timedelta(microseconds=1)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    return str(value)
