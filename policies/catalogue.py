"""The published catalogue as matching reads it, compiled once and kept by each process.

Matching runs on every calculator visit and every ``/api/v1/policies/match/`` call and reads every open
published policy (2,000 in the benchmark); the catalogue changes a few times a day. Reading and compiling
it per request cost about two thirds of a match, and its garbage (tens of thousands of short-lived objects)
set off the slow full collections behind the p95. So each process keeps the compiled catalogue — the
rules, the display fields, the names of departments and regions — and checks per request, with one
aggregate query, that it is still the one in the database:

    (number of published policies, sum of their ids, sum of their revision counters, latest update)

(one text value). A match for an enterprise reads the key as a scalar subquery of the enterprise's own
query (``catalogue_key_annotation``), so a match is one round trip while the copy is current.

Every change an administrator can make moves that key: creating or deleting a policy changes the number
and the sum of ids; publishing and expiring change the published set and the revision counter; editing
(actions, admin) saves the row and so moves ``updated_at``; replacing conditions refreshes ``rules`` and
``updated_at`` together (``actions.policy_rules_refresh``). Within a process, saving or deleting a policy,
condition, department or region also drops the copy at once (signals below). What the key cannot see —
a department or region renamed in another process, a row edited by hand in SQL — is picked up when the
copy ages out (``POLICY_CATALOGUE_MAX_AGE`` seconds, 300 by default).

The key is read before the rows, so a copy is never stored under a key newer than its content. Compiled
objects are shared between requests and threads and never changed after the build; wording that depends on
the language is cached per language (see ``rules.Alternative``).
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.db import connection
from django.db.models import CharField, Count, Max, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal.models import Department, Region

from .choices import PolicyMode
from .models import GUIDE_FIELDS, Condition, Policy
from .rules import CompiledPolicy

# What matching needs of a policy (compiled) and what a result shows of it (the card).
RULE_FIELDS = ("id", "region__code", "title", "mode", "benefit_amount", "rules")
CARD_FIELDS = (
    "id",
    "title",
    "doc_number",
    "mode",
    "benefit",
    "benefit_amount",
    "board",
    "apply_from",
    "apply_to",
    *GUIDE_FIELDS,
    "department_id",
    "department__code",
    "department__name",
    "region__code",
    "region__name",
)


class PolicyCard:
    """A published policy as a matching result shows it (read-only; shared between requests)."""

    def __init__(self, row: dict):
        self.__dict__.update(row)
        self.pk = row["id"]
        self.department = SimpleNamespace(
            id=row["department_id"], code=row["department__code"], name=row["department__name"]
        )
        self.region = SimpleNamespace(code=row["region__code"], name=row["region__name"])

    def get_mode_display(self) -> str:
        return str(PolicyMode(self.mode).label)

    def __str__(self) -> str:
        return self.title


@dataclass(frozen=True)
class Entry:
    policy: CompiledPolicy
    card: PolicyCard

    def is_open(self, day: dt.date) -> bool:
        apply_to = self.card.apply_to
        return apply_to is None or apply_to >= day


@dataclass(frozen=True)
class Catalogue:
    key: str
    built: float  # time.monotonic() of the build
    entries: tuple[Entry, ...]
    by_region: dict[str, tuple[Entry, ...]]
    # per region code: each group its policies hold, with the positions (in ``entries``) of those policies
    groups_by_region: dict[str, tuple[tuple[tuple, frozenset[int]], ...]] = field(default_factory=dict)
    _open_counts: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _candidates: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def candidates(self, region_chain, day: dt.date, mode: str | None = None) -> tuple[tuple[int, Entry], ...]:
        """(position, entry) of the entries in scope (see :meth:`in_scope`) open on ``day`` (of ``mode`` when
        given), in scope order; kept per region chain, day and mode while this copy lives."""
        key = (tuple(region_chain), day, mode)
        found = self._candidates.get(key)
        if found is None:
            position = {id(entry): i for i, entry in enumerate(self.entries)}
            found = self._candidates[key] = tuple(
                (position[id(entry)], entry)
                for entry in self.in_scope(region_chain)
                if entry.is_open(day) and (not mode or entry.policy.mode == mode)
            )
        return found

    def groups_in_scope(self, region_chain) -> list[tuple[tuple, frozenset[int]]]:
        """The groups held by the policies in scope, each with the positions of the policies holding it (a
        group held in several regions of the chain comes once per region)."""
        codes = region_chain or self.groups_by_region
        out: list = []
        for code in codes:
            out.extend(self.groups_by_region.get(code, ()))
        return out

    def open_count(self, day: dt.date, mode: str | None = None) -> int:
        """How many entries are open on ``day`` (of ``mode`` when given); counted once per day and mode."""
        key = (day, mode)
        count = self._open_counts.get(key)
        if count is None:
            count = self._open_counts[key] = sum(
                1 for entry in self.entries if entry.is_open(day) and (not mode or entry.policy.mode == mode)
            )
        return count

    def in_scope(self, region_chain) -> list[Entry]:
        """The entries whose region contains the enterprise's (a region includes its children); every
        entry when the region is unknown."""
        if not region_chain:
            return list(self.entries)
        out: list[Entry] = []
        for code in region_chain:
            out.extend(self.by_region.get(code, ()))
        return out


_lock = threading.Lock()
_current: Catalogue | None = None


KEY_ANNOTATION = "catalogue_key"


def _key_expression() -> Concat:
    """The key, written as one text value ("n|ids|versions|last"): compared, never parsed."""
    parts = [Count("id"), Sum("id"), Sum("version"), Max("updated_at")]
    pieces: list = []
    for part in parts:
        pieces += [Cast(part, CharField()), Value("|")]
    return Concat(*pieces[:-1], output_field=CharField())


@functools.cache
def _key_sql() -> tuple[str, tuple]:
    """The key's SELECT, compiled once per process: compiling the expression cost a match more CPU than the
    database spends running it."""
    published = Policy.objects.published().order_by().annotate(_one=Value(1)).values("_one")
    return published.annotate(key=_key_expression()).values("key").query.sql_with_params()


def catalogue_key() -> str:
    sql, params = _key_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else ""


@functools.cache  # built once per process (each query resolves its own copy): it is on every match's path
def catalogue_key_annotation() -> dict:
    """The same key as a scalar subquery (the same SQL), for a query that reads it along with its own row (a
    match reads the enterprise and the key in one round trip: see ``selectors.enterprise_for_matching``);
    the row then carries it as ``catalogue_key``."""
    sql, params = _key_sql()
    # the SQL is the ORM's own compilation of the queryset above, its parameters bound: nothing typed in
    return {KEY_ANNOTATION: RawSQL(sql, params, output_field=CharField())}  # noqa: S611


def _build(key: str) -> Catalogue:
    from .selectors import compile_policies  # selectors imports this module

    fields = list(dict.fromkeys((*RULE_FIELDS, *CARD_FIELDS)))
    rows = list(Policy.objects.published().order_by("id").values(*fields))
    compiled = compile_policies(rows)
    entries = tuple(
        Entry(policy, PolicyCard({name: row[name] for name in CARD_FIELDS}))
        for policy, row in zip(compiled, rows, strict=True)
    )
    by_region: dict[str, list[Entry]] = {}
    holders: dict[str, dict[int, tuple[tuple, set[int]]]] = {}  # region code → id(group) → (group, positions)
    for position, entry in enumerate(entries):
        code = entry.policy.region_code
        by_region.setdefault(code, []).append(entry)
        for group in entry.policy.groups:  # groups are interned (compile_policies): one key per group
            holders.setdefault(code, {}).setdefault(id(group), (group, set()))[1].add(position)
    return Catalogue(
        key=key,
        built=time.monotonic(),
        entries=entries,
        by_region={code: tuple(items) for code, items in by_region.items()},
        groups_by_region={
            code: tuple((group, frozenset(positions)) for group, positions in groups.values())
            for code, groups in holders.items()
        },
    )


def current_catalogue(key: str | None = None) -> Catalogue:
    """The compiled published catalogue: one aggregate query (none when the caller read the ``key`` along
    with its own row), plus one read when it has changed."""
    global _current
    key = catalogue_key() if key is None else key
    max_age = settings.POLICY_CATALOGUE_MAX_AGE
    snapshot = _current
    if snapshot is not None and snapshot.key == key and time.monotonic() - snapshot.built < max_age:
        return snapshot
    with _lock:  # one build per change, however many requests arrive meanwhile
        snapshot = _current
        if snapshot is not None and snapshot.key == key and time.monotonic() - snapshot.built < max_age:
            return snapshot
        snapshot = _build(key)
        _current = snapshot
        return snapshot


def catalogue_clear() -> None:
    global _current
    _current = None


@receiver(post_save, sender=Policy, dispatch_uid="policies.catalogue.policy_saved")
@receiver(post_delete, sender=Policy, dispatch_uid="policies.catalogue.policy_deleted")
@receiver(post_save, sender=Condition, dispatch_uid="policies.catalogue.condition_saved")
@receiver(post_delete, sender=Condition, dispatch_uid="policies.catalogue.condition_deleted")
@receiver(post_save, sender=Department, dispatch_uid="policies.catalogue.department_saved")
@receiver(post_save, sender=Region, dispatch_uid="policies.catalogue.region_saved")
def _drop_catalogue(sender, **kwargs) -> None:
    catalogue_clear()
