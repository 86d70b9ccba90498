"""How a condition is said in the reader's language (plain Chinese first): a check and the band it applies
to (:func:`describe`), a quantity with its unit (:func:`fmt_quantity`). The facts themselves — their
kinds, units and labels — are :mod:`policies.facts`."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.translation import get_language, gettext_noop

from policies.i18n import gettext_cached as _
from portal.industry import SECTIONS, industry_label

from .choices import Operator
from .facts import BOOL, CHOICE, CODES, FACTS, INDUSTRY, NUMERIC_KINDS, SYMBOLS, YEARS, Check, fmt_number

# --- Plain language ---------------------------------------------------------------------------


# The units of FACTS, marked for translation (English: 人 → people, 年 → years; 万元 is converted, below).
UNITS = (gettext_noop("人"), gettext_noop("年"), gettext_noop("万元"))
TEN_THOUSAND = Decimal(10000)


def _chinese() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).startswith("zh")


def fmt_quantity(value, unit: str) -> str:
    """A number with its unit as the reader's language writes it: "5000 万元" / "¥50,000,000",
    "3 人" / "3 people", "5%". Money keeps the 0.01 万元 (¥100) precision of :func:`fmt_number`."""
    if unit == "%":
        return f"{fmt_number(value)}%"
    if not unit:
        return fmt_number(value)
    if _chinese():
        return f"{fmt_number(value)} {unit}"
    if unit == "万元":
        yuan = Decimal(fmt_number(value)) * TEN_THOUSAND
        return f"¥{yuan:,.0f}"
    return f"{fmt_number(value)} {_(unit)}"


def describe_check(check: Check, *, region_names: dict[str, str] | None = None) -> str:
    """ "研发费用占销售收入比例 ≥ 5%", "年销售收入 > 5000 且 ≤ 20000 万元", "持有资质之一：高新技术企业"."""
    fact = FACTS[check.fact]
    label, op, unit = str(fact.label), check.operator, fact.unit
    if fact.kind in NUMERIC_KINDS:
        if fact.kind == YEARS and op == Operator.GTE:
            return _("成立满 %(n)s 年") % {"n": fmt_number(check.value)}
        # Chinese states the unit once ("介于 1000 至 5000 万元"); other languages after both bounds.
        low = fmt_number(check.value) if _chinese() else fmt_quantity(check.value, unit)
        if op == Operator.BETWEEN:
            return _("%(label)s介于 %(low)s 至 %(high)s（含两端）") % {
                "label": label,
                "low": low,
                "high": fmt_quantity(check.value2, unit),
            }
        if op == Operator.GT_LTE:
            return _("%(label)s > %(low)s 且 ≤ %(high)s") % {
                "label": label,
                "low": low,
                "high": fmt_quantity(check.value2, unit),
            }
        return f"{label} {SYMBOLS[op]} {fmt_quantity(check.value, unit)}"
    if fact.kind == BOOL:
        return (_("是%(label)s") if op == Operator.IS_TRUE else _("不是%(label)s")) % {"label": label}
    if fact.kind in {CHOICE, CODES}:
        names = "、".join(fact.choice_labels.get(code, code) for code in check.value)
    elif fact.kind == INDUSTRY:
        names = "、".join(
            industry_label(code) if len(code) > 1 else f"{code} {SECTIONS[code][0]}" for code in check.value
        )
    else:
        names = "、".join((region_names or {}).get(code, code) for code in check.value)
        names += _("（含下辖区划）")
    if fact.kind == CODES:
        if op == Operator.IN:
            return _("持有以下资质之一：%(names)s") % {"names": names}
        return _("未持有：%(names)s") % {"names": names}
    if op in {Operator.EQ, Operator.IN}:
        return _("%(label)s为 %(names)s") % {"label": label, "names": names}
    return _("%(label)s不为 %(names)s") % {"label": label, "names": names}


def describe(check: Check, guard: Check | None = None, *, region_names=None) -> str:
    """The whole alternative: the check, and the band it applies to in brackets."""
    text = describe_check(check, region_names=region_names)
    if guard is not None:
        band = describe_check(guard, region_names=region_names)
        text = _("%(check)s（%(band)s）") % {"check": text, "band": band}
    return text
