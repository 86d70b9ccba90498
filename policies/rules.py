"""The evaluator: a policy's conditions against an enterprise's facts, with the gap for each shortfall.

A policy's conditions are **all-of groups of any-of alternatives**. An alternative is one check, optionally
limited to a band by a *guard* ("研发费用占销售收入比例 ≥ 4%（年销售收入 > 5000 且 ≤ 20000 万元）"): where the
guard does not hold, the alternative does not apply. A group is

- met when any alternative is met;
- unknown when none is met and an applicable alternative (or a guard) lacks a fact;
- unmet otherwise; the shortfall is *closable* when one of the applicable alternatives is (a number to
  grow, an age to reach, a certification to obtain — never a region, an industry, a size class, a grade or
  an upper bound).

A policy is not applicable when its region scope excludes the enterprise or a group is unmet and not
closable; else unknown (信息不足) when a group is unknown; else near (差一点) when a group is unmet; else
eligible (可享受).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import get_language

from .checks import (
    ELIGIBLE,
    MET,
    NEAR,
    NOT_APPLICABLE,
    SKIP,
    UNKNOWN,
    UNMET,
    Outcome,
    check_status,
    evaluate_check,
)
from .facts import FACTS, Check, Facts
from .i18n import gettext_cached as _
from .wording import describe, describe_check


@dataclass(frozen=True)
class Alternative:
    """One alternative of a group. Compiled alternatives live as long as the process's catalogue (see
    :mod:`policies.catalogue`) and are shared by requests in every language: their wording is computed on
    first use and kept per language."""

    check: Check
    guard: Check | None = None
    _words: dict = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    @property
    def text(self) -> str:
        key = ("text", get_language())
        words = self._words.get(key)
        if words is None:
            words = self._words[key] = describe(self.check, self.guard)
        return words

    @property
    def check_text(self) -> str:
        key = ("check", get_language())
        words = self._words.get(key)
        if words is None:
            words = self._words[key] = describe_check(self.check)
        return words


@dataclass(frozen=True)
class CompiledPolicy:
    """A published policy reduced to what matching needs (see selectors.compile_policies)."""

    id: int
    region_code: str
    groups: tuple[tuple[Alternative, ...], ...]
    title: str = ""
    mode: str = ""
    benefit_amount: Decimal | None = None


@dataclass
class PolicyMatch:
    policy_id: int
    status: str
    unmet: list[Outcome] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def plan(self) -> str:
        """The gap as a plan: steps of one group joined by "或", groups by "；并且"."""
        groups: dict[int, list[str]] = {}
        for outcome in self.unmet:
            step = outcome.plan or outcome.message
            if step and step not in groups.setdefault(outcome.group, []):
                groups[outcome.group].append(step)
        return _("；并且").join(_("，或").join(steps) for steps in groups.values())

    @property
    def missing_labels(self) -> list[str]:
        from .facts import INPUT_LABELS

        return [str(INPUT_LABELS.get(name, name)) for name in self.missing]


# --- Groups and policies -----------------------------------------------------------------------------


def _status(check: Check, facts: Facts, memo: dict | None) -> tuple:
    if memo is None:
        return check_status(check, facts)
    result = memo.get(id(check))
    if result is None:
        result = memo[id(check)] = check_status(check, facts)
    return result


def evaluate_alternative(
    alt: Alternative, facts: Facts, *, region_names=None, detail: bool = True, memo: dict | None = None
) -> Outcome:
    """``memo`` (one dict per set of facts, see :func:`policy_status`) also keeps worded outcomes by
    check identity; a copy is returned, since the caller stamps the group and the text on it."""
    if alt.guard is not None:
        status, _closable, missing = _status(alt.guard, facts, memo)
        if status == UNKNOWN:
            also = [name for name in facts.missing(FACTS[alt.check.fact].inputs) if name not in missing]
            return Outcome(UNKNOWN, text="", fact=alt.check.fact, missing=missing + also)
        if status == UNMET:
            return Outcome(SKIP, text="", fact=alt.check.fact)
    if not detail:
        status, closable, missing = _status(alt.check, facts, memo)
        return Outcome(status, text="", fact=alt.check.fact, closable=closable, missing=missing)
    if memo is not None and region_names is None:
        key = ("words", id(alt.check))
        worded = memo.get(key)
        if worded is None:
            worded = memo[key] = evaluate_check(alt.check, facts, text=alt.check_text)
        outcome = copy.copy(worded)
    else:
        text = alt.check_text if region_names is None else None
        outcome = evaluate_check(alt.check, facts, region_names=region_names, text=text)
    if alt.guard is not None and outcome.status != MET:
        outcome.text = alt.text
    return outcome


def evaluate_group(
    alternatives, facts: Facts, *, region_names=None, detail: bool = True, memo: dict | None = None
) -> tuple[str, list[Outcome]]:
    """(status, outcomes that explain it): met / unknown (missing) / unmet closable / unmet."""
    outcomes = []
    for alt in alternatives:
        outcome = evaluate_alternative(alt, facts, region_names=region_names, detail=detail, memo=memo)
        if outcome.status == MET:
            return MET, [outcome]
        if outcome.status != SKIP:
            outcomes.append(outcome)
    unknown = [o for o in outcomes if o.status == UNKNOWN]
    if unknown:
        return UNKNOWN, unknown
    if not outcomes:  # no band applies to this enterprise
        message = _("不在任何适用区间内") if detail else ""
        return UNMET, [Outcome(UNMET, text=alternatives[0].text if detail else "", message=message)]
    closable = [o for o in outcomes if o.closable]
    if closable:
        return "closable", closable
    return UNMET, outcomes


def evaluate_policy(
    policy: CompiledPolicy, facts: Facts, *, region_names=None, detail: bool = True, memo: dict | None = None
) -> PolicyMatch:
    """The policy's status for these facts; with ``detail`` (the default) every shortfall in words."""
    scope = UNKNOWN if not facts.region_chain else MET if policy.region_code in facts.region_chain else UNMET
    if scope == UNMET:
        return PolicyMatch(policy.id, NOT_APPLICABLE, reasons=[_("不在政策适用区域内")] if detail else [])
    missing: list[str] = ["region"] if scope == UNKNOWN else []
    unmet: list[Outcome] = []
    memo = {} if memo is None else memo
    for number, group in enumerate(policy.groups, start=1):
        status = memo.get(id(group))  # matching has sorted every group in scope already
        if (status or _group_status(group, facts, memo)) == MET:
            continue
        # only shortfalls are put into words; policies sharing a group (compile_policies interns them) at
        # the same position share its outcomes, which nobody changes once stamped
        key = ("outcomes", id(group), number, detail) if region_names is None else None
        found = memo.get(key) if key is not None else None
        if found is None:
            status, outcomes = evaluate_group(group, facts, region_names=region_names, detail=detail, memo=memo)
            names: list[str] = []  # the group's missing facts, each once, in order
            for outcome in outcomes:
                outcome.group = number
                if status == UNKNOWN:
                    names.extend(name for name in outcome.missing if name not in names)
            found = (status, outcomes, names)
            if key is not None:
                memo[key] = found
        status, outcomes, names = found
        if status == UNMET:
            reasons = [o.message or o.text for o in outcomes] if detail else []
            return PolicyMatch(policy.id, NOT_APPLICABLE, reasons=reasons)
        if status == UNKNOWN:
            missing.extend(name for name in names if name not in missing)
        elif status != MET:
            unmet.extend(outcomes)
    if missing:
        return PolicyMatch(policy.id, UNKNOWN, unmet=unmet, missing=missing)
    if unmet:
        return PolicyMatch(policy.id, NEAR, unmet=unmet)
    return PolicyMatch(policy.id, ELIGIBLE)


def _group_status(group, facts: Facts, memo: dict) -> str:
    """MET / UNKNOWN / "closable" / UNMET for one group, from memoised check results; kept in ``memo`` by the
    group's identity too (compile_policies interns identical groups, so most policies look theirs up)."""
    status = memo.get(id(group))
    if status is None:
        status = memo[id(group)] = _group_status_of(group, facts, memo)
    return status


def _group_status_of(group, facts: Facts, memo: dict) -> str:
    group_unknown = group_closable = applicable = False
    for alt in group:
        guard = alt.guard
        if guard is not None:
            result = memo.get(id(guard))
            if result is None:
                result = memo[id(guard)] = check_status(guard, facts)
            if result[0] == UNMET:
                continue
            if result[0] == UNKNOWN:
                group_unknown = applicable = True
                continue
        check = alt.check
        result = memo.get(id(check))
        if result is None:
            result = memo[id(check)] = check_status(check, facts)
        applicable = True
        if result[0] == MET:
            return MET
        if result[0] == UNKNOWN:
            group_unknown = True
        elif result[1]:
            group_closable = True
    if group_unknown:
        return UNKNOWN
    return "closable" if applicable and group_closable else UNMET


def policy_status(policy: CompiledPolicy, facts: Facts, memo: dict | None = None) -> str:
    """Just the status, as :func:`evaluate_policy` would give it, without building any outcome: the
    matching hot loop over thousands of policies (tests check that both always agree).

    ``memo`` (one dict per set of facts) keeps each check's, group's and rule set's result by identity:
    compiled policies share identical checks (is_sme, 成立满 1 年, the 高企 bands …), groups and rule sets
    (see :func:`policies.selectors.compile_policies`), so most are looked up rather than evaluated. The
    objects keyed must outlive the memo (they do: the memo lives for one match over the catalogue).
    """
    if memo is None:
        memo = {}
    region_unknown = not facts.region_chain
    if not region_unknown and policy.region_code not in facts.region_chain:
        return NOT_APPLICABLE
    groups = policy.groups  # shared by policies with the same rules (one template, many cities)
    status = memo.get(id(groups))
    if status is None:
        status = memo[id(groups)] = _groups_status(groups, facts, memo)
    if region_unknown and status != NOT_APPLICABLE:
        return UNKNOWN
    return status


def _groups_status(groups, facts: Facts, memo: dict) -> str:
    """The status of a policy's groups, the region aside."""
    unknown = near = False
    for group in groups:
        status = memo.get(id(group))
        if status is None:
            status = memo[id(group)] = _group_status_of(group, facts, memo)
        if status == UNMET:
            return NOT_APPLICABLE
        if status == UNKNOWN:
            unknown = True
        elif status != MET:
            near = True
    if unknown:
        return UNKNOWN
    return NEAR if near else ELIGIBLE


def positions_by_group_status(groups_held, facts: Facts, memo: dict) -> tuple[set[int], set[int], set[int]]:
    """Many policies at once, group by group: ``groups_held`` pairs each group with the positions of the
    policies holding it; each group is evaluated once. Returns the positions of the policies with a group
    unmet, with a group unknown, and with a group short by a closable gap. A policy's status follows as in
    :func:`policy_status` (tests check they agree): not applicable when in the first set; else unknown
    when in the second or its region is unknown; else near when in the third; else eligible."""
    unmet: set[int] = set()
    unknown: set[int] = set()
    closable: set[int] = set()
    for group, positions in groups_held:
        status = _group_status(group, facts, memo)
        if status == MET:
            continue
        (unmet if status == UNMET else unknown if status == UNKNOWN else closable).update(positions)
    return unmet, unknown, closable


def compile_alternative(row: dict) -> Alternative:
    """From a Condition ``.values()`` row (already validated when saved)."""
    from .facts import parse_check

    check = parse_check(row["fact"], row["operator"], row["value"], row["value2"])
    guard = None
    if row["guard_fact"]:
        guard = parse_check(row["guard_fact"], row["guard_operator"], row["guard_value"], row["guard_value2"])
    return Alternative(check, guard)


__all__ = [
    "ELIGIBLE",
    "NEAR",
    "NOT_APPLICABLE",
    "UNKNOWN",
    "Alternative",
    "CompiledPolicy",
    "PolicyMatch",
    "check_status",
    "evaluate_check",
    "evaluate_policy",
    "policy_status",
]
