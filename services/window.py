"""Window mode (窗口受理, issue 15): the clerk's start page for a walk-in application.

A walk-in takes three page loads: this page (the enterprise by type-ahead, the bundle), the bundle page in
window mode (the enterprise fixed, its contact filled in, the cursor in the first field, posted straight to
the one submit — :class:`services.views.ApplicationSubmitView`, the same form and action as online, the
channel 综合窗口 and the clerk recorded as the one who submitted on the enterprise's behalf), then the
receipt with its materials checklist, to print. Online and at the window the application is one standard.
"""

from urllib.parse import urlencode

from django import forms
from django.apps import apps
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from portal.formkit import PortalForm
from portal.lookups import enterprise_option_label, limit_rendered_choices, typeahead_attrs
from portal.models import Enterprise
from portal.permissions import CLERK_ROLES, RoleRequiredMixin

from .models import Bundle


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return enterprise_option_label(obj)


class BundleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


# The window's shortcuts, said once: the page lists them, the elements carry them (data-shortcut and
# aria-keyshortcuts), static/js/window.js runs them. Alt combinations only, so typing is never taken over.
SHORTCUTS = (
    ("Alt+N", _("新的窗口受理（本页）")),
    ("Alt+K", _("查找企业：光标移到企业搜索框")),
    ("Alt+I", _("为选定的企业代为登记问题（本页）")),
    ("Alt+S", _("提交代办申请（一类事申请页）")),
    ("Alt+P", _("打印受理回执（回执页）")),
)


class WalkInForm(PortalForm):
    """Who walked in and for which bundle."""

    enterprise = EnterpriseChoiceField(
        label=_("办事企业"),
        queryset=Enterprise.objects.none(),
        help_text=_("输入企业名称、统一社会信用代码或法定代表人查找；找不到时请先登记企业。"),
        empty_label="—",
    )
    bundle = BundleChoiceField(
        label=_("申请的一类事"), queryset=Bundle.objects.none(), to_field_name="code", empty_label="—"
    )

    def __init__(self, *args, user, for_problem: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # a walk-in problem needs the enterprise only
        self.fields["bundle"].required = not for_problem
        enterprise = self.fields["enterprise"]
        enterprise.queryset = Enterprise.objects.visible_to(user).only("pk", "name", "uscc").order_by("name")
        enterprise.widget.attrs.update(
            typeahead_attrs(reverse_lazy("portal:enterprise_lookup")), **{"data-shortcut": "Alt+K"}
        )
        self.fields["bundle"].queryset = (
            Bundle.objects.visible_to(user).only("pk", "code", "name").order_by("kind", "order", "code")
        )
        limit_rendered_choices(enterprise, chosen=(self.data or self.initial).get("enterprise"))
        # the cursor waits in the first field still to fill in
        first = "bundle" if self.initial.get("enterprise") and not self.is_bound else "enterprise"
        self.fields[first].widget.attrs["autofocus"] = True


class WalkInStartView(RoleRequiredMixin, TemplateView):
    """GET without a choice: the form; ``?enterprise=<id>`` alone (from the enterprise list): that enterprise
    chosen; with both chosen: on to the bundle page in window mode. ``then=problem`` (the second button,
    when the issues app is installed): on to its walk-in problem intake for the enterprise instead."""

    allowed_roles = CLERK_ROLES
    template_name = "services/window.html"

    def get(self, request, *args, **kwargs):
        params = request.GET
        if "bundle" in params or "then" in params:
            for_problem = params.get("then") == "problem" and problems_installed()
            form = WalkInForm(params, user=request.user, for_problem=for_problem)
            if form.is_valid():
                query = urlencode({"enterprise": form.cleaned_data["enterprise"].pk})
                if for_problem:
                    return redirect(reverse("issues:issue_intake") + "?" + query)
                return redirect(
                    reverse("services:bundle_detail", args=[form.cleaned_data["bundle"].code]) + "?" + query
                )
            return self.render_to_response(self.get_context_data(form=form), status=400)
        initial = {"enterprise": params["enterprise"]} if params.get("enterprise", "").isdigit() else {}
        return self.render_to_response(self.get_context_data(form=WalkInForm(initial=initial, user=request.user)))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["problems"] = problems_installed()
        ctx["shortcuts"] = [(keys, what) for keys, what in SHORTCUTS if keys != "Alt+I" or ctx["problems"]]
        return ctx


def problems_installed() -> bool:
    """Whether the walk-in problem intake (the issues app) is there to go on to."""
    return apps.is_installed("issues")
