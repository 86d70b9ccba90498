"""Keyset (seek) pagination of the problem lists, for the pages and the API alike.

A page is "the next 20 rows after this row in the list's order", found with ``WHERE (sort key, id) >
(the last row's values)`` and ``LIMIT 21``, so page 500 costs what page 1 costs: the database seeks in
the index instead of counting past 10,000 rows with OFFSET. A cursor carries the sort-key values of the
row a page starts after (or ends before), the direction and the page's number (for display only); it is
checked against the list's current order, so a cursor from another sort is refused, not misread.

The total is counted only up to ``COUNT_LIMIT`` rows (``SELECT COUNT(*) FROM (… LIMIT 1001)``): exact
for small lists, "more than 1,000" for big ones, never a count of the whole table.

The order comes from the queryset itself (``order_by`` or the model's ``Meta.ordering``); the primary
key is appended when missing, so ties in the sort key neither repeat nor skip a row. Nullable keys are
ordered with nulls last in both databases (SQLite puts them first by default).
"""

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F, OrderBy, Q, QuerySet, Value
from django.db.models.functions import Coalesce

PAGE_SIZE = 20
COUNT_LIMIT = 1000


class BadCursor(ValueError):
    """A cursor that is not one of ours, or belongs to another order of the list."""


@dataclass(frozen=True)
class SortKey:
    name: str  # a concrete field of the model or an annotation of the queryset
    descending: bool
    nullable: bool
    output_field: Any = field(compare=False)

    def order(self, *, reverse: bool = False):
        descending = self.descending != reverse
        expression = F(self.name)
        if not self.nullable:
            return expression.desc() if descending else expression.asc()
        # nulls last when reading forwards, so first when reading backwards
        return OrderBy(
            expression, descending=descending, nulls_last=None if reverse else True, nulls_first=reverse or None
        )

    def to_json(self, value):
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        return value

    def from_json(self, raw):
        if raw is None:
            if not self.nullable:
                raise BadCursor("null value for a key that is never null")
            return None
        if not isinstance(raw, str | int) or isinstance(raw, bool):
            raise BadCursor("unexpected value type")
        try:
            value = self.output_field.to_python(raw)
        except (ValidationError, TypeError, ValueError, OverflowError) as exc:
            raise BadCursor(str(exc)) from exc
        if value is None or (isinstance(value, dt.datetime) and value.tzinfo is None):
            raise BadCursor("not a value of this key")
        if isinstance(value, int) and not -(2**63) < value < 2**63:
            raise BadCursor("integer out of range")
        if isinstance(value, dt.datetime):
            try:
                value.astimezone(dt.UTC)  # as the database adapter will
            except OverflowError as exc:
                raise BadCursor("datetime out of range") from exc
        return value


def _expression_never_null(expression) -> bool:
    """COALESCE(…, <a constant>) is never NULL (the deadline order's key)."""
    if isinstance(expression, Coalesce):
        last = expression.get_source_expressions()[-1]
        return isinstance(last, Value) and last.value is not None
    return False


def sort_keys(queryset: QuerySet) -> list[SortKey]:
    """The queryset's order as keys, the primary key last (added if missing)."""
    query = queryset.query
    ordering = list(query.order_by) or (list(queryset.model._meta.ordering) if query.default_ordering else [])
    meta = queryset.model._meta
    pk_name = meta.pk.name
    keys = []
    for item in ordering:
        if isinstance(item, str):
            descending, name = item.startswith("-"), item.lstrip("-")
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            descending, name = item.descending, item.expression.name
        else:
            raise ValueError(f"keyset pagination cannot order by {item!r}")
        name = pk_name if name == "pk" else name
        if name in query.annotations:
            expression = query.annotations[name]
            keys.append(SortKey(name, descending, not _expression_never_null(expression), expression.output_field))
            continue
        try:
            model_field = meta.get_field(name)
        except FieldDoesNotExist:
            raise ValueError(f"keyset pagination cannot order by {name!r}") from None
        if not model_field.concrete or model_field.is_relation:
            raise ValueError(f"keyset pagination orders by columns of the row, not {name!r}")
        keys.append(SortKey(name, descending, model_field.null, model_field))
        if name == pk_name:
            break  # unique: anything after it never decides
    if not keys or keys[-1].name != pk_name:
        last_descending = keys[-1].descending if keys else False
        keys.append(SortKey(pk_name, last_descending, False, meta.pk))
    return keys


def _signature(keys: list[SortKey]) -> str:
    return ",".join(("-" if key.descending else "") + key.name for key in keys)


def _beyond(key: SortKey, value, *, forward: bool) -> Q | None:
    """Rows strictly after (forward) or before ``value`` for this key alone; None when there are none."""
    upward = key.descending != forward  # True when later rows hold greater values
    if value is None:  # nulls come last
        return None if forward else Q(**{f"{key.name}__isnull": False})
    condition = Q(**{f"{key.name}__{'gt' if upward else 'lt'}": value})
    if key.nullable and forward:
        condition |= Q(**{f"{key.name}__isnull": True})
    return condition


def _seek(keys: list[SortKey], values: list, *, forward: bool) -> Q:
    """(k1, k2, …) after/before (v1, v2, …) in the list's order, as OR of "equal so far, then beyond"."""
    branches = []
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        beyond = _beyond(key, value, forward=forward)
        if beyond is not None:
            branches.append(equal & beyond)
        equal &= Q(**{f"{key.name}__isnull": True}) if value is None else Q(**{key.name: value})
    condition = Q(pk__in=[])  # matches nothing
    for branch in branches:
        condition |= branch
    first, value = keys[0], values[0]
    if not first.nullable:
        # redundant, but a plain range on the leading key lets the database seek in its index
        upward = first.descending != forward
        condition &= Q(**{f"{first.name}__{'gte' if upward else 'lte'}": value})
    return condition


def encode_cursor(keys: list[SortKey], row, *, forward: bool, number: int) -> str:
    payload = {
        "o": _signature(keys),
        "v": [key.to_json(getattr(row, key.name)) for key in keys],
        "d": "n" if forward else "p",
        "n": number,
    }
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(keys: list[SortKey], token: str) -> tuple[list, bool, int]:
    """(values, forward, page number) of a cursor made for this order; BadCursor otherwise."""
    if not token or len(token) > 2000:
        raise BadCursor("empty or too long")
    try:
        payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadCursor("not a cursor") from exc
    if not isinstance(payload, dict) or payload.get("o") != _signature(keys) or payload.get("d") not in ("n", "p"):
        raise BadCursor("cursor of another list or order")
    raw_values, number = payload.get("v"), payload.get("n")
    if not isinstance(raw_values, list) or len(raw_values) != len(keys):
        raise BadCursor("wrong number of values")
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 10**9:
        raise BadCursor("bad page number")
    values = [key.from_json(raw) for key, raw in zip(keys, raw_values, strict=True)]
    return values, payload["d"] == "n", number


def bounded_count(queryset: QuerySet, limit: int) -> int | None:
    """The number of rows if at most ``limit``, else None; reads at most ``limit + 1`` rows."""
    found = queryset.order_by().values("pk")[: limit + 1].count()
    return found if found <= limit else None


@dataclass
class KeysetPage:
    """One page of a list; iterable like Django's Page."""

    object_list: list
    number: int
    has_next: bool
    has_previous: bool
    next_cursor: str | None
    previous_cursor: str | None
    count: int | None  # None: more than count_limit, or not counted
    count_limit: int
    page_size: int
    counted: bool = True  # False: the count was skipped (with_count=False)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def num_pages(self) -> int | None:
        if self.count is None:
            return None
        return max(1, -(-self.count // self.page_size))


def keyset_page(
    queryset: QuerySet,
    cursor: str | None = None,
    *,
    page_size: int = PAGE_SIZE,
    count_limit: int | None = None,
    with_count: bool = True,
) -> KeysetPage:
    """The page of ``queryset`` that ``cursor`` points at (the first page without one); BadCursor when
    the cursor is not valid for this list's order. ``with_count=False`` skips the bounded count (for
    filters that scan every row anyway, such as a text search): the count is then known only when the
    whole list fits on the first page."""
    keys = sort_keys(queryset)
    count_limit = count_limit or COUNT_LIMIT
    forward, number, values = True, 1, None
    if cursor:
        values, forward, number = decode_cursor(keys, cursor)
    count = bounded_count(queryset, count_limit) if with_count else None
    ordered = queryset.order_by(*(key.order(reverse=not forward) for key in keys))
    if values is not None:
        ordered = ordered.filter(_seek(keys, values, forward=forward))
    rows = list(ordered[: page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    if forward:
        has_next, has_previous = more, values is not None
    else:
        rows.reverse()
        has_next, has_previous = True, more
        if not more:  # reached the start: show a full first page rather than a short one
            rows = list(queryset.order_by(*(key.order() for key in keys))[: page_size + 1])
            has_next, number = len(rows) > page_size, 1
            rows = rows[:page_size]
    if not has_previous:
        number = 1
        if not has_next:  # the whole list is on this page: its length is the count, no query needed
            count = len(rows)
    if count is not None:
        number = min(number, max(1, -(-count // page_size)))
    return KeysetPage(
        object_list=rows,
        number=number,
        has_next=has_next,
        has_previous=has_previous,
        next_cursor=encode_cursor(keys, rows[-1], forward=True, number=number + 1) if has_next and rows else None,
        previous_cursor=(
            encode_cursor(keys, rows[0], forward=False, number=max(1, number - 1)) if has_previous and rows else None
        ),
        count=count,
        count_limit=count_limit,
        page_size=page_size,
        counted=with_count or count is not None,
    )


def cursor_at(queryset: QuerySet, offset: int) -> str | None:
    """The cursor of the page that starts at row ``offset`` (what following "next" reaches); None if the
    list is not that long. For benchmarks and tests, never for requests (it reads ``offset`` rows)."""
    keys = sort_keys(queryset)
    if offset <= 0:
        return None
    ordered = queryset.order_by(*(key.order() for key in keys))
    rows = list(ordered[offset - 1 : offset])
    if not rows:
        return None
    return encode_cursor(keys, rows[0], forward=True, number=offset // PAGE_SIZE + 1)
