"""Pages of the voice app: meetings, inquiries, experience officers. Thin: forms shape, actions decide."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from portal.exceptions import PermissionDeniedError, TransitionNotAllowed
from portal.models import Enterprise
from portal.permissions import (
    ADMIN_ROLES,
    CLERK_ROLES,
    SUPERVISOR_ROLES,
    RoleRequiredMixin,
    is_clerk,
    is_deputy,
    is_handler,
    is_supervisor,
)
from portal.views import RowFormView, form_errors_from, run_action

from . import actions, selectors
from .forms import (
    AnswerForm,
    BallotForm,
    InquiryForm,
    OfficerApplyForm,
    OfficerDecideForm,
    ProblemFormSet,
    ProblemRowForm,
    RaiseProblemForm,
    ReviewForm,
    SeriesForm,
    SessionForm,
    VotingCodesForm,
)
from .models import ApplicationStatus, Inquiry, MeetingSession, OfficerApplication, ServiceReview


def _refuse(request, exc) -> None:
    messages.error(request, str(getattr(exc, "message", exc)))


# --------------------------------------------------------------------------------------- meetings


class MeetingListView(TemplateView):
    """Public: every series with its figures and the sessions, newest first (no names of people)."""

    template_name = "voice/meeting_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        page = Paginator(selectors.session_list(), 20).get_page(self.request.GET.get("page"))
        ctx.update(
            series_stats=selectors.series_with_stats(),
            page=page,
            can_create=is_clerk(self.request.user),
        )
        return ctx


class SessionDetailView(View):
    """A session: its public summary for anyone; for staff the people who came and every problem with
    its step, deadline and rating; for clerks the batch form to register the problems raised."""

    template_name = "voice/session_detail.html"

    def _session(self, pk):
        try:
            return selectors.session_detail(pk)
        except MeetingSession.DoesNotExist:
            raise Http404 from None

    def _render(self, request, session, formset=None):
        full = selectors.may_see_full_session(request.user)
        can_register = is_clerk(request.user)
        if can_register and formset is None:
            formset = self._formset(session)
        ctx = {
            "session": session,
            "full": full,
            "attendees": selectors.session_attendees(session) if full else [],
            "problems": selectors.session_problems(session) if full else [],
            "formset": formset if can_register else None,
        }
        return TemplateResponse(request, self.template_name, ctx)

    def _formset(self, session, data=None):
        enterprises = Enterprise.objects.filter(sessionattendee__session=session).order_by("name")
        probe = ProblemRowForm(enterprises=enterprises)
        choices = {name: list(probe.fields[name].choices) for name in ("enterprise", "category")}
        return ProblemFormSet(data, prefix="p", form_kwargs={"enterprises": enterprises, "choices": choices})

    def get(self, request, pk):
        return self._render(request, self._session(pk))

    def post(self, request, pk):
        session = self._session(pk)
        if not request.user.is_authenticated:
            return redirect(f"{_login_url()}?next={request.path}")
        if not is_clerk(request.user):
            raise PermissionDenied
        formset = self._formset(session, request.POST)
        if not formset.is_valid():
            return self._render(request, session, formset)
        rows = [form.cleaned_data for form in formset.forms if form.cleaned_data]
        try:
            issues = actions.session_register_problems(actor=request.user, session=session, problems=rows)
        except (ValidationError, TransitionNotAllowed) as exc:
            if isinstance(exc, ValidationError):
                form_errors_from(formset.forms[0], exc)
            else:
                _refuse(request, exc)
            return self._render(request, session, formset)
        messages.success(request, _("已登记 %(n)d 个问题，交办时限自会议当日起算。") % {"n": len(issues)})
        return redirect("voice:session_detail", pk=session.pk)


def _login_url():
    from django.conf import settings
    from django.shortcuts import resolve_url

    return resolve_url(settings.LOGIN_URL)


# -------------------------------------------------------------------------------------- inquiries


class InquiryListView(TemplateView):
    template_name = "voice/inquiry_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["page"] = Paginator(Inquiry.objects.order_by("-held_on", "-id"), 20).get_page(self.request.GET.get("page"))
        ctx["can_create"] = is_supervisor(self.request.user)
        return ctx


class InquiryDetailView(View):
    """The inquiry: common problems, departments and their answers, the ballot (deputies or codes) and,
    once closed, the tally. Supervisors open and close the ballot and print voting codes."""

    template_name = "voice/inquiry_detail.html"

    def _inquiry(self, pk):
        try:
            return selectors.inquiry_detail(pk)
        except Inquiry.DoesNotExist:
            raise Http404 from None

    def _render(self, request, inquiry, bound=None, **extra):
        """The page; ``bound``: ``(what, department id, form)`` of a ballot or answer that came back."""
        user = request.user
        deputy = is_deputy(user)
        departments = selectors.inquiry_departments(inquiry)
        for d in departments:
            pk = d["department"].pk
            d["ballot_form"] = BallotForm.for_department(pk, deputy=deputy)
            d["answer_form"] = AnswerForm.for_department(pk, answer=d["answer"])
            if bound and bound[1] == pk:
                d[f"{bound[0]}_form"] = bound[2]
        ctx = {
            "inquiry": inquiry,
            "departments": departments,
            "published": selectors.tally_published(inquiry),
            "can_vote": inquiry.status == "voting",
            "is_deputy": deputy,
            "can_manage": is_supervisor(user),
            # a questioned department's own handler enters its answer
            "answering_department": user.department_id if is_handler(user) else None,
            "codes_form": VotingCodesForm(),
            **extra,
        }
        return TemplateResponse(request, self.template_name, ctx)

    def get(self, request, pk):
        return self._render(request, self._inquiry(pk))

    def post(self, request, pk):
        inquiry = self._inquiry(pk)
        what = request.POST.get("what")
        back = redirect("voice:inquiry_detail", pk=inquiry.pk)
        if what in ("ballot", "answer"):
            return self._department_form(request, inquiry, what) or back
        if what in ("open", "close"):
            run_action(
                request,
                actions.inquiry_move,
                actor=request.user,
                inquiry=inquiry,
                move=what,
                success=_("已更新投票状态。"),
            )
            return back
        if what == "codes":
            form = VotingCodesForm(request.POST)
            if not form.is_valid():
                return self._render(request, inquiry, codes_form=form)
            outcome = run_action(
                request,
                actions.inquiry_issue_codes,
                actor=request.user,
                inquiry=inquiry,
                count=form.cleaned_data["count"],
            )
            if outcome:
                return TemplateResponse(
                    request, "voice/voting_codes.html", {"inquiry": inquiry, "codes": outcome.value}
                )
            return back
        raise Http404

    def _department_form(self, request, inquiry, what):
        """A ballot on, or the answer of, one questioned department; wrong input → the page again with that
        department's form bound (the summary, what was typed); None → back to the page."""
        raw = request.POST.get("department", "")
        row = (
            inquiry.departments.select_related("department").filter(department_id=raw).first()
            if raw.isdigit()
            else None
        )
        if row is None:
            raise Http404
        user = request.user
        if what == "ballot":
            form = BallotForm.for_department(row.department_id, request.POST, deputy=is_deputy(user))
            call = lambda data: actions.ballot_cast(  # noqa: E731
                actor=user, inquiry=inquiry, department=row.department, choice=data["choice"], code=data.get("code", "")
            )
            success = _("已对「%(name)s」投票。投票是匿名的。") % {"name": row.department.name}
        else:
            form = AnswerForm.for_department(row.department_id, request.POST)
            call = lambda data: actions.inquiry_answer(  # noqa: E731
                actor=user, inquiry_department=row, answer=data["answer"]
            )
            success = _("答复已保存。")
        if not form.is_valid():
            return self._render(request, inquiry, bound=(what, row.department_id, form))
        outcome = run_action(request, call, form.cleaned_data, form=form, success=success)
        if not outcome and outcome.invalid:
            return self._render(request, inquiry, bound=(what, row.department_id, form))
        return None


# ------------------------------------------------------------------------------ experience officers


class ServiceScoresView(View):
    """Public: officers' stars per service item and their trend. Officers rate here and see what became
    of their findings; an account that is not an officer may apply."""

    template_name = "voice/service_scores.html"

    def _render(self, request, form=None, apply_form=None):
        user = request.user
        is_officer = actions.officer_in_term(user) if user.is_authenticated else False
        ctx = {
            "scores": selectors.service_scores(),
            "is_officer": is_officer,
            "form": form or (ReviewForm() if is_officer else None),
            "my_reviews": selectors.officer_reviews(user)[:50] if is_officer else [],
            "can_apply": user.is_authenticated and not user.is_portal_staff and not is_officer,
            "apply_form": apply_form or OfficerApplyForm(),
        }
        return TemplateResponse(request, self.template_name, ctx)

    def get(self, request):
        return self._render(request)

    def post(self, request):
        if not request.user.is_authenticated:
            return redirect(f"{_login_url()}?next={request.path}")
        if request.POST.get("what") == "apply":
            form = OfficerApplyForm(request.POST)
            if form.is_valid():
                try:
                    actions.officer_apply(actor=request.user, **form.cleaned_data)
                    messages.success(request, _("申请已提交，等待管理员审核。"))
                    return redirect("voice:services")
                except (PermissionDeniedError, TransitionNotAllowed) as exc:
                    _refuse(request, exc)
                except ValidationError as exc:
                    form_errors_from(form, exc)
            return self._render(request, apply_form=form)
        form = ReviewForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.review_submit(
                    actor=request.user,
                    service_item=data["service_item"],
                    stars={f: data[f] for f in selectors.DIMENSION_FIELDS},
                    findings=data["findings"],
                )
                messages.success(request, _("评价已提交，谢谢。"))
                return redirect("voice:services")
            except PermissionDeniedError as exc:
                _refuse(request, exc)
            except ValidationError as exc:
                form_errors_from(form, exc)
        return self._render(request, form=form)


class FindingListView(RoleRequiredMixin, TemplateView):
    """Clerks: officers' findings not yet handled; one step turns a finding into a problem (each row posts
    to :class:`FindingRaiseView`)."""

    allowed_roles = CLERK_ROLES
    template_name = "voice/findings.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        reviews = (
            ServiceReview.objects.exclude(findings="")
            .select_related("service_item", "issue", "enterprise")
            .order_by("issue_id", "-reviewed_at", "-id")
        )
        form = RaiseProblemForm()
        # the options once for every row (not a query per row)
        ctx.update(
            page=Paginator(reviews, 30).get_page(self.request.GET.get("page")),
            categories=list(form.fields["category"].choices)[1:],
            enterprises=list(form.fields["enterprise"].choices)[1:],
        )
        return ctx


class FindingRaiseView(RoleRequiredMixin, RowFormView):
    """One finding turned into a problem; wrong input (no category, no enterprise) comes back here."""

    allowed_roles = CLERK_ROLES
    title = gettext_lazy("将体验发现转为问题")
    submit_label = gettext_lazy("转为问题")
    back_url = "voice:findings"

    def get_object(self, request, pk):
        return get_object_or_404(
            ServiceReview.objects.exclude(findings="").select_related("service_item", "enterprise"), pk=pk
        )

    def make_form(self, review, data=None):
        return RaiseProblemForm.for_review(review, data)

    def facts(self, review):
        return [
            (_("服务事项"), review.service_item.name),
            (_("体验时间"), review.reviewed_at),
            (_("所涉企业"), review.enterprise.name if review.enterprise_id else ""),
            (_("发现的问题与建议"), review.findings),
        ]

    def perform(self, review, data):
        return actions.review_raise_problem(
            actor=self.request.user, review=review, category=data["category"], enterprise=data.get("enterprise")
        )

    def success_message(self, issue):
        return _("已转为问题 %(ref)s。") % {"ref": issue.reference}


class OfficerApplicationListView(RoleRequiredMixin, TemplateView):
    """Administrators: pending applications, approved with a term or rejected (each posts to
    :class:`OfficerDecideView`)."""

    allowed_roles = ADMIN_ROLES
    template_name = "voice/officer_applications.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        pending = OfficerApplication.objects.filter(status=ApplicationStatus.PENDING).select_related("user")
        ctx["pending"] = [(a, OfficerDecideForm.for_application(a)) for a in pending]
        return ctx


class OfficerDecideView(RoleRequiredMixin, RowFormView):
    """An administrator appoints (with a term) or rejects one applicant; wrong input comes back here."""

    allowed_roles = ADMIN_ROLES
    title = gettext_lazy("审核体验官申请")
    submit_label = gettext_lazy("提交决定")
    back_url = "voice:officer_applications"
    success_message = gettext_lazy("已审核。")

    def get_object(self, request, pk):
        return get_object_or_404(
            OfficerApplication.objects.filter(status=ApplicationStatus.PENDING).select_related("user"), pk=pk
        )

    def make_form(self, application, data=None):
        return OfficerDecideForm.for_application(application, data)

    def facts(self, application):
        return [
            (_("申请人"), application.user.name),
            (_("身份"), application.get_background_display()),
            (_("单位"), application.organisation),
            (_("申请理由"), application.statement),
            (_("申请时间"), application.created_at),
        ]

    def perform(self, application, data):
        return actions.officer_decide(actor=self.request.user, application=application, **data)


class SessionCreateView(RoleRequiredMixin, View):
    """Clerks: set up a series, or register a session with its invited enterprises."""

    allowed_roles = CLERK_ROLES
    template_name = "voice/session_create.html"

    def _render(self, request, form=None, series_form=None):
        return TemplateResponse(
            request,
            self.template_name,
            {"form": form or SessionForm(), "series_form": series_form or SeriesForm()},
        )

    def get(self, request):
        return self._render(request)

    def post(self, request):
        if request.POST.get("what") == "series":
            series_form = SeriesForm(request.POST)
            if series_form.is_valid():
                if request.user.department is None:
                    messages.error(request, _("您的账号未关联部门，不能设立恳谈会。"))
                    return self._render(request, series_form=series_form)
                try:
                    actions.series_create(
                        actor=request.user, organiser=request.user.department, **series_form.cleaned_data
                    )
                    messages.success(request, _("已设立恳谈会系列。"))
                    return redirect("voice:session_create")
                except ValidationError as exc:
                    form_errors_from(series_form, exc)
            return self._render(request, series_form=series_form)
        form = SessionForm(request.POST)
        if form.is_valid():
            try:
                session = actions.session_create(actor=request.user, **form.cleaned_data)
                messages.success(request, _("已登记会议。"))
                return redirect("voice:session_detail", pk=session.pk)
            except ValidationError as exc:
                form_errors_from(form, exc)
        return self._render(request, form=form)


class InquiryCreateView(RoleRequiredMixin, View):
    """Supervisors: schedule an inquiry on common problems with the departments to be questioned."""

    allowed_roles = SUPERVISOR_ROLES
    template_name = "voice/inquiry_create.html"

    def get(self, request):
        return TemplateResponse(request, self.template_name, {"form": InquiryForm(user=request.user)})

    def post(self, request):
        form = InquiryForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                the_inquiry = actions.inquiry_create(actor=request.user, **form.cleaned_data)
                messages.success(request, _("已安排专题询问。"))
                return redirect("voice:inquiry_detail", pk=the_inquiry.pk)
            except ValidationError as exc:
                form_errors_from(form, exc)
        return TemplateResponse(request, self.template_name, {"form": form})
