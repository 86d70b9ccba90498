"""Helpers shared by the insights pages: refusals as messages, the period form."""

from django.contrib import messages

from ..forms import PeriodForm


def _refuse(request, exc) -> None:
    messages.error(request, str(getattr(exc, "message", exc)))


def _period_form(request, form_class=PeriodForm):
    form = form_class(request.GET or None)
    if request.GET and not form.is_valid():
        return form, None
    if not request.GET:
        form = form_class({})
        form.is_valid()
    return form, form.cleaned_data.get("period_obj")
