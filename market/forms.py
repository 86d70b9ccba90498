"""Forms of the market pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from market.models import Facility


class BookingForm(forms.Form):
    facility = forms.ModelChoiceField(label=_("设施"), queryset=Facility.objects.active())
    start = forms.DateTimeField(
        label=_("开始"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    end = forms.DateTimeField(
        label=_("结束"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    purpose = forms.CharField(label=_("用途"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=300, required=False)
