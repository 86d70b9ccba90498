"""Pages of the voice app: meetings, inquiries, experience officers. Thin: forms shape, actions decide."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
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
from portal.views import form_errors_from

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

    def _render(self, request, inquiry, **extra):
        user = request.user
        ctx = {
            "inquiry": inquiry,
            "departments": selectors.inquiry_departments(inquiry),
            "published": selectors.tally_published(inquiry),
            "can_vote": inquiry.status == "voting",
            "is_deputy": is_deputy(user),
            "can_manage": is_supervisor(user),
            # a questioned department's own handler enters its answer
            "answering_department": user.department_id if is_handler(user) else None,
            "codes_form": VotingCodesForm(),
            "ballot_form": BallotForm(),
            "answer_form": AnswerForm(),
            **extra,
        }
        return TemplateResponse(request, self.template_name, ctx)

    def get(self, request, pk):
        return self._render(request, self._inquiry(pk))

    def post(self, request, pk):
        inquiry = self._inquiry(pk)
        what = request.POST.get("what")
        try:
            if what == "ballot":
                return self._ballot(request, inquiry)
            if what in ("open", "close"):
                actions.inquiry_move(actor=request.user, inquiry=inquiry, move=what)
                messages.success(request, _("已更新投票状态。"))
            elif what == "codes":
                form = VotingCodesForm(request.POST)
                if not form.is_valid():
                    return self._render(request, inquiry, codes_form=form)
                codes = actions.inquiry_issue_codes(
                    actor=request.user, inquiry=inquiry, count=form.cleaned_data["count"]
                )
                return TemplateResponse(request, "voice/voting_codes.html", {"inquiry": inquiry, "codes": codes})
            elif what == "answer":
                form = AnswerForm(request.POST)
                row = inquiry.departments.filter(department_id=form.data.get("department") or 0).first()
                if not form.is_valid() or row is None:
                    messages.error(request, _("请填写答复内容。"))
                else:
                    actions.inquiry_answer(
                        actor=request.user, inquiry_department=row, answer=form.cleaned_data["answer"]
                    )
                    messages.success(request, _("答复已保存。"))
            else:
                raise Http404
        except (PermissionDeniedError, TransitionNotAllowed, ValidationError) as exc:
            _refuse(request, exc if not isinstance(exc, ValidationError) else " ".join(exc.messages))
        return redirect("voice:inquiry_detail", pk=inquiry.pk)

    def _ballot(self, request, inquiry):
        form = BallotForm(request.POST)
        row = None
        if form.is_valid():
            row = (
                inquiry.departments.select_related("department")
                .filter(department_id=form.cleaned_data["department"])
                .first()
            )
        if row is None:
            messages.error(request, _("请选择评价。"))
            return redirect("voice:inquiry_detail", pk=inquiry.pk)
        actions.ballot_cast(
            actor=request.user,
            inquiry=inquiry,
            department=row.department,
            choice=form.cleaned_data["choice"],
            code=form.cleaned_data["code"],
        )
        messages.success(request, _("已对「%(name)s」投票。投票是匿名的。") % {"name": row.department.name})
        return redirect("voice:inquiry_detail", pk=inquiry.pk)


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
    """Clerks: officers' findings not yet handled; one step turns a finding into a problem."""

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
        ctx.update(
            page=Paginator(reviews, 30).get_page(self.request.GET.get("page")),
            categories=list(form.fields["category"].choices)[1:],
            enterprises=list(form.fields["enterprise"].choices)[1:],
        )
        return ctx

    def post(self, request, *args, **kwargs):
        review = ServiceReview.objects.filter(pk=request.POST.get("review") or 0).first()
        form = RaiseProblemForm(request.POST)
        if review is None or not form.is_valid():
            messages.error(request, _("请选择问题分类。"))
            return redirect("voice:findings")
        try:
            issue = actions.review_raise_problem(
                actor=request.user,
                review=review,
                category=form.cleaned_data["category"],
                enterprise=form.cleaned_data["enterprise"],
            )
            messages.success(request, _("已转为问题 %(ref)s。") % {"ref": issue.reference})
        except (PermissionDeniedError, TransitionNotAllowed) as exc:
            _refuse(request, exc)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("voice:findings")


class OfficerApplicationListView(RoleRequiredMixin, TemplateView):
    """Administrators: pending applications, approved with a term or rejected."""

    allowed_roles = ADMIN_ROLES
    template_name = "voice/officer_applications.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            pending=OfficerApplication.objects.filter(status=ApplicationStatus.PENDING).select_related("user"),
            form=OfficerDecideForm(),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        application = OfficerApplication.objects.filter(pk=request.POST.get("application") or 0).first()
        form = OfficerDecideForm(request.POST)
        if application is None or not form.is_valid():
            messages.error(request, _("请填写审核决定。"))
            return redirect("voice:officer_applications")
        try:
            actions.officer_decide(actor=request.user, application=application, **form.cleaned_data)
            messages.success(request, _("已审核。"))
        except (PermissionDeniedError, TransitionNotAllowed) as exc:
            _refuse(request, exc)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("voice:officer_applications")


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
