"""Pages of the issues app. Thin: forms shape input, actions decide, selectors read."""

import io

import segno
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from portal import counts
from portal.audit import audit_record
from portal.models import Enterprise
from portal.permissions import (
    ALL_STAFF,
    CLERK_ROLES,
    ENTERPRISE_ROLES,
    HANDLER_ROLES,
    SUPERVISOR_ROLES,
    RoleRequiredMixin,
    is_clerk,
    is_enterprise_user,
)
from portal.views import WorkflowMoveView, run_action, safe_next_url
from portal.workdays import unknown_years

from . import actions, deadlines, forms, selectors
from .filters import DecisionFilterSet, QueueFilterSet
from .models import Appeal, ExtensionRequest, Issue, IssueAttachment
from .moves import ENTRIES
from .pagination import PAGE_SIZE, BadCursor, keyset_page
from .workflow import ISSUE


def _link(request, cursor: str | None) -> str:
    """This list's URL with its filters and another cursor (none: the first page)."""
    params = request.GET.copy()
    params.pop("cursor", None)
    params.pop("page", None)  # numbered pages of old bookmarks: the first page
    if cursor:
        params["cursor"] = cursor
    query = params.urlencode()
    return f"?{query}" if query else request.path


def _page(request, queryset):
    """One keyset page of a list (issues.pagination), with the links of its navigation. A cursor that
    does not fit the list (edited, or from another sort) shows the first page with a notice. A text
    search reads every row anyway: it is not counted a second time."""
    notice = ""
    with_count = not request.GET.get("q", "").strip()
    try:
        page = keyset_page(queryset, request.GET.get("cursor") or None, with_count=with_count)
    except BadCursor:
        page = keyset_page(queryset, with_count=with_count)
        notice = _("翻页链接无效或已过期（例如排序方式已改变），已显示第一页。")
    page.object_list = selectors.attach_lights(page.object_list)
    page.notice = notice
    page.first_url = _link(request, None)
    page.next_url = _link(request, page.next_cursor) if page.has_next else ""
    page.previous_url = _link(request, page.previous_cursor) if page.has_previous else ""
    return page


def _get_issue(request, pk) -> Issue:
    try:
        return selectors.issue_get(user=request.user, pk=pk)
    except Issue.DoesNotExist:
        raise Http404 from None


# --- lists -----------------------------------------------------------------------------------


class IssueListView(RoleRequiredMixin, TemplateView):
    """All problems the staff member may see, with the shared filters."""

    allowed_roles = ALL_STAFF
    template_name = "issues/issue_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        filterset = selectors.issue_list(user=self.request.user, data=self.request.GET)
        ctx["filter"] = filterset
        ctx["form"] = filterset.form
        ctx["page"] = _page(self.request, filterset.qs)
        ctx["title"] = _("涉企问题")
        return ctx


class MyIssuesView(RoleRequiredMixin, TemplateView):
    """An enterprise's own problems, with their timelines one click away."""

    allowed_roles = ENTERPRISE_ROLES
    template_name = "issues/my_issues.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        filterset = selectors.issue_list(user=self.request.user, data=self.request.GET)
        ctx["page"] = _page(self.request, filterset.qs)
        return ctx


class QueueView(RoleRequiredMixin, TemplateView):
    """A work queue with the shared queue filters; subclasses name the selector. Deadline first unless
    another sort is chosen; a queue with finished work (``finished_toggle``) hides it unless asked."""

    template_name = "issues/queue.html"
    title = ""
    intro = ""
    selector = None
    testid = "queue"
    finished_toggle = False

    def queue(self, *, include_finished: bool):
        return type(self).selector(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        show_finished = self.finished_toggle and self.request.GET.get("finished") == "1"
        filterset = QueueFilterSet(self.request.GET or None, queryset=self.queue(include_finished=show_finished))
        ctx["page"] = _page(self.request, filterset.qs)
        ctx.update(
            title=self.title,
            intro=self.intro,
            testid=self.testid,
            form=filterset.form,
            finished_toggle=self.finished_toggle,
            show_finished=show_finished,
        )
        return ctx


class CatchAllQueueView(QueueView):
    allowed_roles = CLERK_ROLES
    title = gettext_lazy("兜底办待交办")
    intro = gettext_lazy("新登记和被退回的问题：分类定级后交办牵头部门和协办部门。")
    selector = staticmethod(selectors.catch_all_queue)
    testid = "catch-all-queue"


class DepartmentInboxView(QueueView):
    allowed_roles = HANDLER_ROLES
    title = gettext_lazy("部门待办")
    intro = gettext_lazy("交办给本部门的问题：签收、退回（交办后 1 个工作日内）、答复、申请延期。")
    testid = "department-inbox"
    finished_toggle = True

    def queue(self, *, include_finished):
        return selectors.department_inbox(user=self.request.user, include_finished=include_finished)


class FollowUpQueueView(QueueView):
    allowed_roles = CLERK_ROLES
    title = gettext_lazy("回访队列")
    intro = gettext_lazy("已答复、等待回访的问题。100% 回访后才能办结。")
    selector = staticmethod(selectors.follow_up_queue)
    testid = "follow-up-queue"


# The 督办 page's sections, in the order of their tabs: (key, title, kind). Said once: the tabs, their
# counts (one query) and the list shown all read it.
SUPERVISION_SECTIONS = (
    ("overdue", gettext_lazy("超期问题"), "issues"),
    ("due_soon", gettext_lazy("临期问题"), "issues"),
    ("with_supervisor", gettext_lazy("转督办"), "issues"),
    ("extensions", gettext_lazy("延期申请"), "extensions"),
    ("appeals", gettext_lazy("差评申诉"), "appeals"),
    ("escalations", gettext_lazy("最近提级"), "escalations"),
)


def supervision_section_querysets(user, *, today, include_decided: bool = False) -> dict:
    """Each 督办 section's rows by key (what its tab counts and its list shows)."""
    return {
        "overdue": selectors.overdue_list(user=user, today=today),
        "due_soon": selectors.due_soon_list(user=user, today=today),
        "with_supervisor": selectors.with_supervisor_list(user=user).by_deadline(),
        "extensions": selectors.pending_extensions(user=user, include_decided=include_decided),
        "appeals": selectors.pending_appeals(user=user, include_decided=include_decided),
        "escalations": selectors.escalation_list(user=user),
    }


class SupervisionView(RoleRequiredMixin, TemplateView):
    """督办 in sections (tabs with counts, one query for all counts): overdue and due-soon problems,
    problems handed to the supervisor, extension requests, appeals and escalations. One section is
    listed at a time, filtered, sorted and paged; the first section with work opens by default."""

    allowed_roles = SUPERVISOR_ROLES
    template_name = "issues/supervision.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, params = self.request.user, self.request.GET
        today = deadlines.local_date()
        show_decided = params.get("finished") == "1"
        querysets = supervision_section_querysets(user, today=today, include_decided=show_decided)
        pending = supervision_section_querysets(user, today=today)
        counted = counts.count_querysets(user, pending)
        keys = [key for key, _title, _kind in SUPERVISION_SECTIONS]
        section = params.get("section")
        if section not in keys:
            section = next((key for key in keys if counted.get(key)), keys[0])
        kind = next(k for key, _title, k in SUPERVISION_SECTIONS if key == section)
        ctx["sections"] = [
            {"key": key, "title": title, "count": counted.get(key, 0), "current": key == section}
            for key, title, _kind in SUPERVISION_SECTIONS
        ]
        ctx.update(
            section=section, kind=kind, show_decided=show_decided, list_testid=f"{section.replace('_', '-')}-list"
        )
        if kind == "issues":
            filterset = QueueFilterSet(params or None, queryset=querysets[section])
            ctx["form"] = filterset.form
            ctx["page"] = _page(self.request, filterset.qs)
        elif kind in ("extensions", "appeals"):
            filterset = DecisionFilterSet(params or None, queryset=querysets[section])
            ctx["form"] = filterset.form
            ctx["page"] = Paginator(filterset.qs, PAGE_SIZE).get_page(params.get("page"))
            for row in ctx["page"]:  # each pending row's own form (its ids name the row)
                row.decision_form = forms.DecisionForm.for_row(row)
        else:
            ctx["page"] = Paginator(querysets[section], PAGE_SIZE).get_page(params.get("page"))
        ctx["calendar_unknown_years"] = unknown_years([today.year, today.year + 1])
        return ctx


# --- intake ------------------------------------------------------------------------------------


class IssueReportView(RoleRequiredMixin, FormView):
    """An enterprise member reports a problem."""

    allowed_roles = ENTERPRISE_ROLES
    template_name = "issues/issue_form.html"
    form_class = forms.IssueReportForm
    heading = gettext_lazy("反映问题")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.heading}

    def submit(self, data):
        return actions.issue_submit(
            actor=self.request.user,
            enterprise=data["enterprise"],
            category=data["category"],
            title=data["title"],
            description=data["description"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            attachments=data["attachments"],
        )

    def form_valid(self, form):
        outcome = run_action(
            self.request,
            self.submit,
            form.cleaned_data,
            form=form,
            success=lambda issue: _("问题已提交，编号 %(reference)s。") % {"reference": issue.reference},
        )
        if not outcome:
            return self.form_invalid(form)
        return redirect("issues:issue_detail", pk=outcome.value.pk)


class IssueIntakeView(IssueReportView):
    """A clerk registers a problem for an enterprise, from any channel."""

    allowed_roles = CLERK_ROLES
    form_class = forms.IssueIntakeForm
    heading = gettext_lazy("代企业登记问题")

    def get_initial(self):
        """``?enterprise=<id>`` (from the enterprise's page or a search) pre-selects the enterprise and
        fills in its contact; anything else is ignored."""
        initial = super().get_initial()
        enterprise_id = self.request.GET.get("enterprise", "")
        if enterprise_id.isdigit():
            enterprise = Enterprise.objects.visible_to(self.request.user).filter(pk=enterprise_id).first()
            if enterprise is not None:
                initial.update(forms.IssueIntakeForm.initial_for(enterprise))
        return initial

    def submit(self, data):
        return actions.issue_submit(
            actor=self.request.user,
            enterprise=data["enterprise"],
            channel=data["channel"],
            discovery=data["discovery"],
            tier=data["tier"],
            ownerless_kind=data["ownerless_kind"],
            category=data["category"],
            title=data["title"],
            description=data["description"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            attachments=data["attachments"],
        )


# --- detail and moves ----------------------------------------------------------------------


def available_moves(user, issue, bound: dict | None = None) -> list[dict]:
    """The move forms to show this user: the moves ``ISSUE.available`` allows (each move's one predicate,
    the same the actions' guards and the API's ``available_moves`` ask), each with its form — the bound
    form with its errors for a move being redisplayed."""
    bound = bound or {}
    moves = []
    for name in ISSUE.available(user, issue):
        entry = ENTRIES[name]
        form = bound.get(name)
        if form is None and entry.form is not None:
            initial = {}
            if name == "classify":
                initial = {
                    "category": issue.category.code,
                    "tier": issue.tier,
                    "ownerless_kind": getattr(issue.ownerless_kind, "code", None),
                }
            form = entry.make_form(issue, initial=initial)
        moves.append({"name": name, "label": ISSUE[name].label, "form": form, "danger": entry.danger})
    return moves


def detail_context(request, issue, *, bound: dict | None = None) -> dict:
    selectors.attach_lights([issue])
    user = request.user
    staff = not is_enterprise_user(user)  # the page needs a signed-in, active account
    return {
        "issue": issue,
        "staff": staff,
        "events": [event for event in issue.events.all() if staff or event.public],
        "moves": available_moves(user, issue, bound),
        "event_label": actions.event_label,
        "can_reveal": is_clerk(user),
        "rate_link": rate_link(request, issue) if window_rating_open(user, issue) else "",
    }


class IssueDetailView(LoginRequiredMixin, TemplateView):
    template_name = "issues/issue_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(detail_context(self.request, _get_issue(self.request, kwargs["pk"])))
        return ctx


def window_rating_open(user, issue) -> bool:
    """At the window the clerk shows the enterprise a link and QR code to rate the round itself."""
    return is_clerk(user) and ISSUE.can(issue, "rate")


def rate_link(request, issue) -> str:
    return request.build_absolute_uri(reverse("issues:issue_detail", args=[issue.pk])) + "#move-rate"


class RateQrView(RoleRequiredMixin, View):
    """The QR code (SVG) of the rating link a clerk shows at the window; the enterprise's member scans
    it, logs in with its own account and rates. Nothing is rated by the clerk."""

    allowed_roles = CLERK_ROLES

    def get(self, request, pk):
        issue = _get_issue(request, pk)
        buffer = io.BytesIO()
        segno.make(rate_link(request, issue), error="m").save(buffer, kind="svg", scale=4, border=2)
        response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
        response["Cache-Control"] = "private, no-store"
        return response


class IssueMoveView(WorkflowMoveView):
    """POST one move (dispatch, accept, return, …) on a problem: the generic move view over
    :data:`issues.moves.ENTRIES`, back to where the user was, or the page again with the errors."""

    entries = ENTRIES

    def get_object(self, request, pk):
        return _get_issue(request, pk)

    def default_url(self, issue):
        return reverse("issues:issue_detail", args=[issue.pk])

    def success_message(self, move, result):
        return _("已%(move)s。") % {"move": actions.event_label(move)}

    def render_invalid(self, request, issue, move, form):
        ctx = detail_context(request, issue, bound={move: form})
        if not any(shown["form"] is form for shown in ctx["moves"]):
            messages.error(request, " ".join(message for _anchor, message in form.error_list))
        return render(request, IssueDetailView.template_name, ctx)


class SupervisorDecisionView(RoleRequiredMixin, View):
    """A supervisor approves or refuses a pending request (extension, appeal). The 督办 list has the form
    in each row; this page shows one request with the form on its own (GET), and is where a decision
    with wrong input comes back: the error summary, the typed note kept. Success goes back to ``next``
    (the list the supervisor came from)."""

    allowed_roles = SUPERVISOR_ROLES
    template_name = "issues/decision.html"
    queryset = None
    section = ""
    title = ""
    success_message = ""

    def decide(self, obj, *, approve: bool, note: str) -> None:  # pragma: no cover - subclasses
        raise NotImplementedError

    def get_object(self, request, pk):
        return get_object_or_404(self.queryset.visible_to(request.user).select_related("issue"), pk=pk)

    def render_page(self, request, obj, form, status=200):
        back = reverse("issues:supervision") + f"?section={self.section}"
        ctx = {"obj": obj, "issue": obj.issue, "form": form, "title": self.title, "kind": self.section}
        ctx["next"] = safe_next_url(request, back)
        return render(request, self.template_name, ctx, status=status)

    def get(self, request, pk):
        obj = self.get_object(request, pk)
        return self.render_page(request, obj, forms.DecisionForm.for_row(obj))

    def post(self, request, pk):
        obj = self.get_object(request, pk)
        form = forms.DecisionForm.for_row(obj, request.POST)
        if not form.is_valid():
            return self.render_page(request, obj, form)
        outcome = run_action(
            request,
            self.decide,
            obj,
            approve=form.cleaned_data["approve"],
            note=form.cleaned_data["note"],
            form=form,
            success=self.success_message,
        )
        if not outcome and outcome.invalid:
            return self.render_page(request, obj, form)
        return redirect(safe_next_url(request, reverse("issues:supervision") + f"?section={self.section}"))


class ExtensionDecideView(SupervisorDecisionView):
    queryset = ExtensionRequest.objects
    section = "extensions"
    title = gettext_lazy("审批一项延期申请")
    success_message = gettext_lazy("已处理延期申请。")

    def decide(self, obj, *, approve, note):
        actions.extension_decide(actor=self.request.user, request=obj, approve=approve, note=note)


class AppealDecideView(SupervisorDecisionView):
    queryset = Appeal.objects
    section = "appeals"
    title = gettext_lazy("裁定一项差评申诉")
    success_message = gettext_lazy("已裁定申诉。")

    def decide(self, obj, *, approve, note):
        actions.appeal_decide(actor=self.request.user, appeal=obj, uphold=approve, note=note)


class AttachmentDownloadView(LoginRequiredMixin, View):
    """Attachments live outside the web root; this view checks that the user may see the problem."""

    def get(self, request, pk, attachment_pk):
        issue = _get_issue(request, pk)
        attachment = get_object_or_404(IssueAttachment, pk=attachment_pk, issue=issue)
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ContactRevealView(RoleRequiredMixin, View):
    """Clerks and supervisors who must call the enterprise see the full phone number; each reveal is
    audited (PIPL: masked by default, unmasking logged). The number is shown in this response only —
    never in a flash message, which Django keeps in a cookie."""

    allowed_roles = CLERK_ROLES

    def post(self, request, pk):
        issue = _get_issue(request, pk)
        audit_record(actor=request.user, action="issues.issue.contact_revealed", target=issue)
        ctx = detail_context(request, issue)
        ctx["contact_revealed"] = True
        response = render(request, IssueDetailView.template_name, ctx)
        response["Cache-Control"] = "private, no-store"
        return response
