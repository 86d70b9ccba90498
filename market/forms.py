"""Forms of the market pages."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from market.choices import SelectionMethod, ServiceType
from market.models import Facility
from portal.formkit import ISODateInput, PortalForm


class BookingForm(PortalForm):
    facility = forms.ModelChoiceField(label=_("设施"), queryset=Facility.objects.active())
    start = forms.DateTimeField(
        label=_("开始"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    end = forms.DateTimeField(
        label=_("结束"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    purpose = forms.CharField(label=_("用途"), max_length=200, required=False)


class ReasonForm(PortalForm):
    # whether a reason is required is the move's (the action says 「请填写理由。」 next to this field)
    reason = forms.CharField(label=_("理由"), max_length=300, required=False)


class SelectQuoteForm(PortalForm):
    """The quote the enterprise picks (direct choice); none for a draw or lowest-price selection."""

    quote = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PurchaseForm(PortalForm):
    title = forms.CharField(label=_("项目名称"), max_length=200)
    service_type = forms.ChoiceField(label=_("服务类型"), choices=ServiceType.choices)
    scope = forms.CharField(label=_("服务范围"), widget=forms.Textarea(attrs={"rows": 3}))
    budget = forms.DecimalField(label=_("预算（元）"), min_value=1, max_digits=14, decimal_places=2)
    quote_deadline = forms.DateTimeField(
        label=_("报价截止时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    selection_method = forms.ChoiceField(label=_("选取方式"), choices=SelectionMethod.choices)


class QuoteForm(PortalForm):
    price = forms.DecimalField(label=_("报价（元）"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class ContractForm(PortalForm):
    contract_price = forms.DecimalField(
        label=_("合同价（元）"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
    delivery_due = forms.DateField(label=_("约定交付日期"), widget=ISODateInput())


class DeliverForm(PortalForm):
    delivered_on = forms.DateField(label=_("实际交付日期"), widget=ISODateInput())


class RateForm(PortalForm):
    rating = forms.TypedChoiceField(
        label=_("评价"),
        coerce=int,
        choices=[(5, _("非常满意")), (4, _("满意")), (3, _("基本满意")), (2, _("不满意")), (1, _("非常不满意"))],
    )
    comment = forms.CharField(label=_("说明"), max_length=300, required=False)


class ComplaintForm(PortalForm):
    description = forms.CharField(label=_("投诉内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
