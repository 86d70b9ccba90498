"""Pages of the services app: the catalogue, applying (online and at the window), my
applications, the receipt, and the department inbox. Views are thin: reads through selectors,
writes through actions."""

import io
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from portal.exceptions import PermissionDeniedError
from portal.models import Enterprise
from portal.pagination import Paginator
from portal.permissions import (
    AUDIT_ROLES,
    CLERK_ROLES,
    ENTERPRISE_ROLES,
    HANDLER_ROLES,
    RoleRequiredMixin,
    is_clerk,
    is_enterprise_user,
)
from portal.views import WorkflowMoveView, form_errors_from
from portal.workdays import unknown_years

from . import actions, selectors
from .catalogue_cache import cached_by_catalogue
from .choices import Channel, ItemKind
from .filters import ApplicationFilterSet, BundleFilterSet, TaskFilterSet
from .forms import ApplyForm
from .models import Application, ApplicationItem, Bundle, drafts_visible_to
from .moves import ENTRIES as TASK_MOVES
from .workflow import FINAL_TASK_STATUSES, TASK

APPLICANT_ROLES = ENTERPRISE_ROLES | CLERK_ROLES


class CatalogueView(TemplateView):
    """The catalogue home: bundles by life-cycle stage and by industry chain, with search and filters."""

    template_name = "services/catalogue.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        enterprise_param = _behalf_param(self.request)
        ctx["enterprise_param"] = enterprise_param
        if not self.request.GET:
            # Unfiltered, the list is a pure function of the catalogue: rendered once per version.
            audience = "all" if drafts_visible_to(self.request.user) else "published"
            ctx["body"] = cached_by_catalogue(f"home:{audience}", lambda: self.render_body(enterprise_param))
        else:
            ctx.update(self.body_context(enterprise_param))
        return ctx

    def body_context(self, enterprise_param: str) -> dict:
        filterset = BundleFilterSet(self.request.GET or None, queryset=selectors.bundle_list(user=self.request.user))
        bundles = list(filterset.qs)
        return {
            "filter": filterset,
            "bundles": bundles,
            "groups": selectors.catalogue_groups(bundles),
            "enterprise_param": enterprise_param,
        }

    def render_body(self, enterprise_param: str) -> str:
        return render_to_string("services/_catalogue_body.html", self.body_context(enterprise_param))


def _behalf_param(request) -> str:
    """``?enterprise=<id>`` carried through the catalogue when a clerk applies for a walk-in."""
    value = request.GET.get("enterprise", "")
    return value if value.isdigit() and is_clerk(request.user) else ""


class _ApplyMixin:
    """Shared by the bundle page, the check page and the submit: the bundle, the applicant's
    enterprises and the form."""

    def applicant_context(self, data=None, initial=None):
        user = self.request.user
        fixed = None
        if is_clerk(user):
            source = data if data is not None else self.request.GET
            pk = (source.get("enterprise") or "") if source is not None else ""
            if pk.isdigit():
                fixed = Enterprise.objects.filter(pk=int(pk)).first()
            enterprises = Enterprise.objects.filter(pk=fixed.pk) if fixed else Enterprise.objects.none()
        elif is_enterprise_user(user):
            enterprises = selectors.enterprises_for_applicant(user=user)
        else:
            enterprises = Enterprise.objects.none()
        len(enterprises)  # read once: count(), bool() and [0] below use the rows read
        if fixed is not None:
            # a walk-in: the enterprise's own contact until the clerk types another (or a change link brings
            # back what was typed)
            initial = {**fixed.walk_in_contact(), **(initial or {}), "enterprise": fixed.pk}
        elif not (initial or {}).get("enterprise") and enterprises.count() == 1:
            initial = {**(initial or {}), "enterprise": enterprises[0].pk}
        form = ApplyForm(data, initial=initial, enterprises=enterprises, fixed_enterprise=fixed)
        return form, fixed, enterprises

    def bundle_context(self, bundle, form, fixed, enterprises, enterprise=None, items=None):
        if items is None:
            _bundle, items = selectors.bundle_offer(code=bundle.code)
        if enterprise is None:
            enterprise = fixed or (enterprises[0] if enterprises else None)
        if form.is_bound:
            ticked = set(form.cleaned_data.get("selected", [])) if hasattr(form, "cleaned_data") else set()
            if not ticked:
                ticked = {int(v) for v in form.data.getlist("selected") if str(v).isdigit()}
        elif "selected" in form.initial:
            ticked = set(form.initial["selected"])
        else:
            ticked = {bi.pk for bi in items if bi.default_selected or bi.recommended_for(enterprise)}
        basic = [bi for bi in items if bi.kind == ItemKind.BASIC]
        value_added = [bi for bi in items if bi.kind == ItemKind.VALUE_ADDED]
        # Basic items are always part of the application: shown as included, never as boxes to untick.
        chosen = basic + [bi for bi in value_added if bi.pk in ticked]
        can_apply = bool(enterprises) and bundle.published
        window_mode = can_apply and fixed is not None
        if window_mode and not form.is_bound and not value_added:
            form.fields["contact_name"].widget.attrs["autofocus"] = True
        return {
            # At the window the page is its own check: the clerk reads it back with the person at the counter
            # and submits straight to the one submit (same form, same action); the receipt follows.
            "window_mode": window_mode,
            "bundle": bundle,
            "basic_items": basic,
            "value_added_items": value_added,
            "recommended": {bi.pk for bi in items if bi.recommended_for(enterprise)},
            "ticked": ticked,
            "chosen_items": chosen,
            "form": form,
            "behalf_enterprise": fixed,
            "can_apply": can_apply,
            "task_list": application_task_list(form, chosen) if can_apply else [],
        }


class TaskState:
    """The status of one part of a bundle application (the GOV.UK task list), said once."""

    DONE = "done"
    TO_DO = "todo"
    ERROR = "error"
    CANNOT_START = "cannot_start"
    TO_READ = "to_read"
    LABELS = {
        TO_READ: _lazy("请查看"),
        DONE: _lazy("已完成"),
        TO_DO: _lazy("未完成"),
        ERROR: _lazy("有问题"),
        CANNOT_START: _lazy("暂不能开始"),
    }


CONTACT_FIELDS = ("contact_name", "contact_phone", "address", "note")


def application_task_list(form, chosen) -> list[dict]:
    """The parts of a bundle application, each with its anchor on the page and its status: the items,
    the materials to bring, the contact details, then checking the answers (the next page)."""
    errors = form.errors if form.is_bound else {}
    values = form.data if form.is_bound else form.initial
    items_state = TaskState.ERROR if ("selected" in errors or "__all__" in errors) else TaskState.DONE
    contact_filled = all(values.get(name) for name in ("contact_name", "contact_phone"))
    if any(name in errors for name in CONTACT_FIELDS):
        contact_state = TaskState.ERROR
    elif contact_filled:
        contact_state = TaskState.DONE
    else:
        contact_state = TaskState.TO_DO
    materials = sum(bi.material_count for bi in chosen)
    ready = items_state == contact_state == TaskState.DONE
    parts = [
        ("items", _lazy("选择办理事项"), items_state, ngettext("已选 %(n)d 项", "已选 %(n)d 项", len(chosen))),
        ("materials", _lazy("准备申请材料"), TaskState.TO_READ, ngettext("%(n)d 份材料", "%(n)d 份材料", materials)),
        ("contact", _lazy("填写联系信息"), contact_state, ""),
        ("check", _lazy("核对并提交"), TaskState.TO_DO if ready else TaskState.CANNOT_START, ""),
    ]
    counts = {"items": len(chosen), "materials": materials}
    return [
        {
            "anchor": anchor,
            "title": title,
            "state": state,
            "state_label": TaskState.LABELS[state],
            "detail": detail % {"n": counts[anchor]} if detail else "",
        }
        for anchor, title, state, detail in parts
    ]


class BundleDetailView(_ApplyMixin, TemplateView):
    """The bundle page: basic items listed, value-added items as checkboxes, shared answers once."""

    template_name = "services/bundle_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        try:
            bundle, items = selectors.bundle_cached(user=self.request.user, code=kwargs["code"])
        except Bundle.DoesNotExist:
            raise Http404 from None
        initial = _initial_from_query(self.request.GET)
        form, fixed, enterprises = self.applicant_context(initial=initial)
        ctx.update(self.bundle_context(bundle, form, fixed, enterprises, items=items))
        if is_clerk(self.request.user) and fixed is None:
            ctx["needs_enterprise"] = True
        return ctx


def _initial_from_query(query) -> dict:
    """Answers carried back by a "change" link of the check page."""
    initial = {}
    for field in ("token", "contact_name", "contact_phone", "address", "note", "enterprise"):
        if query.get(field):
            initial[field] = query.get(field)
    if "changing" in query:
        initial["selected"] = {int(v) for v in query.getlist("selected") if v.isdigit()}
    return initial


class _PostedBundleMixin(_ApplyMixin):
    def get_bundle(self, code: str) -> Bundle:
        # An unpublished bundle is still found here so the action can say it was taken down.
        try:
            return selectors.bundle_get_any(code=code)
        except Bundle.DoesNotExist:
            raise Http404 from None


class ApplyCheckView(RoleRequiredMixin, _PostedBundleMixin, View):
    """POST of the bundle page: validate, then show "check your answers" with change links."""

    allowed_roles = APPLICANT_ROLES

    def post(self, request, code):
        bundle = self.get_bundle(code)
        form, fixed, enterprises = self.applicant_context(data=request.POST)
        chosen = _validate(form, bundle)
        if chosen is None:
            ctx = self.bundle_context(bundle, form, fixed, enterprises)
            return render(request, "services/bundle_detail.html", ctx, status=400)
        data = form.cleaned_data
        change_query = urlencode(
            [
                ("changing", "1"),
                ("token", data["token"]),
                ("enterprise", data["enterprise"].pk),
                ("contact_name", data["contact_name"]),
                ("contact_phone", data["contact_phone"]),
                ("address", data["address"]),
                ("note", data["note"]),
                *[("selected", bi.pk) for bi in chosen],
            ]
        )
        return render(
            request,
            "services/check_answers.html",
            {
                "bundle": bundle,
                "form": form,
                "data": data,
                "chosen": chosen,
                "basic": [bi for bi in chosen if bi.is_basic],
                "value_added": [bi for bi in chosen if not bi.is_basic],
                "change_url": reverse("services:bundle_detail", args=[bundle.code]) + "?" + change_query,
                "behalf_enterprise": fixed,
            },
        )


def _validate(form, bundle):
    """The chosen bundle items if the form and the selection are valid, else None (errors on form)."""
    if not form.is_valid():
        return None
    try:
        return actions.check_selection(bundle=bundle, selected_ids=form.cleaned_data["selected"], basic_included=True)
    except ValidationError as exc:
        form_errors_from(form, exc)
        return None


class ApplicationSubmitView(RoleRequiredMixin, _PostedBundleMixin, View):
    """POST of the check page: submit once (the form's token makes a second post a no-op)."""

    allowed_roles = APPLICANT_ROLES

    def post(self, request, code):
        bundle = self.get_bundle(code)
        form, fixed, enterprises = self.applicant_context(data=request.POST)
        if not form.is_valid():
            ctx = self.bundle_context(bundle, form, fixed, enterprises)
            return render(request, "services/bundle_detail.html", ctx, status=400)
        data = form.cleaned_data
        try:
            application = actions.application_submit(
                actor=request.user,
                bundle=bundle,
                enterprise=data["enterprise"],
                selected_ids=data["selected"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                address=data["address"],
                note=data["note"],
                basic_included=True,
                channel=Channel.WINDOW if fixed is not None else Channel.ONLINE,
                idempotency_key=data["token"],
            )
        except actions.DuplicateSubmission as exc:
            messages.warning(request, exc.messages[0])
            return redirect("services:application_confirmation", pk=exc.application.pk)
        except PermissionDeniedError as exc:
            form.add_error(None, exc.message)
            return render(
                request,
                "services/bundle_detail.html",
                self.bundle_context(bundle, form, fixed, enterprises),
                status=403,
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
            ctx = self.bundle_context(bundle, form, fixed, enterprises)
            return render(request, "services/bundle_detail.html", ctx, status=400)
        messages.success(request, _("申请已提交，编号 %(ref)s。") % {"ref": application.reference})
        if application.on_behalf:
            # at the window the next thing is the printed receipt with the materials checklist
            return redirect("services:application_receipt", pk=application.pk)
        return redirect("services:application_confirmation", pk=application.pk)


class SelectionCheckView(_PostedBundleMixin, View):
    """htmx: the requires/excludes verdict for the ticked boxes, as a fragment, while the user
    ticks. Only an enhancement: the same check runs on the server when the form is posted."""

    def post(self, request, code):
        bundle = self.get_bundle(code)
        selected = [v for v in request.POST.getlist("selected") if v.isdigit()]
        problems: list[str] = []
        chosen = []
        try:
            chosen = actions.check_selection(bundle=bundle, selected_ids=selected, basic_included=True)
        except ValidationError as exc:
            problems = exc.messages
        return render(
            request,
            "services/_selection_status.html",
            {"problems": problems, "count": len(chosen), "extras": sum(1 for bi in chosen if not bi.is_basic)},
        )


class _ApplicationObjectMixin:
    def get_application(self, pk) -> Application:
        try:
            return selectors.application_get(user=self.request.user, pk=pk)
        except Application.DoesNotExist:
            raise Http404 from None


class ApplicationConfirmationView(RoleRequiredMixin, _ApplicationObjectMixin, TemplateView):
    allowed_roles = APPLICANT_ROLES
    template_name = "services/confirmation.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["application"] = self.get_application(kwargs["pk"])
        return ctx


class ApplicationDetailView(RoleRequiredMixin, _ApplicationObjectMixin, TemplateView):
    """The application's status page (the receipt's QR code points here): every task and its state."""

    allowed_roles = APPLICANT_ROLES | HANDLER_ROLES | AUDIT_ROLES
    template_name = "services/application_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["application"] = self.get_application(kwargs["pk"])
        return ctx


class ApplicationReceiptView(RoleRequiredMixin, _ApplicationObjectMixin, TemplateView):
    """受理回执: printable, with a QR code (SVG) to the application's status page and the materials
    checklist (a box to tick for each material handed in at the window)."""

    allowed_roles = APPLICANT_ROLES
    template_name = "services/receipt.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        application = self.get_application(kwargs["pk"])
        url = self.request.build_absolute_uri(application.get_absolute_url())
        buffer = io.BytesIO()
        segno.make(url, error="m").save(
            buffer, kind="svg", scale=3, xmldecl=False, svgns=True, title=application.reference
        )
        ctx.update(
            application=application,
            status_url=url,
            qr_svg=mark_safe(buffer.getvalue().decode()),
            checklist=selectors.application_checklist(application=application),
        )
        return ctx


class ApplicationListView(RoleRequiredMixin, TemplateView):
    """My applications (members), or all of them with filters (window staff), with their tasks."""

    allowed_roles = APPLICANT_ROLES | AUDIT_ROLES
    template_name = "services/application_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        filterset = ApplicationFilterSet(
            self.request.GET or None, queryset=selectors.application_list(user=self.request.user)
        )
        ctx["filter"] = filterset
        ctx["page"] = Paginator(filterset.qs, 10).get_page(self.request.GET.get("page"))
        return ctx


class TaskInboxView(RoleRequiredMixin, TemplateView):
    """The department's inbox of fulfilment tasks, with filters: open tasks, earliest due first, unless
    finished ones are asked for (the toggle, or a status filter that names a final status)."""

    allowed_roles = HANDLER_ROLES
    template_name = "services/task_inbox.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        params = self.request.GET
        show_finished = params.get("finished") == "1" or params.get("status") in FINAL_TASK_STATUSES
        tasks = (selectors.task_inbox if show_finished else selectors.open_task_inbox)(user=self.request.user)
        filterset = TaskFilterSet(params or None, queryset=tasks)
        ctx["filter"] = filterset
        ctx["show_finished"] = show_finished
        year = timezone.localdate().year
        ctx["calendar_unknown_years"] = unknown_years([year, year + 1])
        ctx["page"] = Paginator(filterset.qs, 20).get_page(self.request.GET.get("page"))
        return ctx


class TaskDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = HANDLER_ROLES
    template_name = "services/task_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(task_context(self.request, _task_for_handler(self.request.user, kwargs["pk"])))
        return ctx


def task_context(request, task, *, bound: dict | None = None) -> dict:
    """The task page: its moves (``TASK.available``) and the form of each move that takes text, the bound
    form with its errors for a move being redisplayed."""
    bound = bound or {}
    moves = TASK.available(request.user, task)
    return {
        "task": task,
        "moves": moves,
        "history": selectors.task_history(task=task),
        "move_forms": {
            name: bound.get(name) or TASK_MOVES[name].make_form(task)
            for name in moves
            if TASK_MOVES[name].form is not None
        },
    }


def _task_for_handler(user, pk) -> ApplicationItem:
    try:
        return selectors.task_inbox(user=user).select_related("service").get(pk=pk)
    except ApplicationItem.DoesNotExist:
        raise Http404 from None


class TaskMoveView(RoleRequiredMixin, WorkflowMoveView):
    """POST one move of a task (accept / start / ask for materials / materials in / complete / refuse): the
    generic move view over :data:`services.moves.ENTRIES`; wrong input comes back on the task page with
    the form's error summary and the typed text kept."""

    allowed_roles = HANDLER_ROLES
    entries = TASK_MOVES

    def get_object(self, request, pk):
        return _task_for_handler(request.user, pk)

    def default_url(self, task):
        return reverse("services:task_detail", args=[task.pk])

    def success_message(self, move, moved):
        return _("「%(item)s」已更新为：%(status)s。") % {"item": moved.name, "status": moved.get_status_display()}

    def render_invalid(self, request, task, move, form):
        ctx = task_context(request, task, bound={move: form})
        if ctx["move_forms"].get(move) is not form:
            messages.error(request, " ".join(message for _anchor, message in form.error_list))
        return render(request, TaskDetailView.template_name, ctx)
