"""The fact registry: every enterprise fact a policy condition may name, its type, unit and wording.

A condition is data (``fact``, ``operator``, ``value``, ``value2``); this module knows how to check that a
condition can be evaluated (:func:`parse_check`) and where each fact comes from (:class:`Facts`, built from
an enterprise record or from an unsaved what-if profile). How a condition is said in words is
:mod:`policies.wording`.

Units: money in 万元 (last full year, as on the enterprise record), people in 人, ratios in per cent,
company age in whole years.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy, gettext_noop

from policies.i18n import gettext_cached as _
from portal.choices import Certification, SizeClass, TaxCreditGrade
from portal.industry import SECTIONS

from .choices import Operator

NUMBER, RATIO, YEARS, CHOICE, CODES, REGION, INDUSTRY, BOOL = (
    "number",
    "ratio",
    "years",
    "choice",
    "codes",
    "region",
    "industry",
    "bool",
)
NUMERIC_KINDS = {NUMBER, RATIO, YEARS}
NUMERIC_OPS = {
    Operator.GTE,
    Operator.GT,
    Operator.LTE,
    Operator.LT,
    Operator.EQ,
    Operator.NE,
    Operator.BETWEEN,
    Operator.GT_LTE,
}
OPERATORS_BY_KIND = {
    NUMBER: NUMERIC_OPS,
    RATIO: NUMERIC_OPS,
    YEARS: NUMERIC_OPS,
    CHOICE: {Operator.EQ, Operator.NE, Operator.IN, Operator.NOT_IN},
    CODES: {Operator.IN, Operator.NOT_IN},
    REGION: {Operator.IN, Operator.NOT_IN},
    INDUSTRY: {Operator.IN, Operator.NOT_IN},
    BOOL: {Operator.IS_TRUE, Operator.IS_FALSE},
}
SYMBOLS = {
    Operator.GTE: "≥",
    Operator.GT: ">",
    Operator.LTE: "≤",
    Operator.LT: "<",
    Operator.EQ: "=",
    Operator.NE: "≠",
}
INPUT_FACTS = (
    "region",
    "industry",
    "size_class",
    "established",
    "registered_capital",
    "staff",
    "tech_staff",
    "revenue",
    "rd_expense",
    "high_tech_revenue",
    "export_revenue",
    "certifications",
    "tax_credit_grade",
    "graduate_hires",
    "credit_insurance_premium",
    "guaranteed_loan",
    "first_set_product",
)
# Facts the portal does not keep on the enterprise record: known only when the enterprise (or a clerk)
# types them into the calculator; an enterprise record alone never meets a condition on them.
PROFILE_ONLY_INPUTS = ("graduate_hires", "credit_insurance_premium", "guaranteed_loan", "first_set_product")
INPUT_LABELS = {
    "region": gettext_lazy("注册地"),
    "industry": gettext_lazy("行业代码"),
    "size_class": gettext_lazy("企业规模"),
    "established": gettext_lazy("成立日期"),
    "registered_capital": gettext_lazy("注册资本"),
    "staff": gettext_lazy("职工总数"),
    "tech_staff": gettext_lazy("科技人员数"),
    "revenue": gettext_lazy("年销售收入"),
    "rd_expense": gettext_lazy("研发费用"),
    "high_tech_revenue": gettext_lazy("高新技术产品收入"),
    "export_revenue": gettext_lazy("出口额"),
    "certifications": gettext_lazy("已获资质"),
    "tax_credit_grade": gettext_lazy("纳税信用等级"),
    "graduate_hires": gettext_lazy("当年新招用高校毕业生人数"),
    "credit_insurance_premium": gettext_lazy("出口信用保险保费支出"),
    "guaranteed_loan": gettext_lazy("创业担保贷款金额"),
    "first_set_product": gettext_lazy("有首台（套）装备产品"),
}


@dataclass(frozen=True)
class Fact:
    """One fact a condition may name."""

    key: str
    label_id: str  # the msgid (marked with gettext_noop); ``label`` is its translation
    kind: str
    unit: str = ""
    inputs: tuple[str, ...] = ()
    numerator: str = ""  # ratios: numerator / denominator, both input facts
    denominator: str = ""
    choices: tuple[tuple[str, object], ...] = ()
    # A shortfall an enterprise can close by growing (numbers, age) or by getting a certification;
    # never region, industry, size class or grade.
    closable: bool = False
    # ratios whose numerator is part of the denominator (tech staff are staff): raising the numerator
    # raises the denominator too, which the plan's "increase by N" accounts for.
    subset: bool = False

    @property
    def label(self) -> str:
        return _(self.label_id)

    @property
    def choice_labels(self) -> dict[str, str]:
        return {value: str(label) for value, label in self.choices}


FACTS: dict[str, Fact] = {
    f.key: f
    for f in [
        Fact("region", gettext_noop("注册地"), REGION, inputs=("region",)),
        Fact("industry", gettext_noop("行业"), INDUSTRY, inputs=("industry",)),
        Fact("size_class", gettext_noop("企业规模"), CHOICE, inputs=("size_class",), choices=tuple(SizeClass.choices)),
        Fact("is_sme", gettext_noop("中小微企业"), BOOL, inputs=("size_class",)),
        Fact("established_years", gettext_noop("成立年限"), YEARS, "年", ("established",), closable=True),
        Fact("registered_capital", gettext_noop("注册资本"), NUMBER, "万元", ("registered_capital",), closable=True),
        Fact("staff", gettext_noop("职工总数"), NUMBER, "人", ("staff",), closable=True),
        Fact("tech_staff", gettext_noop("科技人员数"), NUMBER, "人", ("tech_staff",), closable=True),
        Fact("revenue", gettext_noop("年销售收入"), NUMBER, "万元", ("revenue",), closable=True),
        Fact("rd_expense", gettext_noop("研发费用"), NUMBER, "万元", ("rd_expense",), closable=True),
        Fact(
            "high_tech_revenue", gettext_noop("高新技术产品收入"), NUMBER, "万元", ("high_tech_revenue",), closable=True
        ),
        Fact("export_revenue", gettext_noop("出口额"), NUMBER, "万元", ("export_revenue",), closable=True),
        Fact("has_export", gettext_noop("有出口业绩"), BOOL, inputs=("export_revenue",)),
        Fact(
            "rd_ratio",
            gettext_noop("研发费用占销售收入比例"),
            RATIO,
            "%",
            ("rd_expense", "revenue"),
            "rd_expense",
            "revenue",
            closable=True,
        ),
        Fact(
            "high_tech_revenue_ratio",
            gettext_noop("高新技术产品收入占总收入比例"),
            RATIO,
            "%",
            ("high_tech_revenue", "revenue"),
            "high_tech_revenue",
            "revenue",
            closable=True,
            subset=True,
        ),
        Fact(
            "tech_staff_ratio",
            gettext_noop("科技人员占职工总数比例"),
            RATIO,
            "%",
            ("tech_staff", "staff"),
            "tech_staff",
            "staff",
            closable=True,
            subset=True,
        ),
        Fact(
            "export_ratio",
            gettext_noop("出口额占销售收入比例"),
            RATIO,
            "%",
            ("export_revenue", "revenue"),
            "export_revenue",
            "revenue",
            closable=True,
            subset=True,
        ),
        Fact(
            "certifications",
            gettext_noop("资质"),
            CODES,
            inputs=("certifications",),
            choices=tuple(Certification.choices),
            closable=True,
        ),
        Fact(
            "tax_credit_grade",
            gettext_noop("纳税信用等级"),
            CHOICE,
            inputs=("tax_credit_grade",),
            choices=tuple(TaxCreditGrade.choices),
        ),
        Fact(
            "graduate_hires",
            gettext_noop("当年新招用高校毕业生人数"),
            NUMBER,
            "人",
            ("graduate_hires",),
            closable=True,
        ),
        Fact(
            "credit_insurance_premium",
            gettext_noop("出口信用保险保费支出"),
            NUMBER,
            "万元",
            ("credit_insurance_premium",),
            closable=True,
        ),
        Fact("guaranteed_loan", gettext_noop("创业担保贷款金额"), NUMBER, "万元", ("guaranteed_loan",), closable=True),
        Fact("first_set_product", gettext_noop("有首台（套）装备产品"), BOOL, inputs=("first_set_product",)),
    ]
}


def fact_choices() -> list[tuple[str, str]]:
    return [(key, fact.label) for key, fact in FACTS.items()]


# --- Values ---------------------------------------------------------------------------------

LIST_SPLIT = re.compile(r"[\s,，、;；]+")
INDUSTRY_PREFIX = re.compile(r"^[A-T](\d{2}(\d{1,2})?)?$")
REGION_CODE = re.compile(r"^\d{6}(\d{3})?$")


def fmt_number(value: Decimal | int | float | None) -> str:
    """5.000 → "5", 3.20 → "3.2", 1234.5 → "1234.5" (no exponent, no trailing zeros)."""
    if value is None:
        return "—"
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    text = f"{value:.2f}"  # rounds half-even, like quantize
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _number(raw: str, what: str, field: str = "value") -> Decimal:
    text = (raw or "").strip().replace("%", "").replace("％", "")
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        message = _("%(what)s“%(raw)s”不是数字：此条件比较的是数值，请填写数字。") % {"what": what, "raw": raw}
        raise ValidationError({field: message})
    return value


def _list(raw: str) -> tuple[str, ...]:
    return tuple(item for item in LIST_SPLIT.split((raw or "").strip()) if item)


@dataclass(frozen=True)
class Check:
    """One comparison ``fact operator value [value2]`` with its value already parsed."""

    fact: str
    operator: str
    value: object = None
    value2: object = None


def parse_check(fact_key: str, operator: str, raw: str, raw2: str = "", *, region_codes=None) -> Check:
    """Validate one comparison and return it parsed; raise ValidationError with a clear message.

    ``region_codes`` is the set of known region codes (checked only when given).
    """
    fact = FACTS.get(fact_key)
    if fact is None:
        raise ValidationError({"fact": _("条件所用的事实“%(fact)s”不存在，无法计算。") % {"fact": fact_key}})
    if operator not in OPERATORS_BY_KIND[fact.kind]:
        allowed = "、".join(str(Operator(op).label) for op in sorted(OPERATORS_BY_KIND[fact.kind]))
        raise ValidationError(
            {
                "operator": _("“%(fact)s”不能用运算符“%(op)s”，可用：%(allowed)s。")
                % {"fact": fact.label, "op": operator, "allowed": allowed}
            }
        )
    raw, raw2 = (raw or "").strip(), (raw2 or "").strip()
    if fact.kind in NUMERIC_KINDS:
        value = _number(raw, str(fact.label))
        if fact.kind == YEARS and value != value.to_integral_value():
            raise ValidationError({"value": _("成立年限请填写整数年。")})
        if operator in {Operator.BETWEEN, Operator.GT_LTE}:
            upper = _number(raw2, str(fact.label), "value2")
            if upper < value:
                raise ValidationError(
                    {
                        "value2": _("区间上下限颠倒：下限 %(low)s 大于上限 %(high)s。")
                        % {"low": fmt_number(value), "high": fmt_number(upper)}
                    }
                )
            if operator == Operator.GT_LTE and upper == value:
                raise ValidationError({"value2": _("区间为空：下限与上限相同。")})
            return Check(fact_key, operator, value, upper)
        if raw2:
            raise ValidationError({"value2": _("只有区间条件需要第二个值。")})
        return Check(fact_key, operator, value)
    if raw2:
        raise ValidationError({"value2": _("只有区间条件需要第二个值。")})
    if fact.kind == BOOL:
        if raw:
            raise ValidationError({"value": _("“是/否”条件不需要填写数值。")})
        return Check(fact_key, operator)
    items = _list(raw)
    if not items:
        raise ValidationError({"value": _("请填写要比较的值。")})
    if operator in {Operator.EQ, Operator.NE} and len(items) != 1:
        raise ValidationError({"value": _("“=”和“≠”只能比较一个值；多个值请用“属于”。")})
    if fact.kind in {CHOICE, CODES} and all(item in {code for code, _label in fact.choices} for item in items):
        pass  # already codes (as stored after save): no label lookup
    elif fact.kind in {CHOICE, CODES}:
        labels = fact.choice_labels
        # accept the label as well as the code (administrators type 高新技术企业)
        by_label = {label: code for code, label in labels.items()}
        codes = []
        for item in items:
            code = item if item in labels else by_label.get(item)
            if code is None:
                raise ValidationError(
                    {
                        "value": _("“%(item)s”不是“%(fact)s”的可选值（%(allowed)s）。")
                        % {"item": item, "fact": fact.label, "allowed": "、".join(labels)}
                    }
                )
            codes.append(code)
        items = tuple(codes)
    elif fact.kind == INDUSTRY:
        for item in items:
            if not INDUSTRY_PREFIX.match(item.upper()) or (
                len(item) >= 3 and int(item[1:3]) not in SECTIONS[item[0].upper()][1]
            ):
                raise ValidationError(
                    {
                        "value": _("行业代码“%(item)s”不正确：应为门类字母或门类加大类代码，如 C、C27、I65。")
                        % {"item": item}
                    }
                )
        items = tuple(item.upper() for item in items)
    elif fact.kind == REGION:
        for item in items:
            if not REGION_CODE.match(item):
                raise ValidationError({"value": _("区划代码“%(item)s”不正确：应为 6 位数字。") % {"item": item}})
            if region_codes is not None and item not in region_codes:
                raise ValidationError({"value": _("区划代码“%(item)s”不存在。") % {"item": item}})
    return Check(fact_key, operator, items)


# --- Where facts come from ----------------------------------------------------------------------


@dataclass
class Facts:
    """An enterprise's facts as of ``today``: from its record or from a what-if profile. None = unknown."""

    today: dt.date
    region: str | None = None
    region_chain: tuple[str, ...] = ()  # the region's code and its ancestors' codes
    industry: str | None = None
    size_class: str | None = None
    established: dt.date | None = None
    registered_capital: Decimal | None = None
    staff: Decimal | None = None
    tech_staff: Decimal | None = None
    revenue: Decimal | None = None
    rd_expense: Decimal | None = None
    high_tech_revenue: Decimal | None = None
    export_revenue: Decimal | None = None
    certifications: frozenset[str] | None = None
    tax_credit_grade: str | None = None
    graduate_hires: Decimal | None = None
    credit_insurance_premium: Decimal | None = None
    guaranteed_loan: Decimal | None = None
    first_set_product: bool | None = None
    region_name: str = ""

    def missing(self, inputs) -> list[str]:
        return [name for name in inputs if getattr(self, name) is None]

    @classmethod
    def from_enterprise(cls, enterprise, *, today: dt.date, certifications=None) -> Facts:
        """From the record; ``certifications`` may be passed to avoid a query."""
        region = enterprise.region

        def dec(value):
            return None if value is None else Decimal(value)

        if certifications is None:
            certifications = [cert.code for cert in enterprise.certifications.all()]
        return cls(
            today=today,
            region=region.code,
            region_chain=tuple(region.ancestor_codes()),
            region_name=region.full_name,
            industry=enterprise.industry or None,
            size_class=enterprise.size_class or None,
            established=enterprise.established,
            registered_capital=dec(enterprise.registered_capital),
            staff=dec(enterprise.staff),
            tech_staff=dec(enterprise.tech_staff),
            revenue=dec(enterprise.revenue),
            rd_expense=dec(enterprise.rd_expense),
            high_tech_revenue=dec(enterprise.high_tech_revenue),
            export_revenue=dec(enterprise.export_revenue),
            certifications=frozenset(certifications),
            tax_credit_grade=enterprise.tax_credit_grade or None,
        )
