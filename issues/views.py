"""Pages of the issues app. Thin: forms shape input, actions decide, selectors read."""

import io

import segno
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from portal.audit import audit_record
from portal.choices import Role
from portal.exceptions import PermissionDeniedError, TransitionNotAllowed
from portal.permissions import (
    ALL_STAFF,
    CLERK_ROLES,
    ENTERPRISE_ROLES,
    HANDLER_ROLES,
    SUPERVISOR_ROLES,
    RoleRequiredMixin,
    user_has_role,
)
from portal.views import form_errors_from, safe_next_url
from portal.workdays import unknown_years

from . import actions, deadlines, forms, selectors
from .models import Appeal, ExtensionRequest, Issue, IssueAttachment, Rating
from .pagination import BadCursor, keyset_page


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
    """A work queue; subclasses name the selector."""

    template_name = "issues/queue.html"
    title = ""
    intro = ""
    selector = None
    testid = "queue"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["page"] = _page(self.request, type(self).selector(user=self.request.user))
        ctx.update(title=self.title, intro=self.intro, testid=self.testid)
        return ctx


class CatchAllQueueView(QueueView):
    allowed_roles = CLERK_ROLES
    title = _("兜底办待交办")
    intro = _("新登记和被退回的问题：分类定级后交办牵头部门和协办部门。")
    selector = staticmethod(selectors.catch_all_queue)
    testid = "catch-all-queue"


class DepartmentInboxView(QueueView):
    allowed_roles = HANDLER_ROLES
    title = _("部门待办")
    intro = _("交办给本部门的问题：签收、退回（交办后 1 个工作日内）、答复、申请延期。")
    selector = staticmethod(selectors.department_inbox)
    testid = "department-inbox"


class FollowUpQueueView(QueueView):
    allowed_roles = CLERK_ROLES
    title = _("回访队列")
    intro = _("已答复、等待回访的问题。100% 回访后才能办结。")
    selector = staticmethod(selectors.follow_up_queue)
    testid = "follow-up-queue"


class SupervisionView(RoleRequiredMixin, TemplateView):
    """督办: overdue and due-soon problems, problems handed to the supervisor, extension requests,
    appeals and escalations."""

    allowed_roles = SUPERVISOR_ROLES
    template_name = "issues/supervision.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        today = deadlines.local_date()
        ctx["overdue"] = selectors.attach_lights(selectors.overdue_list(user=user, today=today)[:50], today=today)
        ctx["due_soon"] = selectors.attach_lights(selectors.due_soon_list(user=user, today=today)[:50], today=today)
        ctx["with_supervisor"] = selectors.attach_lights(selectors.with_supervisor_list(user=user)[:50], today=today)
        ctx["extensions"] = selectors.pending_extensions(user=user)[:50]
        ctx["appeals"] = selectors.pending_appeals(user=user)[:50]
        ctx["escalations"] = selectors.escalation_list(user=user)[:20]
        ctx["decision_form"] = forms.DecisionForm()
        ctx["calendar_unknown_years"] = unknown_years([today.year, today.year + 1])
        return ctx


# --- intake ------------------------------------------------------------------------------------


class IssueReportView(RoleRequiredMixin, FormView):
    """An enterprise member reports a problem."""

    allowed_roles = ENTERPRISE_ROLES
    template_name = "issues/issue_form.html"
    form_class = forms.IssueReportForm
    heading = _("反映问题")

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
        try:
            issue = self.submit(form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
            return self.form_invalid(form)
        except PermissionDeniedError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("问题已提交，编号 %(reference)s。") % {"reference": issue.reference})
        return redirect("issues:issue_detail", pk=issue.pk)


class IssueIntakeView(IssueReportView):
    """A clerk registers a problem for an enterprise, from any channel."""

    allowed_roles = CLERK_ROLES
    form_class = forms.IssueIntakeForm
    heading = _("代企业登记问题")

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


# page move key → its form (None: a button only); the API names of selectors.available_moves map here
MOVE_FORMS = {
    "classify": forms.ClassifyForm,
    "dispatch": forms.DispatchForm,
    "withdraw": forms.ReasonForm,
    "accept": None,
    "return": forms.ReasonForm,
    "reply": forms.ReplyForm,
    "extension": forms.ExtensionForm,
    "co_opinion": forms.OpinionForm,
    "escalate": forms.EscalateForm,
    "urge": forms.NoteForm,
    "consult": forms.MinutesForm,
    "follow_up": forms.FollowUpForm,
    "rate": forms.RateForm,
    "close": forms.CloseForm,
    "appeal": forms.ReasonForm,
}
PAGE_MOVE = {"request-extension": "extension", "co-opinion": "co_opinion", "follow-up": "follow_up"}


def available_moves(user, issue) -> dict:
    """Which move forms to show this user (buttons only; the actions re-check everything)."""
    moves = {}
    for name in selectors.available_moves(user, issue):
        key = PAGE_MOVE.get(name, name)
        form_class = MOVE_FORMS[key]
        if key == "classify":
            moves[key] = form_class(
                initial={
                    "category": issue.category.code,
                    "tier": issue.tier,
                    "ownerless_kind": getattr(issue.ownerless_kind, "code", None),
                }
            )
        else:
            moves[key] = form_class() if form_class is not None else None
    if user.role == Role.HANDLER and any(
        r.score <= 2 and r.department_id == user.department_id and r.source == "enterprise" and not hasattr(r, "appeal")
        for r in issue.ratings.all()
    ):
        moves["appeal"] = forms.ReasonForm()
    return moves


class IssueDetailView(LoginRequiredMixin, TemplateView):
    template_name = "issues/issue_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        issue = _get_issue(self.request, kwargs["pk"])
        selectors.attach_lights([issue])
        user = self.request.user
        staff = user.role != Role.ENTERPRISE
        ctx["issue"] = issue
        ctx["staff"] = staff
        ctx["events"] = [event for event in issue.events.all() if staff or event.public]
        ctx["moves"] = available_moves(user, issue)
        ctx["event_label"] = actions.event_label
        ctx["can_reveal"] = user_has_role(user, CLERK_ROLES)
        ctx["rate_link"] = rate_link(self.request, issue) if window_rating_open(user, issue) else ""
        return ctx


def window_rating_open(user, issue) -> bool:
    """At the window the clerk shows the enterprise a link and QR code to rate the round itself."""
    return user_has_role(user, CLERK_ROLES) and actions.can(issue, "rate") and issue.rating is None


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


class IssueMoveView(LoginRequiredMixin, View):
    """POST one move (dispatch, accept, return, …) on a problem, then back to where the user was."""

    MOVES = MOVE_FORMS

    def post(self, request, pk, move):
        if move not in self.MOVES:
            raise Http404
        issue = _get_issue(request, pk)
        default = reverse("issues:issue_detail", args=[issue.pk])
        form_class = self.MOVES[move]
        data = {}
        if form_class is not None:
            form = form_class(request.POST)
            if not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, error)
                return redirect(safe_next_url(request, default))
            data = form.cleaned_data
        try:
            self.run(move, request.user, issue, data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except (TransitionNotAllowed, PermissionDeniedError) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已%(move)s。") % {"move": actions.event_label(self.event_name(move))})
        return redirect(safe_next_url(request, default))

    @staticmethod
    def event_name(move):
        return {"extension": "request_extension"}.get(move, move)

    def run(self, move, user, issue, data):
        if move == "classify":
            actions.issue_classify(
                actor=user,
                issue=issue,
                category=data["category"],
                tier=data["tier"],
                ownerless_kind=data["ownerless_kind"],
            )
        elif move == "dispatch":
            actions.issue_dispatch(
                actor=user,
                issue=issue,
                lead_department=data["lead_department"],
                co_departments=data["co_departments"],
                note=data["note"],
            )
        elif move == "withdraw":
            actions.issue_withdraw(actor=user, issue=issue, reason=data["reason"])
        elif move == "accept":
            actions.issue_accept(actor=user, issue=issue)
        elif move == "return":
            actions.issue_return(actor=user, issue=issue, reason=data["reason"])
        elif move == "reply":
            actions.issue_reply(actor=user, issue=issue, reply=data["reply"], public_reply=data["public_reply"])
        elif move == "extension":
            actions.issue_request_extension(
                actor=user, issue=issue, requested_due=data["requested_due"], reason=data["reason"]
            )
        elif move == "escalate":
            actions.issue_escalate(actor=user, issue=issue, to_department=data["to_department"], reason=data["reason"])
        elif move == "follow_up":
            actions.issue_follow_up(
                actor=user,
                issue=issue,
                reached=data["reached"],
                satisfied=data["satisfied"],
                satisfaction=data["satisfaction"] or None,
                note=data["note"],
            )
        elif move == "rate":
            actions.issue_rate(actor=user, issue=issue, rating=data["rating"], comment=data["comment"])
        elif move == "close":
            actions.issue_close(actor=user, issue=issue, note=data["note"])
        elif move == "co_opinion":
            actions.issue_co_opinion(actor=user, issue=issue, note=data["opinion"])
        elif move == "urge":
            actions.issue_urge(actor=user, issue=issue, note=data["note"])
        elif move == "consult":
            actions.issue_consult(actor=user, issue=issue, minutes=data["minutes"])
        elif move == "appeal":
            rating = (
                Rating.objects.filter(issue=issue, score__lte=2, department_id=user.department_id, source="enterprise")
                .order_by("-round")
                .first()
            )
            if rating is None:
                raise TransitionNotAllowed(_("该问题没有可申诉的差评。"))
            actions.appeal_submit(actor=user, rating=rating, reason=data["reason"])


class SupervisorDecisionView(RoleRequiredMixin, View):
    """A supervisor approves or refuses a pending request (extension, appeal) from the supervision page."""

    allowed_roles = SUPERVISOR_ROLES
    queryset = None
    success_message = ""

    def decide(self, obj, *, approve: bool, note: str) -> None:  # pragma: no cover - subclasses
        raise NotImplementedError

    def post(self, request, pk):
        obj = get_object_or_404(self.queryset.visible_to(request.user).select_related("issue"), pk=pk)
        form = forms.DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        else:
            try:
                self.decide(obj, approve=form.cleaned_data["approve"], note=form.cleaned_data["note"])
                messages.success(request, self.success_message)
            except (TransitionNotAllowed, PermissionDeniedError) as exc:
                messages.error(request, exc.message)
        return redirect(safe_next_url(request, reverse("issues:supervision")))


class ExtensionDecideView(SupervisorDecisionView):
    queryset = ExtensionRequest.objects
    success_message = gettext_lazy("已处理延期申请。")

    def decide(self, obj, *, approve, note):
        actions.extension_decide(actor=self.request.user, request=obj, approve=approve, note=note)


class AppealDecideView(SupervisorDecisionView):
    queryset = Appeal.objects
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
    audited (PIPL: masked by default, unmasking logged)."""

    allowed_roles = CLERK_ROLES

    def post(self, request, pk):
        issue = _get_issue(request, pk)
        audit_record(actor=request.user, action="issues.issue.contact_revealed", target=issue)
        messages.info(
            request,
            _("联系人 %(name)s 的完整电话：%(phone)s（本次查看已记录）")
            % {"name": issue.contact_name, "phone": issue.contact_phone},
        )
        return redirect("issues:issue_detail", pk=issue.pk)
