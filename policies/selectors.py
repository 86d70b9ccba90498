"""Reads of the policies app (DESIGN.md rule 2): policy lists, compiled rules, matching."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, StringAgg, Subquery, Value
from django.utils import timezone

from portal.models import Enterprise, EnterpriseCertification, Region

from .catalogue import PolicyCard, catalogue_key_annotation, current_catalogue
from .choices import PolicyMode
from .facts import Facts
from .models import CONDITION_KEYS, Condition, Entitlement, Policy, rules_text
from .rules import (
    ELIGIBLE,
    NEAR,
    UNKNOWN,
    Alternative,
    CompiledPolicy,
    PolicyMatch,
    compile_alternative,
    evaluate_policy,
    policy_status,
    positions_by_group_status,
)


def today() -> dt.date:
    return timezone.localdate()


def policy_queryset(*, user) -> QuerySet[Policy]:
    """Policies the user may see (published for everyone; staff also drafts and expired ones)."""
    return Policy.objects.visible_to(user).select_related("department", "region")


def policy_get(*, user, pk: int) -> Policy:
    return Policy.objects.visible_to(user).select_related("department", "region").get(pk=pk)


def compile_policies(policy_rows: list[dict], condition_rows=None) -> list[CompiledPolicy]:
    """Policies ready to evaluate, from ``values()`` rows with their ``rules`` (or from condition rows)."""
    if condition_rows is not None:
        by_policy: dict[int, list] = defaultdict(list)
        for row in condition_rows:
            by_policy[row["policy_id"]].append([row[name] for name in CONDITION_KEYS])
        policy_rows = [{**row, "rules": rules_text(by_policy.get(row["id"], []))} for row in policy_rows]
    seen: dict[str, Alternative] = {}  # identical conditions (高企 bands in every city) are parsed once per call
    compiled = []
    groups_seen: dict[str, tuple] = {}  # identical rule sets (one template, many cities) compile once
    group_pool: dict[tuple, tuple] = {}  # by the identities of the (interned) alternatives
    for row in policy_rows:
        groups = groups_seen.get(row["rules"])
        if groups is not None:
            compiled.append(
                CompiledPolicy(row["id"], row["region__code"], groups, row["title"], row["mode"], row["benefit_amount"])
            )
            continue
        by_group: dict[str, list] = {}  # lines come ordered by group (see rules_text callers)
        for line in row["rules"].split("\n"):
            if not line:
                continue
            group, _sep, body = line.partition("|")
            alternative = seen.get(body)
            if alternative is None:
                alternative = seen[body] = compile_alternative(
                    dict(zip(CONDITION_KEYS[1:], body.split("|"), strict=True))
                )
            by_group.setdefault(group, []).append(alternative)
        # groups of the same alternatives (成立满 1 年, the 高企 bands) are one object: matching evaluates each
        # once per enterprise
        groups = groups_seen[row["rules"]] = tuple(
            group_pool.setdefault(tuple(map(id, alts)), tuple(alts)) for alts in by_group.values()
        )
        compiled.append(
            CompiledPolicy(
                id=row["id"],
                region_code=row["region__code"],
                groups=groups,
                title=row["title"],
                mode=row["mode"],
                benefit_amount=row["benefit_amount"],
            )
        )
    return compiled


CONDITION_FIELDS = ("policy_id", *CONDITION_KEYS)


def compiled_policy(policy: Policy) -> CompiledPolicy:
    """One policy, from its condition rows (the source, whatever ``rules`` says)."""
    rows = Condition.objects.filter(policy=policy).order_by("group", "id").values(*CONDITION_FIELDS)
    return compile_policies(
        [
            {
                "id": policy.pk,
                "region__code": policy.region.code,
                "title": policy.title,
                "mode": policy.mode,
                "benefit_amount": policy.benefit_amount,
            }
        ],
        rows,
    )[0]


@dataclass
class MatchResult:
    """Matching of one set of facts against every open published policy."""

    eligible: list[tuple[PolicyCard, PolicyMatch]] = field(default_factory=list)
    near: list[tuple[PolicyCard, PolicyMatch]] = field(default_factory=list)
    unknown: list[tuple[PolicyCard, PolicyMatch]] = field(default_factory=list)
    not_applicable_count: int = 0


def match_facts(facts: Facts, *, mode: str | None = None, catalogue_key: str | None = None) -> MatchResult:
    """Every open published policy against one set of facts, from the process's compiled catalogue (see
    :mod:`policies.catalogue`: one aggregate query while it is current, one read after a change).

    Policies whose region does not contain the enterprise's are counted as not applicable without being
    looked at (a region includes its children: the enterprise's ancestor codes are the scope keys). The
    others are sorted group by group (:func:`policies.rules.positions_by_group_status`: each group in
    scope evaluated once, without words); only the near and unknown ones are then put into words.
    """
    day = facts.today
    catalogue = current_catalogue(catalogue_key)
    total = catalogue.open_count(day, mode)
    result = MatchResult()
    memo: dict = {}  # check and group results for these facts, shared by the policies that share them
    chain = facts.region_chain
    # each group in scope evaluated once; the policies' statuses follow from sets of positions
    unmet, unknown, closable = positions_by_group_status(catalogue.groups_in_scope(chain), facts, memo)
    for position, entry in catalogue.candidates(chain, day, mode):
        if position in unmet:
            continue
        policy = entry.policy
        status = UNKNOWN if not chain or position in unknown else NEAR if position in closable else ELIGIBLE
        if status == ELIGIBLE:
            match = PolicyMatch(policy.id, ELIGIBLE)
        else:  # the gaps in words, or the missing facts
            match = evaluate_policy(policy, facts, detail=status == NEAR, memo=memo)
        getattr(result, status).append((entry.card, match))
    result.not_applicable_count = total - len(result.eligible) - len(result.near) - len(result.unknown)

    def by_benefit(pair):
        policy, match = pair
        return (-(policy.benefit_amount or 0), len(match.unmet) + len(match.missing), policy.title)

    for bucket in (result.eligible, result.near, result.unknown):
        bucket.sort(key=by_benefit)
    return result


def facts_for_enterprise(enterprise: Enterprise, *, day: dt.date | None = None) -> Facts:
    return Facts.from_enterprise(enterprise, today=day or today(), certifications=held_certifications(enterprise))


def held_certifications(enterprise: Enterprise) -> list[str] | None:
    """The codes read along with the enterprise by :func:`enterprise_for_matching`; else None (the caller
    reads its ``certifications``)."""
    if not hasattr(enterprise, "held_certifications"):
        return None
    held = enterprise.held_certifications
    return held.split(",") if held else []


def enterprise_for_matching(*, user, pk: int) -> Enterprise:
    """The enterprise with all a match needs, in one query (a match is one round trip while the catalogue is
    current): its region chain (joined), its certification codes (``held_certifications``, comma-separated,
    None for none) and the catalogue's key (``catalogue_key``, see :func:`current_catalogue`)."""
    return (
        Enterprise.objects.visible_to(user)
        .select_related("region__parent__parent__parent")
        .annotate(**_matching_annotations())
        .get(pk=pk)
    )


@functools.cache  # built once per process (each query resolves its own copy)
def _matching_annotations() -> dict:
    codes = (
        EnterpriseCertification.objects.filter(enterprise=OuterRef("pk"))
        .order_by()
        .values("enterprise")
        .annotate(codes=StringAgg("code", Value(",")))
        .values("codes")
    )
    return {"held_certifications": Subquery(codes), **catalogue_key_annotation()}


def region_by_code(code: str) -> Region | None:
    return Region.objects.select_related("parent__parent__parent").filter(code=code).first()


def facts_from_profile(profile: dict, *, base: Facts | None = None, day: dt.date | None = None) -> Facts:
    """Facts of a what-if: ``profile`` (validated, see forms/serializers) over ``base`` (an enterprise's
    facts or nothing). A key given as None clears it (unknown). Reads only; writes nothing."""
    facts = Facts(today=day or today()) if base is None else Facts(**{**base.__dict__})
    for key, value in profile.items():
        if key == "region":
            region = value if isinstance(value, Region) else (region_by_code(value) if value else None)
            facts.region = region.code if region else None
            facts.region_chain = tuple(region.ancestor_codes()) if region else ()
            facts.region_name = region.full_name if region else ""
        elif key == "certifications":
            facts.certifications = None if value is None else frozenset(value)
        elif hasattr(facts, key) and key not in {"today", "region_chain", "region_name"}:
            setattr(facts, key, value if value != "" else None)
    return facts


def entitlement_list(*, user, filters: dict | None = None) -> QuerySet[Entitlement]:
    qs = Entitlement.objects.visible_to(user).select_related("policy", "enterprise", "decided_by")
    status = (filters or {}).get("status")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


SCAN_LIMIT = 2000
# The staff view counts each status exactly up to this many enterprises and says "more than" beyond:
# ``COUNT(*) FROM (… LIMIT n + 1)`` stops once it has found that many, so a big status costs what it
# shows, not the region's enterprises (at 1M an exact count read and evaluated every row: seconds
# per status, docs/performance.md). A status with fewer enterprises is still counted to the end.
COUNT_LIMIT = 1000


def policy_enterprise_matches(*, policy: Policy, limit: int = 200) -> dict:
    """Staff view of one policy: the enterprises that qualify, nearly qualify and lack data — each counted
    in SQL through the translation the 免申即享 push uses (:func:`policies.sql.status_qs`) up to
    ``COUNT_LIMIT`` (``counts[status] > count_limit`` means "more than ``count_limit``"), the first
    ``limit`` of each listed by name with its gaps or missing facts in words. When a condition has no
    translation the lists come from evaluating the first ``SCAN_LIMIT`` enterprises of the region by name
    in Python, and nothing is counted."""
    from .sql import RegionIndex, status_qs

    compiled = compiled_policy(policy)
    day = today()
    regions = RegionIndex()
    out: dict = {
        ELIGIBLE: [],
        NEAR: [],
        UNKNOWN: [],
        "counts": None,
        "count_limit": COUNT_LIMIT,
        "scanned": 0,
        "limit": limit,
    }
    qs = status_qs(compiled, day=day, region_ids=regions)
    if qs is not None:
        out["counts"] = {}
        for status in (ELIGIBLE, NEAR, UNKNOWN):
            found = Enterprise.objects.filter(qs[status])
            out["counts"][status] = found.values("pk")[: COUNT_LIMIT + 1].count()
            listed = found.select_related("region__parent__parent__parent").order_by("name")
            if status != ELIGIBLE:
                listed = listed.prefetch_related("certifications")
            for enterprise in listed[:limit]:
                if status == ELIGIBLE:
                    out[status].append((enterprise, PolicyMatch(policy.pk, ELIGIBLE)))
                    continue
                match = evaluate_policy(compiled, facts_for_enterprise(enterprise, day=day), detail=status == NEAR)
                if match.status == status:  # the SQL and the evaluator agree (tested); never show a wrong row
                    out[status].append((enterprise, match))
        return out
    scanned = (
        Enterprise.objects.filter(region_id__in=regions(compiled.region_code))
        .select_related("region__parent__parent__parent")
        .prefetch_related("certifications")
        .order_by("name")[:SCAN_LIMIT]
    )
    for enterprise in scanned:
        out["scanned"] += 1
        facts = facts_for_enterprise(enterprise, day=day)
        status = policy_status(compiled, facts)
        if status in {ELIGIBLE, NEAR, UNKNOWN} and len(out[status]) < limit:
            out[status].append((enterprise, evaluate_policy(compiled, facts, detail=status == NEAR)))
    return out


def exempt_policies_compiled(day: dt.date) -> list[CompiledPolicy]:
    """The open published 免申即享 policies, compiled (from the process's catalogue)."""
    return [
        entry.policy
        for entry in current_catalogue().entries
        if entry.policy.mode == PolicyMode.EXEMPT and entry.is_open(day)
    ]


def match_for(*, user, enterprise_id: int | None = None, profile: dict | None = None) -> tuple[MatchResult, Facts]:
    """Match an enterprise (must be visible to ``user``: else Enterprise.DoesNotExist → 404), a what-if
    profile, or an enterprise's facts overridden by a profile. Reads only."""
    base = key = None
    if enterprise_id is not None:
        enterprise = enterprise_for_matching(user=user, pk=enterprise_id)
        base, key = facts_for_enterprise(enterprise), enterprise.catalogue_key
    facts = facts_from_profile(profile or {}, base=base)
    return match_facts(facts, catalogue_key=key), facts
