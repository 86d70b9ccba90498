"""Pages of the policies app: the calculator (what-if without login), the library, a policy's page, staff's
per-policy list of qualifying enterprises, and 免申即享 entitlements."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from portal.models import Enterprise
from portal.models.enterprises import enterprise_ids_for
from portal.permissions import (
    ADMIN_ROLES,
    ALL_STAFF,
    CLERK_ROLES,
    ENTERPRISE_ROLES,
    RoleRequiredMixin,
    is_enterprise_user,
)
from portal.views import run_action, safe_next_url

from . import actions, selectors
from .filters import EntitlementFilterSet, PolicyFilterSet
from .forms import EntitlementDecisionForm, ProfileForm
from .models import Condition, Entitlement, Policy
from .workflow import is_clerk

PROFILE_FIELDS = (
    "industry",
    "size_class",
    "established",
    "registered_capital",
    "revenue",
    "rd_expense",
    "high_tech_revenue",
    "export_revenue",
    "staff",
    "tech_staff",
    "tax_credit_grade",
)


def profile_initial(enterprise: Enterprise) -> dict:
    initial = {name: getattr(enterprise, name) for name in PROFILE_FIELDS}
    initial["region"] = enterprise.region.code
    held = selectors.held_certifications(enterprise)
    initial["certifications"] = [c.code for c in enterprise.certifications.all()] if held is None else held
    return initial


class CalculatorView(TemplateView):
    """政策计算器. Anyone may run a what-if (GET: nothing is ever written). Members see their enterprise's
    record prefilled; staff pick an enterprise by name or credit code."""

    template_name = "policies/calculator.html"
    RESULT_LIMIT = 30

    def _enterprise(self):
        user, params = self.request.user, self.request.GET
        if not user.is_authenticated:
            return None, []
        choices = []
        if is_enterprise_user(user):
            choices = list(Enterprise.objects.filter(pk__in=enterprise_ids_for(user)).order_by("name"))
        wanted = params.get("enterprise", "")
        if wanted.isdigit():
            try:
                return selectors.enterprise_for_matching(user=user, pk=int(wanted)), choices
            except Enterprise.DoesNotExist:
                raise Http404 from None
        search = params.get("enterprise_q", "").strip()
        if search and user.is_portal_staff:
            found = (
                Enterprise.objects.visible_to(user)
                .filter(Q(uscc__iexact=search.upper()) | Q(name__icontains=search))
                .order_by("name")
                .values_list("pk", flat=True)
                .first()
            )
            if found is None:
                messages.warning(self.request, _("没有找到企业“%(q)s”。") % {"q": search})
                return None, choices
            return selectors.enterprise_for_matching(user=user, pk=found), choices
        if choices:
            return selectors.enterprise_for_matching(user=user, pk=choices[0].pk), choices
        return None, choices

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        enterprise, choices = self._enterprise()
        result = facts = None
        if "calc" in self.request.GET:
            form = ProfileForm(self.request.GET)
            if form.is_valid():
                facts = selectors.facts_from_profile(form.profile())
        elif enterprise is not None:
            form = ProfileForm(initial=profile_initial(enterprise))
            facts = selectors.facts_for_enterprise(enterprise)
        else:
            form = ProfileForm()
        if facts is not None:  # the catalogue's key came with the enterprise, if any (one query fewer)
            key = enterprise.catalogue_key if enterprise is not None else None
            result = selectors.match_facts(facts, catalogue_key=key)
        show_all = self.request.GET.get("all") == "1"
        params = self.request.GET.copy()
        params["all"] = "1"
        ctx.update(
            # Each list shows the RESULT_LIMIT richest policies first; a link shows all (a city's catalogue
            # can put hundreds of policies in 差一点).
            show_all=show_all,
            result_slice=":" if show_all else f":{self.RESULT_LIMIT}",
            result_limit=self.RESULT_LIMIT,
            show_all_query=params.urlencode(),
            form=form,
            enterprise=enterprise,
            enterprise_choices=choices,
            result=result,
            is_what_if="calc" in self.request.GET,
            can_pick_enterprise=self.request.user.is_authenticated and self.request.user.is_portal_staff,
        )
        return ctx


class PolicyLibraryView(TemplateView):
    """政策库: published policies (staff also see drafts and expired ones), with search and filters."""

    template_name = "policies/library.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        filterset = PolicyFilterSet(
            self.request.GET or None, queryset=selectors.policy_queryset(user=self.request.user)
        )
        if not (self.request.user.is_authenticated and self.request.user.is_portal_staff):
            del filterset.form.fields["status"]
        ctx["filterset"] = filterset
        ctx["form"] = filterset.form
        ctx["page"] = Paginator(filterset.qs, 20).get_page(self.request.GET.get("page"))
        return ctx


class PolicyDetailView(TemplateView):
    template_name = "policies/policy_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        try:
            policy = selectors.policy_get(user=self.request.user, pk=kwargs["pk"])
        except Policy.DoesNotExist:
            raise Http404 from None
        groups: dict[int, list[str]] = {}
        for condition in policy.conditions.all():
            groups.setdefault(condition.group, []).append(condition.plain_text())
        ctx.update(policy=policy, condition_groups=list(groups.values()))
        if self.request.user.is_authenticated and self.request.user.is_portal_staff:
            ctx["versions"] = policy.versions.select_related("created_by")[:20]
        return ctx


class PolicyEnterprisesView(RoleRequiredMixin, TemplateView):
    """Staff: which enterprises qualify, nearly qualify, or lack data for one policy."""

    allowed_roles = ALL_STAFF
    template_name = "policies/policy_enterprises.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        policy = get_object_or_404(Policy.objects.select_related("region", "department"), pk=kwargs["pk"])
        ctx.update(policy=policy, matches=selectors.policy_enterprise_matches(policy=policy))
        return ctx


class EntitlementListView(RoleRequiredMixin, TemplateView):
    """免申即享 entitlements: members see their enterprises', clerks all (and decide)."""

    allowed_roles = ENTERPRISE_ROLES | CLERK_ROLES
    template_name = "policies/entitlements.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qs = selectors.entitlement_list(user=self.request.user)
        filterset = EntitlementFilterSet(self.request.GET or None, queryset=qs)
        ctx.update(
            form=filterset.form,
            page=Paginator(filterset.qs, 20).get_page(self.request.GET.get("page")),
            decision_form=EntitlementDecisionForm(),
            can_decide=is_clerk(self.request.user),
        )
        return ctx


class EntitlementDecideView(RoleRequiredMixin, View):
    """A clerk confirms or withdraws one entitlement. The list has the form in each row; this page shows
    the entitlement with the form on its own (GET), and is where a decision with wrong input comes back
    (the error summary, the typed reason kept). Success goes back to ``next`` (the filtered list)."""

    allowed_roles = CLERK_ROLES
    template_name = "policies/entitlement_decide.html"

    def get_object(self, request, pk):
        queryset = Entitlement.objects.visible_to(request.user).select_related("policy", "enterprise")
        return get_object_or_404(queryset, pk=pk)

    def render_page(self, request, entitlement, form):
        ctx = {"entitlement": entitlement, "form": form, "next": safe_next_url(request, "policies:entitlements")}
        return render(request, self.template_name, ctx)

    def get(self, request, pk):
        entitlement = self.get_object(request, pk)
        return self.render_page(request, entitlement, EntitlementDecisionForm(entitlement=entitlement))

    def post(self, request, pk):
        entitlement = self.get_object(request, pk)
        form = EntitlementDecisionForm(request.POST, entitlement=entitlement)
        if not form.is_valid():
            return self.render_page(request, entitlement, form)
        data = form.cleaned_data
        decide, success = {
            "confirm": (actions.entitlement_confirm, _("已确认兑付。")),
            "withdraw": (actions.entitlement_withdraw, _("已撤回。")),
        }[data["decision"]]
        outcome = run_action(
            request,
            decide,
            actor=request.user,
            entitlement=entitlement,
            reason=data["reason"],
            form=form,
            success=success,
        )
        if not outcome and outcome.invalid:
            return self.render_page(request, entitlement, form)
        return redirect(safe_next_url(request, "policies:entitlements"))


class ConditionPreviewView(RoleRequiredMixin, View):
    """Admin helper: the plain-language preview of one condition row, or why it cannot be saved."""

    allowed_roles = ADMIN_ROLES

    def get(self, request):
        keys = ("fact", "operator", "value", "value2", "guard_fact", "guard_operator", "guard_value", "guard_value2")
        condition = Condition(**{key: request.GET.get(key, "") for key in keys})
        try:
            condition.clean()
            return JsonResponse({"ok": True, "text": condition.plain_text()})
        except ValidationError as exc:
            return JsonResponse({"ok": False, "text": " ".join(exc.messages)})
