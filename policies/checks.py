"""One check against an enterprise's facts: met, unmet with the gap in numbers and words (and a plan),
or unknown with the missing facts. :mod:`policies.rules` combines checks into groups and policies."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

from .choices import Operator
from .facts import (
    BOOL,
    CHOICE,
    CODES,
    FACTS,
    INDUSTRY,
    NUMBER,
    RATIO,
    YEARS,
    Check,
    Facts,
    fmt_number,
)
from .i18n import gettext_cached as _
from .wording import describe_check, fmt_quantity

MET, UNMET, UNKNOWN, SKIP = "met", "unmet", "unknown", "skip"
ELIGIBLE, NEAR, NOT_APPLICABLE = "eligible", "near", "not_applicable"
HUNDRED = Decimal(100)
NUMERIC = {NUMBER, RATIO, YEARS}


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def _num(value) -> float | None:
    return None if value is None else round(float(value), 4)


@dataclass
class Outcome:
    """The result of one alternative: met, unmet (with the gap), unknown (with the missing facts) or skip."""

    status: str
    text: str
    fact: str = ""
    operator: str = ""
    closable: bool = False
    missing: list[str] = field(default_factory=list)
    required: object = None
    actual: object = None
    gap: object = None
    unit: str = ""
    message: str = ""
    plan: str = ""
    group: int = 0

    def as_unmet(self) -> dict:
        return {
            "field": self.fact,
            "operator": self.operator,
            "required": self.required,
            "actual": self.actual,
            "gap": self.gap,
            "unit": self.unit,
            "message": self.message,
            "condition": self.text,
            "plan": self.plan,
        }


# --- One check -------------------------------------------------------------------------------------


def _compare(op: str, actual: Decimal, value: Decimal, value2: Decimal | None) -> bool:
    if op == Operator.GTE:
        return actual >= value
    if op == Operator.GT:
        return actual > value
    if op == Operator.LTE:
        return actual <= value
    if op == Operator.LT:
        return actual < value
    if op == Operator.EQ:
        return actual == value
    if op == Operator.NE:
        return actual != value
    if op == Operator.BETWEEN:
        return value <= actual <= value2
    return value < actual <= value2  # GT_LTE


def _lower_bound(check: Check) -> tuple[Decimal, bool] | None:
    """(bound, strict) when the failed check wants the value to grow, else None."""
    if check.operator in {Operator.GTE, Operator.BETWEEN}:
        return check.value, False
    if check.operator in {Operator.GT, Operator.GT_LTE}:
        return check.value, True
    return None


def _below_lower_bound(check: Check, actual: Decimal) -> bool:
    """Whether the value falls short of the check's lower bound (so growing it would help)."""
    bound = _lower_bound(check)
    return bound is not None and (actual < bound[0] or (bound[1] and actual == bound[0]))


def _number_value(fact, check: Check, facts: Facts) -> Decimal | None:
    """The number the check compares: the fact itself, or a ratio in per cent (None over a zero)."""
    if fact.kind != RATIO:
        return getattr(facts, check.fact)
    denominator = getattr(facts, fact.denominator)
    if denominator == 0:
        return None
    return getattr(facts, fact.numerator) * HUNDRED / denominator


def _bool_value(check: Check, facts: Facts) -> bool:
    if check.fact == "is_sme":
        return facts.size_class != "large"
    if check.fact == "has_export":
        return facts.export_revenue > 0
    return bool(getattr(facts, check.fact))


def _required(check: Check):
    if check.operator in {Operator.BETWEEN, Operator.GT_LTE}:
        return [_num(check.value), _num(check.value2)]
    return _num(check.value)


def _required_text(check: Check, unit: str) -> str:
    def u(v):
        return fmt_quantity(v, unit)

    if check.operator == Operator.BETWEEN:
        return _("需在 %(low)s 至 %(high)s 之间") % {"low": u(check.value), "high": u(check.value2)}
    if check.operator == Operator.GT_LTE:
        return _("需 > %(low)s 且 ≤ %(high)s") % {"low": u(check.value), "high": u(check.value2)}
    symbol = {"gte": "≥", "gt": ">", "lte": "≤", "lt": "<", "eq": "=", "ne": "≠"}[check.operator]
    return _("需 %(symbol)s %(value)s") % {"symbol": symbol, "value": u(check.value)}


def evaluate_check(check: Check, facts: Facts, *, region_names=None, text: str | None = None) -> Outcome:
    """Met / unmet (with gap, message and plan) / unknown (with the missing facts), in words."""
    if text is None:
        text = describe_check(check, region_names=region_names)
    base = {"text": text, "fact": check.fact, "operator": check.operator, "unit": FACTS[check.fact].unit}
    return _evaluate_check(check, facts, base, text)


def check_status(check: Check, facts: Facts) -> tuple[str, bool, list[str]]:
    """The fast path: (status, closable, missing) without any wording — used to sort thousands of
    policies; only the ones shown are then evaluated in words by :func:`evaluate_check`."""
    fact = FACTS[check.fact]
    for name in fact.inputs:
        if getattr(facts, name) is None:
            return UNKNOWN, False, facts.missing(fact.inputs)
    kind, op = fact.kind, check.operator
    if kind in NUMERIC:
        if kind == YEARS:
            ok, ann_low, _years = _years_ok(check, facts.established, facts.today)
            if ok:
                return MET, False, []
            return UNMET, op in GROWTH_OPS and facts.today <= ann_low, []
        actual = _number_value(fact, check, facts)
        if actual is None:  # a ratio over zero
            return UNMET, False, []
        if _compare(op, actual, check.value, check.value2):
            return MET, False, []
        return UNMET, fact.closable and _below_lower_bound(check, actual), []
    if kind == BOOL:
        return (MET if _bool_value(check, facts) == (op == Operator.IS_TRUE) else UNMET), False, []
    wanted = check.value
    if kind == CODES:
        held = facts.certifications
        hit = any(code in held for code in wanted)
        if op == Operator.IN:
            return (MET, False, []) if hit else (UNMET, True, [])
        return (UNMET, False, []) if hit else (MET, False, [])
    if kind == CHOICE:
        inside = getattr(facts, check.fact) in wanted
        positive = op in {Operator.IN, Operator.EQ}
    elif kind == INDUSTRY:
        inside = facts.industry.startswith(tuple(wanted))
        positive = op == Operator.IN
    else:
        inside = any(code in facts.region_chain for code in wanted)
        positive = op == Operator.IN
    return (MET if inside == positive else UNMET), False, []


def _evaluate_check(check: Check, facts: Facts, base: dict, text: str) -> Outcome:
    fact = FACTS[check.fact]
    missing = facts.missing(fact.inputs)
    if missing:
        return Outcome(UNKNOWN, missing=missing, message=_("缺少信息：%(m)s") % {"m": _labels(missing)}, **base)
    kind, op = fact.kind, check.operator
    if kind == YEARS:
        return _evaluate_years(check, facts, base)
    if kind in {NUMBER, RATIO}:
        return _evaluate_number(check, facts, base)
    if kind == BOOL:
        value = _bool_value(check, facts)
        ok = value if op == Operator.IS_TRUE else not value
        if ok:
            return Outcome(MET, **base)
        return Outcome(
            UNMET, required=op == Operator.IS_TRUE, actual=value, message=_("不符合：%(t)s") % {"t": text}, **base
        )
    wanted = set(check.value)
    if kind == CODES:
        held = set(facts.certifications)
        labels = fact.choice_labels
        if op == Operator.IN:
            if held & wanted:
                return Outcome(MET, **base)
            names = _("或").join(labels.get(code, code) for code in check.value)
            return Outcome(
                UNMET,
                closable=True,
                required=list(check.value),
                actual=sorted(held),
                gap=list(check.value),
                message=_("需持有 %(names)s，当前未持有") % {"names": names},
                plan=_("取得 %(names)s 认定") % {"names": names},
                **base,
            )
        clash = held & wanted
        if not clash:
            return Outcome(MET, **base)
        names = "、".join(labels.get(code, code) for code in sorted(clash))
        return Outcome(
            UNMET,
            required=list(check.value),
            actual=sorted(held),
            message=_("已持有 %(names)s，不属于本政策对象") % {"names": names},
            **base,
        )
    if kind == CHOICE:
        actual = getattr(facts, check.fact)
        inside = actual in wanted
        ok = inside if op in {Operator.IN, Operator.EQ} else not inside
        if ok:
            return Outcome(MET, **base)
        shown = FACTS[check.fact].choice_labels.get(actual, actual)
        return Outcome(
            UNMET,
            required=list(check.value),
            actual=actual,
            message=_("不符合：%(t)s（当前为 %(a)s）") % {"t": text, "a": shown},
            **base,
        )
    if kind == INDUSTRY:
        inside = any(facts.industry.startswith(prefix) for prefix in check.value)
        actual = facts.industry
    else:  # REGION
        inside = bool(wanted & set(facts.region_chain))
        actual = facts.region
    ok = inside if op == Operator.IN else not inside
    if ok:
        return Outcome(MET, **base)
    return Outcome(
        UNMET,
        required=list(check.value),
        actual=actual,
        message=_("不符合：%(t)s（当前为 %(a)s）") % {"t": text, "a": actual},
        **base,
    )


def _labels(inputs) -> str:
    from .facts import INPUT_LABELS

    return "、".join(str(INPUT_LABELS.get(name, name)) for name in inputs)


def _evaluate_number(check: Check, facts: Facts, base: dict) -> Outcome:
    fact = FACTS[check.fact]
    unit = fact.unit
    actual = _number_value(fact, check, facts)
    if actual is None:  # a ratio over zero
        return Outcome(
            UNMET,
            required=_required(check),
            message=_("%(d)s为 0，无法计算%(label)s") % {"d": _labels([fact.denominator]), "label": fact.label},
            **base,
        )
    if _compare(check.operator, actual, check.value, check.value2):
        return Outcome(MET, actual=_num(actual), **base)
    bound = _lower_bound(check)
    shown_actual = fmt_quantity(actual, unit)
    required_text = _required_text(check, unit)
    if not _below_lower_bound(check, actual):
        # Too high, or a value that is not a threshold: not something to work towards.
        return Outcome(
            UNMET,
            required=_required(check),
            actual=_num(actual),
            message=_("%(req)s，当前 %(act)s") % {"req": required_text, "act": shown_actual},
            **base,
        )
    low, strict = bound
    gap = low - actual
    if unit == "人":
        gap_value = Decimal(math.floor(gap) + 1) if strict else Decimal(math.ceil(gap))
        gap_text = _("还差 %(gap)s 人") % {"gap": fmt_number(gap_value)}
    else:
        gap_value = gap
        points = _("%(n)s 个百分点") % {"n": fmt_number(gap)}
        amount = points if unit == "%" else fmt_quantity(gap, unit)
        template = _("还差 %(amount)s以上") if strict else _("还差 %(amount)s")
        gap_text = template % {"amount": amount}
    message = _("%(req)s，当前 %(act)s，%(gap)s") % {"req": required_text, "act": shown_actual, "gap": gap_text}
    plan = _plan(fact, check, facts, low, strict, gap_value)
    return Outcome(
        UNMET,
        closable=fact.closable,
        required=_required(check),
        actual=_num(actual),
        gap=_num(gap_value),
        message=message,
        plan=plan,
        **base,
    )


def _plan(fact, check: Check, facts: Facts, low: Decimal, strict: bool, gap: Decimal) -> str:
    """What to do, in the numerator's own unit: "研发费用需增加 30 万元"."""
    if fact.kind != RATIO:
        return _("%(label)s需增加 %(amount)s") % {"label": fact.label, "amount": fmt_quantity(gap, fact.unit)}
    numerator, denominator = getattr(facts, fact.numerator), getattr(facts, fact.denominator)
    share = low / HUNDRED
    if fact.subset:  # (n + x) / (d + x) ≥ share
        needed = (share * denominator - numerator) / (1 - share) if share < 1 else None
    else:
        needed = share * denominator - numerator
    if needed is None:
        return ""
    numerator_fact = FACTS[fact.numerator]
    if numerator_fact.unit == "人":
        needed = Decimal(math.floor(needed) + 1) if strict else Decimal(math.ceil(needed))
    elif strict:
        needed += Decimal("0.01")
    return _("%(label)s需增加 %(amount)s（按当前%(d)s %(dv)s 计）") % {
        "label": numerator_fact.label,
        "amount": fmt_quantity(needed, numerator_fact.unit),
        "d": FACTS[fact.denominator].label,
        "dv": fmt_quantity(denominator, FACTS[fact.denominator].unit),
    }


def _years_ok(check: Check, established: dt.date, today: dt.date) -> tuple[bool, dt.date, int]:
    """(met?, the anniversary of the lower bound, full years so far)."""
    op, low = check.operator, int(check.value)
    ann_low = add_years(established, low)
    full_years = today.year - established.year - ((today.month, today.day) < (established.month, established.day))
    if op == Operator.GTE:
        ok = today >= ann_low
    elif op == Operator.GT:
        ok = today > ann_low
    elif op == Operator.LTE:
        ok = today <= ann_low
    elif op == Operator.LT:
        ok = today < ann_low
    elif op == Operator.EQ:
        ok = full_years == low
    elif op == Operator.NE:
        ok = full_years != low
    elif op == Operator.BETWEEN:
        ok = ann_low <= today <= add_years(established, int(check.value2))
    else:
        ok = ann_low < today <= add_years(established, int(check.value2))
    return ok, ann_low, full_years


GROWTH_OPS = {Operator.GTE, Operator.GT, Operator.BETWEEN, Operator.GT_LTE}


def _evaluate_years(check: Check, facts: Facts, base: dict) -> Outcome:
    established, today, op = facts.established, facts.today, check.operator
    low = int(check.value)
    ok, ann_low, full_years = _years_ok(check, established, today)
    actual = _num(Decimal(full_years))
    if ok:
        return Outcome(MET, actual=actual, **base)
    wants_growth = op in GROWTH_OPS and today <= ann_low
    if not wants_growth:
        return Outcome(
            UNMET,
            required=_required(check),
            actual=actual,
            message=_("不符合：%(t)s（成立于 %(d)s）") % {"t": base["text"], "d": established.isoformat()},
            **base,
        )
    days = (ann_low - today).days + (1 if op in {Operator.GT, Operator.GT_LTE} else 0)
    if op in {Operator.GT, Operator.GT_LTE}:
        message = _("成立超过 %(n)s 年，还需 %(days)s 天") % {"n": low, "days": days}
    else:
        message = _("成立满 %(n)s 年，还需 %(days)s 天") % {"n": low, "days": days}
    return Outcome(
        UNMET,
        closable=True,
        required=_required(check),
        actual=actual,
        gap=days,
        message=message,
        plan=_("%(date)s 起满足成立年限") % {"date": (today + dt.timedelta(days=days)).isoformat()},
        **{**base, "unit": _("天")},
    )
