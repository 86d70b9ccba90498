"""Translating a policy's conditions into one SQL WHERE clause over ``portal_enterprise``.

Used by the 免申即享 push, which must find the qualifying enterprises among 100k without loading them.
Only *met* matters here: a missing fact (NULL) never qualifies, so every comparison is written so that NULL
falls out (no negation of a nullable column). Ratios become F-expression comparisons
(``rd_expense >= 0.05 * revenue AND revenue > 0``); certifications become EXISTS subqueries; a region
includes its children through the list of descendant region ids.

:func:`policy_q` returns None for a condition it cannot translate; the caller then evaluates the
candidates in Python (:mod:`policies.rules` stays the single definition of what a condition means).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q

from portal.models import EnterpriseCertification, Region

from .checks import HUNDRED, add_years
from .choices import Operator
from .facts import BOOL, CHOICE, CODES, FACTS, INDUSTRY, NUMBER, PROFILE_ONLY_INPUTS, RATIO, REGION, YEARS, Check
from .rules import CompiledPolicy

TRUE = Q(pk__isnull=False)  # an explicit "always": Q() is dropped from an OR, not true in it


def _numeric(lhs: str, op: str, value, value2, rhs_factor=None) -> Q:
    """``lhs op value`` or, for ratios, ``lhs op value% * rhs``."""

    def term(v):
        if rhs_factor is None:
            return v
        return F(rhs_factor) * (Decimal(v) / HUNDRED)

    if op == Operator.GTE:
        return Q(**{f"{lhs}__gte": term(value)})
    if op == Operator.GT:
        return Q(**{f"{lhs}__gt": term(value)})
    if op == Operator.LTE:
        return Q(**{f"{lhs}__lte": term(value)})
    if op == Operator.LT:
        return Q(**{f"{lhs}__lt": term(value)})
    if op == Operator.EQ:
        return Q(**{f"{lhs}__gte": term(value)}) & Q(**{f"{lhs}__lte": term(value)})
    if op == Operator.NE:
        return Q(**{f"{lhs}__lt": term(value)}) | Q(**{f"{lhs}__gt": term(value)})
    if op == Operator.BETWEEN:
        return Q(**{f"{lhs}__gte": term(value)}) & Q(**{f"{lhs}__lte": term(value2)})
    return Q(**{f"{lhs}__gt": term(value)}) & Q(**{f"{lhs}__lte": term(value2)})


def _years(op: str, low: int, high: int | None, day: dt.date) -> Q:
    """Company age via the founding date: "成立满 n 年" ⇔ established ≤ today − n years."""

    def back(n: int) -> dt.date:
        return add_years(day, -n)

    if op == Operator.GTE:
        return Q(established__lte=back(low))
    if op == Operator.GT:
        return Q(established__lt=back(low))
    if op == Operator.LTE:
        return Q(established__gte=back(low))
    if op == Operator.LT:
        return Q(established__gt=back(low))
    if op == Operator.EQ:
        return Q(established__lte=back(low), established__gt=back(low + 1))
    if op == Operator.NE:
        return Q(established__gt=back(low)) | Q(established__lte=back(low + 1))
    if op == Operator.BETWEEN:
        return Q(established__lte=back(low), established__gte=back(high))
    return Q(established__lt=back(low), established__gte=back(high))


def check_q(check: Check, *, day: dt.date, region_ids) -> Q | None:
    fact = FACTS[check.fact]
    op = check.operator
    if set(fact.inputs) & set(PROFILE_ONLY_INPUTS):
        return Q(pk__in=[])  # not on the record: unknown, so never met by a push
    if fact.kind == NUMBER:
        return _numeric(check.fact, op, check.value, check.value2)
    if fact.kind == RATIO:
        return _numeric(fact.numerator, op, check.value, check.value2, rhs_factor=fact.denominator) & Q(
            **{f"{fact.denominator}__gt": 0}
        )
    if fact.kind == YEARS:
        return _years(op, int(check.value), None if check.value2 is None else int(check.value2), day)
    if fact.kind == BOOL:
        if check.fact == "is_sme":
            q = Q(size_class__in=["medium", "small", "micro"])
            return q if op == Operator.IS_TRUE else Q(size_class="large")
        if check.fact == "has_export":
            return Q(export_revenue__gt=0) if op == Operator.IS_TRUE else Q(export_revenue__lte=0)
        return None
    values = list(check.value)
    if fact.kind == CHOICE:
        column = check.fact
        if op in {Operator.EQ, Operator.IN}:
            return Q(**{f"{column}__in": values})
        return ~Q(**{f"{column}__in": values}) & ~Q(**{column: ""})
    if fact.kind == CODES:
        held = Exists(EnterpriseCertification.objects.filter(enterprise=OuterRef("pk"), code__in=values))
        return Q(held) if op == Operator.IN else ~Q(held)
    if fact.kind == INDUSTRY:
        q = Q()
        for prefix in values:
            q |= Q(industry__startswith=prefix)
        return q if op == Operator.IN else ~q
    if fact.kind == REGION:
        ids = set()
        for code in values:
            ids.update(region_ids(code))
        return Q(region_id__in=sorted(ids)) if op == Operator.IN else ~Q(region_id__in=sorted(ids))
    return None


def policy_q(policy: CompiledPolicy, *, day: dt.date, region_ids) -> Q | None:
    """The whole policy as one Q (region scope AND every group, each an OR of its alternatives), or None
    when some condition has no translation. ``region_ids(code)`` → the region's and descendants' ids."""
    q = Q(region_id__in=region_ids(policy.region_code))
    for group in policy.groups:
        alternatives = Q()
        for alt in group:
            part = check_q(alt.check, day=day, region_ids=region_ids)
            if part is None:
                return None
            if alt.guard is not None:
                guard = check_q(alt.guard, day=day, region_ids=region_ids)
                if guard is None:
                    return None
                part = guard & part
            alternatives |= part
        q &= alternatives
    return q


def _met_or_closable_q(check: Check, *, day: dt.date, region_ids) -> Q | None:
    """Enterprises for which ``check`` is met or falls short by a gap they can close (see checks.py: a number
    or an age below a lower bound, a certification not held yet); a missing fact (NULL) is neither."""
    fact = FACTS[check.fact]
    op = check.operator
    if set(fact.inputs) & set(PROFILE_ONLY_INPUTS):
        return Q(pk__in=[])
    if not fact.closable:
        return check_q(check, day=day, region_ids=region_ids)
    if fact.kind == CODES:
        return TRUE if op == Operator.IN else check_q(check, day=day, region_ids=region_ids)
    if op not in {Operator.GTE, Operator.GT, Operator.BETWEEN, Operator.GT_LTE}:
        return check_q(check, day=day, region_ids=region_ids)  # no lower bound: only met counts
    upper = check.value2 if op in {Operator.BETWEEN, Operator.GT_LTE} else None
    if fact.kind == YEARS:
        if upper is None:
            return Q(established__isnull=False)
        return Q(established__gte=add_years(day, -int(upper)))  # not older than the upper bound
    if fact.kind == RATIO:
        present = Q(**{f"{fact.numerator}__isnull": False, f"{fact.denominator}__gt": 0})
        if upper is None:
            return present
        return present & _numeric(fact.numerator, Operator.LTE, upper, None, rhs_factor=fact.denominator)
    if fact.kind == NUMBER:
        if upper is None:
            return Q(**{f"{check.fact}__isnull": False})
        return Q(**{f"{check.fact}__lte": upper})
    return None


TEXT_INPUTS = {"industry", "size_class", "tax_credit_grade"}  # blank on the record = unknown
ALWAYS_KNOWN = {"region", "certifications"}  # an enterprise always has a region and a (maybe empty) set


def _known_q(inputs) -> Q:
    """Enterprises whose record has every one of ``inputs`` (else the evaluator says 信息不足)."""
    q = TRUE
    for name in inputs:
        if name in ALWAYS_KNOWN:
            continue
        if name in PROFILE_ONLY_INPUTS:
            return Q(pk__in=[])
        q &= Q(**{f"{name}__isnull": False})
        if name in TEXT_INPUTS:
            q &= ~Q(**{name: ""})
    return q


def _group_qs(group, *, day: dt.date, region_ids) -> tuple[Q, Q, Q] | None:
    """One group as three conditions over enterprises, mirroring ``rules._group_status``: *met* (an
    applicable alternative holds), *known* (no applicable alternative or guard lacks a fact) and
    *closable* (an applicable alternative, its facts known, falls short by a closable gap)."""
    met, closable, known = Q(pk__in=[]), Q(pk__in=[]), TRUE
    for alt in group:
        check_met = check_q(alt.check, day=day, region_ids=region_ids)
        check_closable = _met_or_closable_q(alt.check, day=day, region_ids=region_ids)
        if check_met is None or check_closable is None:
            return None
        check_known = _known_q(FACTS[alt.check.fact].inputs)
        if alt.guard is None:
            met |= check_met
            closable |= check_closable & check_known
            known &= check_known
            continue
        guard = check_q(alt.guard, day=day, region_ids=region_ids)
        if guard is None:
            return None
        guard_known = _known_q(FACTS[alt.guard.fact].inputs)
        met |= guard & check_met
        closable |= guard_known & guard & check_closable & check_known
        # not applicable (guard known and false), or applicable with the check's facts known
        known &= guard_known & (~guard | check_known)
    return met, known, closable


def status_qs(policy: CompiledPolicy, *, day: dt.date, region_ids) -> dict[str, Q] | None:
    """The enterprises the evaluator calls eligible (可享受), near (差一点) and unknown (信息不足) for this
    policy, as three WHERE clauses (tested against :func:`policies.rules.policy_status`); None when a
    condition has no translation. A group is unmet when it is not met, all its facts are known and no
    shortfall is closable; a policy is

    - near when no group is unmet or unknown and it is not eligible;
    - unknown when no group is unmet and some group is unknown (not met, a fact missing).
    """
    eligible = policy_q(policy, day=day, region_ids=region_ids)
    if eligible is None:
        return None
    scope = Q(region_id__in=region_ids(policy.region_code))
    near, not_unmet, some_unknown = scope, scope, Q(pk__in=[])
    for group in policy.groups:
        parts = _group_qs(group, day=day, region_ids=region_ids)
        if parts is None:
            return None
        met, known, closable = parts
        near &= met | (known & closable)
        not_unmet &= met | ~known | closable
        some_unknown |= ~met & ~known
    return {"eligible": eligible, "near": near & ~eligible, "unknown": not_unmet & some_unknown}


def near_q(policy: CompiledPolicy, *, day: dt.date, region_ids) -> Q | None:
    """Enterprises that nearly qualify (差一点); see :func:`status_qs`."""
    qs = status_qs(policy, day=day, region_ids=region_ids)
    return None if qs is None else qs["near"]


class RegionIndex:
    """Region code → ids of the region and its descendants, from one query (regions are few)."""

    def __init__(self):
        self.by_code: dict[str, int] = {}
        self.children: dict[int | None, list[int]] = {}
        for pk, code, parent in Region.objects.values_list("id", "code", "parent_id"):
            self.by_code[code] = pk
            self.children.setdefault(parent, []).append(pk)

    def __call__(self, code: str) -> list[int]:
        root = self.by_code.get(code)
        if root is None:
            return []
        out, todo = [], [root]
        while todo:
            node = todo.pop()
            out.append(node)
            todo.extend(self.children.get(node, []))
        return out
