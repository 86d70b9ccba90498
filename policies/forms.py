"""Forms of the policies app: the calculator's what-if profile, the admin condition form, clerk decisions."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.choices import Certification, SizeClass, TaxCreditGrade
from portal.formkit import ISODateInput, PortalForm
from portal.i18n import lazy_interpolate
from portal.industry import validate_industry_code
from portal.models import Region

from .models import CONDITION_KEYS, Condition

NON_NEGATIVE = _("%(label)s不能为负数。")


def _money(label):
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        error_messages={"min_value": lazy_interpolate(NON_NEGATIVE, {"label": label})},
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        help_text=_("万元"),
    )


def _people(label):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        error_messages={"min_value": lazy_interpolate(NON_NEGATIVE, {"label": label})},
    )


class ProfileForm(PortalForm):
    """The calculator's facts. Submitted by GET: a what-if is a read, never a write."""

    region = forms.ChoiceField(label=_("注册地"), required=False)
    industry = forms.CharField(label=_("行业代码"), required=False, max_length=5, help_text=_("GB/T 4754，如 C38、I65"))
    size_class = forms.ChoiceField(label=_("企业规模"), required=False, choices=[("", "—"), *SizeClass.choices])
    established = forms.DateField(label=_("成立日期"), required=False, widget=ISODateInput())
    registered_capital = _money(_("注册资本"))
    revenue = _money(_("上年销售收入"))
    rd_expense = _money(_("上年研发费用"))
    high_tech_revenue = _money(_("上年高新技术产品收入"))
    export_revenue = _money(_("上年出口额"))
    staff = _people(_("职工总数"))
    tech_staff = _people(_("科技人员数"))
    certifications = forms.MultipleChoiceField(
        label=_("已获资质"), required=False, choices=Certification.choices, widget=forms.CheckboxSelectMultiple
    )
    tax_credit_grade = forms.ChoiceField(
        label=_("纳税信用等级"), required=False, choices=[("", "—"), *TaxCreditGrade.choices]
    )
    graduate_hires = _people(_("当年新招用高校毕业生人数"))
    credit_insurance_premium = _money(_("出口信用保险保费支出"))
    guaranteed_loan = _money(_("创业担保贷款金额"))
    first_set_product = forms.NullBooleanField(
        label=_("有首台（套）装备产品"),
        required=False,
        widget=forms.Select(choices=[("unknown", "—"), ("true", _("有")), ("false", _("没有"))]),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—")] + [
            (code, f"{code} {name}") for code, name in Region.objects.current().values_list("code", "name")
        ]

    def clean_industry(self):
        code = (self.cleaned_data.get("industry") or "").strip().upper()
        if code:
            validate_industry_code(code)
        return code

    def clean_established(self):
        day = self.cleaned_data.get("established")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("成立日期不能晚于今天。"))
        return day

    def clean(self):
        data = super().clean()
        tech, staff = data.get("tech_staff"), data.get("staff")
        if tech is not None and staff is not None and tech > staff:
            self.add_error("tech_staff", _("科技人员数不能多于职工总数。"))
        high_tech, revenue = data.get("high_tech_revenue"), data.get("revenue")
        if high_tech is not None and revenue is not None and high_tech > revenue:
            self.add_error("high_tech_revenue", _("高新技术产品收入不能多于年销售收入。"))
        return data

    def profile(self) -> dict:
        """Validated facts; blank fields are unknown (None)."""
        data = dict(self.cleaned_data)
        for key, value in list(data.items()):
            if value in ("", None):
                data[key] = None
        data["certifications"] = data.get("certifications") or []
        return data


class ConditionAdminForm(forms.ModelForm):
    """Admin inline form: shows the plain-language preview (updated live by policies_admin.js)."""

    class Meta:
        model = Condition
        fields = list(CONDITION_KEYS)
        # Widths come from css/policies_admin.css: the Content-Security-Policy allows no style attribute.
        narrow = {"class": "condition-fact"}
        widgets = {
            "fact": forms.Select(attrs=narrow),
            "operator": forms.Select(attrs={"class": "condition-operator"}),
            "guard_fact": forms.Select(attrs=narrow),
            "guard_operator": forms.Select(attrs={"class": "condition-operator"}),
            "value": forms.TextInput(attrs={"size": 12}),
            "value2": forms.TextInput(attrs={"size": 6}),
            "guard_value": forms.TextInput(attrs={"size": 8}),
            "guard_value2": forms.TextInput(attrs={"size": 6}),
            "group": forms.NumberInput(attrs={"class": "condition-group"}),
        }


class EntitlementDecisionForm(PortalForm):
    """A clerk's decision on one 免申即享 entitlement: 确认兑付 (offered only while it can be confirmed) or
    撤回 (the action asks for the reason)."""

    decision = forms.ChoiceField(choices=[("confirm", _("确认兑付")), ("withdraw", _("撤回"))], label=_("处理"))
    reason = forms.CharField(
        label=_("说明"), required=False, max_length=300, widget=forms.TextInput, help_text=_("撤回时必填。")
    )

    def __init__(self, *args, entitlement=None, **kwargs):
        super().__init__(*args, **kwargs)
        if entitlement is not None and not entitlement.can_confirm():
            self.fields["decision"].choices = [("withdraw", _("撤回"))]
