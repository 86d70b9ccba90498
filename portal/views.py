"""Pages of the core app: home, accounts, my enterprises, workbench shell, inbox, errors."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from portal import actions, selectors
from portal.exceptions import PermissionDeniedError, TransitionNotAllowed
from portal.filters import InboxFilterSet
from portal.forms import (
    AgentRegistrationForm,
    EnterpriseClaimForm,
    EnterpriseForm,
    EnterpriseSearchForm,
    MembershipDecisionForm,
    PortalAuthenticationForm,
    StaffEnterpriseForm,
)
from portal.models import Enterprise
from portal.permissions import ALL_STAFF, CLERK_ROLES, ENTERPRISE_ROLES, RoleRequiredMixin
from portal.validators import normalise_uscc
from portal.workdays import unknown_years


def form_errors_from(form, exc: ValidationError) -> None:
    """Copy an action's ValidationError onto a form, field by field where it names fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def safe_next_url(request, default) -> str:
    """Where to go after a POST: the ``next`` the page sent (POST, else GET) if it stays on this site,
    else ``default`` (a URL, a URL name or a model with get_absolute_url). The one "safe next URL" check."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default)


@dataclass(frozen=True)
class ActionOutcome:
    """What :func:`run_action` did: ``ok`` and the action's return value, or the error shown."""

    ok: bool
    value: Any = None
    error: str = ""
    # the input was wrong (a ValidationError): redisplay the form; otherwise a refusal (state, permission)
    invalid: bool = False

    def __bool__(self) -> bool:
        return self.ok


def run_action(
    request,
    fn: Callable,
    *args,
    success: str | Callable[[Any], str] | None = None,
    form=None,
    **kwargs,
) -> ActionOutcome:
    """The one way a page runs an action: call ``fn(*args, **kwargs)``; on success add the ``success``
    message (a string, or a function of the action's return value). A domain error changes nothing and
    is shown: wrong input (ValidationError/ActionError) on ``form`` next to its fields when a form is
    given (the view then redisplays the form with the typed input, ``outcome.invalid``), else as an
    error message; a refusal (TransitionNotAllowed, ConcurrentUpdate, PermissionDeniedError) as an error
    message. Returns an :class:`ActionOutcome` (truthy when the action succeeded)."""
    try:
        value = fn(*args, **kwargs)
    except ValidationError as exc:
        if form is not None:
            form_errors_from(form, exc)
        else:
            for message in exc.messages:
                messages.error(request, message)
        return ActionOutcome(False, error=" ".join(str(m) for m in exc.messages), invalid=True)
    except (TransitionNotAllowed, PermissionDeniedError) as exc:
        messages.error(request, exc.message)
        return ActionOutcome(False, error=str(exc.message))
    if success:
        messages.success(request, success(value) if callable(success) else success)
    return ActionOutcome(True, value=value)


class WorkflowMoveView(LoginRequiredMixin, View):
    """The one view that runs any move of a workflow from a page: POST ``<pk>/move/<name>/`` → the
    move's form → its action (:func:`run_action`) → a success message and back to where the user was
    (``next``, else the object's page); wrong input redisplays the object's page with the form's error
    summary and the errors next to its fields, the typed input kept (told once, in the form: not again
    as a message at the page top); a refusal (state, permission) is an error message.

    A subclass names ``entries`` (:func:`portal.workflow.move_entries`) and implements
    :meth:`get_object` (404 for whom may not see it), :meth:`render_invalid` (the object's page with the
    bound form; if the page cannot show that form, it tells its errors as a message) and
    :meth:`default_url`; :meth:`success_message` may be overridden."""

    entries: dict = {}

    def get_object(self, request, pk):  # pragma: no cover - subclasses
        raise NotImplementedError

    def default_url(self, obj) -> str:
        return obj.get_absolute_url()

    def render_invalid(self, request, obj, move: str, form):  # pragma: no cover - subclasses
        raise NotImplementedError

    def success_message(self, move: str, result) -> str:
        return _("已完成。")

    def make_form(self, entry, obj, *args):
        """The move's form for ``obj`` (a page listing many objects names the object in the form's ids)."""
        return entry.make_form(obj, *args)

    def post(self, request, pk, move):
        entry = self.entries.get(move)
        if entry is None:
            raise Http404
        obj = self.get_object(request, pk)
        form = self.make_form(entry, obj, request.POST, request.FILES) if entry.form is not None else None
        if form is not None and not form.is_valid():
            return self.render_invalid(request, obj, move, form)
        outcome = run_action(
            request,
            entry.run,
            request.user,
            obj,
            form.cleaned_data if form is not None else {},
            form=form,
            success=lambda result: self.success_message(move, result),
        )
        if not outcome and outcome.invalid and form is not None:
            return self.render_invalid(request, self.get_object(request, pk), move, form)
        return redirect(safe_next_url(request, self.default_url(obj)))


class HomeView(TemplateView):
    template_name = "portal/home.html"


class PortalLoginView(auth_views.LoginView):
    form_class = PortalAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PortalPasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("portal:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("密码已修改。"))
        return response


class RegisterView(FormView):
    """Self-registration of an enterprise agent account; then the agent claims an enterprise."""

    template_name = "portal/register.html"
    form_class = AgentRegistrationForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = actions.user_register_enterprise_agent(
                username=data["username"],
                password=data["password1"],
                display_name=data["display_name"],
                phone=data["phone"],
                email=data["email"],
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
            return self.form_invalid(form)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("账号已注册。请关联您的企业。"))
        return redirect("portal:enterprise_claim")


class MyEnterprisesView(LoginRequiredMixin, TemplateView):
    template_name = "portal/my_enterprises.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["memberships"] = selectors.membership_list_for_user(user=self.request.user)
        ctx["pending"] = selectors.membership_pending(user=self.request.user)
        return ctx


class EnterpriseDetailView(LoginRequiredMixin, TemplateView):
    """An enterprise's own page; 404 for anybody who may not see it."""

    template_name = "portal/enterprise_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        try:
            ctx["enterprise"] = selectors.enterprise_get(user=self.request.user, pk=kwargs["pk"])
        except Enterprise.DoesNotExist:
            raise Http404 from None
        ctx["members"] = ctx["enterprise"].memberships.select_related("user")
        return ctx


class EnterpriseClaimView(RoleRequiredMixin, FormView):
    """An enterprise member claims an existing enterprise or registers a new one."""

    allowed_roles = ENTERPRISE_ROLES
    template_name = "portal/enterprise_claim.html"
    form_class = EnterpriseClaimForm

    def form_valid(self, form):
        uscc = normalise_uscc(form.cleaned_data["uscc"])
        enterprise = Enterprise.objects.filter(uscc=uscc).first()
        if enterprise is None:
            url = reverse("portal:enterprise_register") + f"?uscc={uscc}&kind={form.cleaned_data['kind']}"
            return redirect(url)
        try:
            actions.membership_request(user=self.request.user, enterprise=enterprise, kind=form.cleaned_data["kind"])
        except ValidationError as exc:
            form_errors_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("申请已提交，窗口人员或企业法定代表人核验后即可办理业务。"))
        return redirect("portal:my_enterprises")


def _register_enterprise(request, form, *, override: bool = False) -> Enterprise | None:
    data = dict(form.cleaned_data)
    data.pop("uscc_override", None)
    try:
        return actions.enterprise_register(actor=request.user, uscc_override=override, **data)
    except (ValidationError, PermissionDeniedError) as exc:
        if isinstance(exc, PermissionDeniedError):
            form.add_error(None, exc.message)
        else:
            form_errors_from(form, exc)
        return None


class EnterpriseFormView(RoleRequiredMixin, FormView):
    """The one enterprise registration form, prefilled with the USCC the user typed before."""

    template_name = "portal/enterprise_form.html"

    def get_initial(self):
        return {"uscc": self.request.GET.get("uscc", "")}


class EnterpriseRegisterView(EnterpriseFormView):
    allowed_roles = ENTERPRISE_ROLES
    form_class = EnterpriseForm

    def form_valid(self, form):
        enterprise = _register_enterprise(self.request, form)
        if enterprise is None:
            return self.form_invalid(form)
        kind = self.request.GET.get("kind") or "agent"
        actions.membership_request(user=self.request.user, enterprise=enterprise, kind=kind)
        messages.success(self.request, _("企业已登记，成员身份待窗口人员核验。"))
        return redirect("portal:my_enterprises")


class RowFormView(LoginRequiredMixin, View):
    """One row of a list with its form on a page of its own. The list shows the form in each row and posts
    here; GET shows the row alone with its form, and wrong input comes back here: the error summary, the
    errors next to the fields, what was typed kept, nothing changed (the 督办 decisions' pattern). Success
    goes back to ``next`` (the list the person came from), a refusal (state, permission) likewise, with its
    message.

    A subclass sets ``title``, ``submit_label``, ``back_url`` (a URL name) and ``success_message`` and
    implements :meth:`get_object` (404 for whom may not see it), :meth:`make_form` (the row's form, its ids
    naming the row so a list of rows has unique ids), :meth:`facts` (``(label, value)`` pairs that say
    which row this is) and :meth:`perform` (the action)."""

    template_name = "portal/row_form.html"
    title = ""
    submit_label = ""
    back_url = ""
    success_message = ""

    def get_object(self, request, pk):  # pragma: no cover - subclasses
        raise NotImplementedError

    def make_form(self, obj, data=None):  # pragma: no cover - subclasses
        raise NotImplementedError

    def facts(self, obj) -> list[tuple[str, Any]]:  # pragma: no cover - subclasses
        raise NotImplementedError

    def perform(self, obj, data):  # pragma: no cover - subclasses
        raise NotImplementedError

    def render_page(self, request, obj, form):
        ctx = {
            "title": self.title,
            "submit_label": self.submit_label,
            "obj": obj,
            "facts": self.facts(obj),
            "form": form,
            "next": safe_next_url(request, self.back_url),
        }
        return render(request, self.template_name, ctx)

    def get(self, request, pk):
        obj = self.get_object(request, pk)
        return self.render_page(request, obj, self.make_form(obj))

    def post(self, request, pk):
        obj = self.get_object(request, pk)
        form = self.make_form(obj, request.POST)
        if not form.is_valid():
            return self.render_page(request, obj, form)
        outcome = run_action(request, self.perform, obj, form.cleaned_data, form=form, success=self.success_message)
        if not outcome and outcome.invalid:
            return self.render_page(request, obj, form)
        return redirect(safe_next_url(request, self.back_url))


class MembershipDecideView(RowFormView):
    """A clerk or the enterprise's verified 法定代表人 verifies or rejects a membership claim."""

    title = gettext_lazy("核验成员申请")
    submit_label = gettext_lazy("提交")
    back_url = "portal:my_enterprises"
    success_message = gettext_lazy("已处理成员申请。")

    def get_object(self, request, pk):
        return get_object_or_404(selectors.membership_pending(user=request.user), pk=pk)

    def make_form(self, membership, data=None):
        return MembershipDecisionForm.for_row(membership, data)

    def facts(self, membership):
        return [
            (_("申请人"), membership.user.name),
            (_("企业"), f"{membership.enterprise.name}（{membership.enterprise.uscc}）"),
            (_("身份"), membership.get_kind_display()),
            (_("申请时间"), membership.created_at),
        ]

    def perform(self, membership, data):
        return actions.membership_decide(
            actor=self.request.user,
            membership=membership,
            approve=data["decision"] == "approve",
            reason=data["reason"],
        )


class WorkbenchView(RoleRequiredMixin, TemplateView):
    """The staff workbench shell: each app adds its cards through templates/<app>/_workbench.html."""

    allowed_roles = ALL_STAFF
    template_name = "portal/workbench.html"

    def get_context_data(self, **kwargs):
        from django.utils import timezone

        ctx = super().get_context_data(**kwargs)
        year = timezone.localdate().year
        ctx["calendar_unknown_years"] = unknown_years([year, year + 1])
        return ctx


class StaffEnterpriseListView(RoleRequiredMixin, TemplateView):
    """Window clerks find an enterprise by USCC or name (or go on to register it)."""

    allowed_roles = CLERK_ROLES
    template_name = "portal/staff_enterprise_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = EnterpriseSearchForm(self.request.GET or None)
        q = form.cleaned_data["q"] if form.is_valid() else ""
        page = Paginator(selectors.enterprise_list(user=self.request.user, q=q), 20).get_page(
            self.request.GET.get("page")
        )
        ctx.update(form=form, page=page, q=q)
        return ctx


class StaffEnterpriseRegisterView(EnterpriseFormView):
    allowed_roles = CLERK_ROLES
    form_class = StaffEnterpriseForm

    def form_valid(self, form):
        enterprise = _register_enterprise(self.request, form, override=form.cleaned_data.get("uscc_override", False))
        if enterprise is None:
            return self.form_invalid(form)
        messages.success(self.request, _("企业 %(name)s 已登记。") % {"name": enterprise.name})
        return redirect(reverse("portal:staff_enterprises") + f"?q={enterprise.uscc}")


class MembershipQueueView(RoleRequiredMixin, TemplateView):
    allowed_roles = CLERK_ROLES
    template_name = "portal/membership_queue.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["pending"] = selectors.membership_pending(user=self.request.user)[:200]
        return ctx


class InboxView(LoginRequiredMixin, TemplateView):
    """The user's messages, newest first, filtered (unread or all, by source); mark one or all read."""

    template_name = "portal/inbox.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        filterset = InboxFilterSet(
            self.request.GET or None, queryset=selectors.inbox(user=user), sources=selectors.inbox_sources(user=user)
        )
        ctx["form"] = filterset.form
        ctx["page"] = Paginator(filterset.qs, 20).get_page(self.request.GET.get("page"))
        return ctx

    def post(self, request):
        """Mark one message read (``notification``: its id) or all of them; back to the same list."""
        raw = request.POST.get("notification", "")
        if raw and not raw.isdigit():
            messages.error(request, _("请选择要标为已读的消息。"))
        elif raw:
            actions.notification_mark_read(user=request.user, notification_ids=[int(raw)])
            messages.success(request, _("已标为已读。"))
        else:
            count = actions.notification_mark_read(user=request.user)
            messages.success(request, _("已将 %(count)d 条消息标为已读。") % {"count": count})
        back = request.POST.get("next", "")
        if back.startswith("?") and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
            return redirect(reverse("portal:inbox") + back)
        return redirect("portal:inbox")


class ApiTokenListView(LoginRequiredMixin, TemplateView):
    """The user's own API tokens: when issued, until when, last used; revoke one or all."""

    template_name = "portal/api_tokens.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["page"] = Paginator(selectors.api_token_list(user=self.request.user), 20).get_page(
            self.request.GET.get("page")
        )
        return ctx

    def post(self, request):
        raw = request.POST.get("token", "")
        if raw and not raw.isdigit():
            messages.error(request, _("请选择要吊销的令牌。"))
            return redirect("portal:api_tokens")
        count = actions.api_tokens_revoke(
            actor=request.user, user=request.user, reason="owner", token_ids=[int(raw)] if raw else None
        )
        messages.success(request, _("已吊销 %(count)d 个令牌。") % {"count": count})
        return redirect("portal:api_tokens")


def _detail_json(request, status: int, message) -> JsonResponse:
    return JsonResponse({"detail": str(message)}, status=status)


# Path prefix → how an error looks there, when Django itself answers (no route matches, a NUL in the
# request, a crash). The API's is JSON (docs/api.md); an app with its own error format registers it from its
# AppConfig.ready (open311: Open311's error list), so the core imports no feature app.
ERROR_RENDERERS = {"/api/": _detail_json}


def register_error_renderer(prefix: str, renderer) -> None:
    ERROR_RENDERERS[prefix] = renderer


def _api_error(request, status: int, message):
    """An error in the format of the machine interface the path belongs to; None for pages (HTML)."""
    for prefix, renderer in ERROR_RENDERERS.items():
        if request.path.startswith(prefix):
            return renderer(request, status, message)
    return None


def error_404(request, exception=None):
    return _api_error(request, 404, _("未找到。")) or render(request, "errors/404.html", status=404)


def error_403(request, exception=None):
    return _api_error(request, 403, _("您没有执行此操作的权限。")) or render(request, "errors/403.html", status=403)


def error_500(request):
    return _api_error(request, 500, _("服务器内部错误。")) or render(request, "errors/500.html", status=500)


def error_400(request, exception=None, message=None):
    return _api_error(request, 400, message or _("请求有误。")) or render(
        request, "errors/400.html", {"message": message}, status=400
    )


def healthz(request):
    """Load-balancer health check: the process answers and the database is reachable."""
    from django.db import connection
    from django.http import JsonResponse

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})
