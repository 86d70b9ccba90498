"""Pages of 举一反三: the similar-problem hint, clusters and common problems (answered once, reused)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from issues.models import Issue
from portal.exceptions import PermissionDeniedError, TransitionNotAllowed
from portal.permissions import ALL_STAFF, CLERK_ROLES, SUPERVISOR_ROLES, RoleRequiredMixin, is_clerk
from portal.views import form_errors_from, safe_next_url

from .. import actions, selectors
from ..filters import CommonIssueFilterSet
from ..forms import (
    ClusterForm,
    CommonIssueAnswerForm,
    CommonIssueCreateForm,
    CommonIssueEditForm,
    LinkForm,
    ReuseForm,
)
from ..models import CommonIssue
from ..workflow import COMMON_ISSUE
from ._helpers import _refuse

# ------------------------------------------------------------------------------------ similar hint


class SimilarHintView(LoginRequiredMixin, TemplateView):
    """htmx endpoint: the hint refreshed as the user types (title + description of the form)."""

    template_name = "insights/_similar_hint_body.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        text = f"{request.POST.get('title', '')[:200]}\n{request.POST.get('description', '')[:3000]}"
        issue = None
        issue_id = request.POST.get("issue_id", "")
        if issue_id.isdigit() and is_clerk(request.user):
            issue = Issue.objects.visible_to(request.user).filter(pk=issue_id).first()
        hint = selectors.hint_for(user=request.user, text=text, issue=issue)
        return self.render_to_response({"hint": hint, "hint_issue": issue})


# --------------------------------------------------------------------------------- common problems


class ClusterListView(RoleRequiredMixin, TemplateView):
    """Supervisors see open problems grouped by similarity and turn a group into a common problem."""

    allowed_roles = SUPERVISOR_ROLES
    template_name = "insights/clusters.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ClusterForm(self.request.GET or None)
        days, min_size = 30, 3
        if form.is_valid():
            days = form.cleaned_data["days"] or 30
            min_size = form.cleaned_data["min_size"] or 3
        since = timezone.now() - dt.timedelta(days=days)
        ctx.update(form=form, clusters=selectors.clusters(since=since, min_size=min_size), days=days)
        return ctx


class CommonIssueListView(RoleRequiredMixin, TemplateView):
    """Staff: every common problem they may see, searchable (the staff library)."""

    allowed_roles = ALL_STAFF
    template_name = "insights/common_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        filterset = CommonIssueFilterSet(
            self.request.GET or None, queryset=selectors.common_issue_list(user=self.request.user)
        )
        qs = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        ctx.update(form=filterset.form, page=Paginator(qs, 20).get_page(self.request.GET.get("page")))
        return ctx


class CommonIssueCreateView(RoleRequiredMixin, TemplateView):
    """Create a common problem from a cluster in one step (ids come from the cluster's button)."""

    allowed_roles = SUPERVISOR_ROLES
    template_name = "insights/common_create.html"

    def _issues(self, ids):
        return list(
            Issue.objects.visible_to(self.request.user)
            .filter(pk__in=ids)
            .select_related("enterprise__region", "lead_department", "channel")
        )

    def get(self, request, *args, **kwargs):
        raw = request.GET.get("ids", "")
        ids = [int(part) for part in raw.split(",") if part.strip().isdigit()][:500]
        issues = self._issues(ids)
        first = issues[0] if issues else None
        cluster_department = selectors.Cluster(issues=issues, terms=[]).suggested_department if issues else None
        form = CommonIssueCreateForm(
            initial={
                "issue_ids": ",".join(str(issue.pk) for issue in issues),
                "title": request.GET.get("title") or (first.title if first else ""),
                "summary": first.description[:300] if first else "",
                "lead_department": cluster_department,
                "category": first.category_id if first else None,
                "dispatch_unassigned": True,
            }
        )
        return self.render_to_response({"form": form, "issues": issues})

    def post(self, request, *args, **kwargs):
        form = CommonIssueCreateForm(request.POST)
        issues = []
        if form.is_valid():
            issues = self._issues(form.cleaned_data["issue_ids"])
            try:
                if len(issues) != len(form.cleaned_data["issue_ids"]):
                    raise Http404
                common = actions.common_issue_create(
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    summary=form.cleaned_data["summary"],
                    root_cause=form.cleaned_data["root_cause"],
                    lead_department=form.cleaned_data["lead_department"],
                    category=form.cleaned_data["category"],
                    issue_ids=form.cleaned_data["issue_ids"],
                    dispatch_unassigned=form.cleaned_data["dispatch_unassigned"],
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            except (TransitionNotAllowed, PermissionDeniedError) as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(
                    request,
                    _("已创建共性问题 %(ref)s，关联 %(n)d 个问题。") % {"ref": common.reference, "n": len(issues)},
                )
                return redirect("insights:common_detail", pk=common.pk)
        else:
            ids = [int(p) for p in request.POST.get("issue_ids", "").split(",") if p.strip().isdigit()][:500]
            issues = self._issues(ids)
        return self.render_to_response({"form": form, "issues": issues})


class CommonIssueDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = ALL_STAFF
    template_name = "insights/common_detail.html"

    def get_object(self):
        return get_object_or_404(selectors.common_issue_detail_queryset(user=self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        common = kwargs.get("common") or self.get_object()
        user = self.request.user
        visible_ids = set(
            Issue.objects.visible_to(user).filter(common_link__common_issue=common).values_list("pk", flat=True)
        )
        links = [link for link in common.links.all() if link.issue_id in visible_ids]
        replyable = [
            link
            for link in links
            if link.issue.status in actions.REPLYABLE and link.issue.lead_department_id == common.lead_department_id
        ]
        ctx.update(
            common=common,
            links=links,
            hidden_links=len(common.links.all()) - len(links),
            can_answer=COMMON_ISSUE.allowed(user, common, "reply") and bool(replyable),
            replyable=replyable,
            can_edit=COMMON_ISSUE.allowed(user, common, "edit"),
            answer_form=kwargs.get("answer_form") or CommonIssueAnswerForm(),
            edit_form=kwargs.get("edit_form")
            or CommonIssueEditForm(
                initial={
                    field: getattr(common, field) for field in CommonIssueEditForm.base_fields if hasattr(common, field)
                }
            ),
            reuse_form=kwargs.get("reuse_form") or ReuseForm(),
        )
        return ctx


class _CommonIssuePost(RoleRequiredMixin, View):
    """A form posted from the common problem's page: run ``act`` with the valid data, say ``done`` and go
    back to the page; a refusal is a message, bad input redisplays the page with the form's errors."""

    allowed_roles = ALL_STAFF
    form_class: type
    form_name: str  # the form's name in the detail page's context

    def act(self, common, data):
        raise NotImplementedError

    def done(self, result) -> None:
        raise NotImplementedError

    def common(self):
        return get_object_or_404(CommonIssue.objects.visible_to(self.request.user), pk=self.kwargs["pk"])

    def post(self, request, pk):
        common = self.common()
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                result = self.act(common, form.cleaned_data)
            except (TransitionNotAllowed, PermissionDeniedError) as exc:
                _refuse(request, exc)
                return redirect("insights:common_detail", pk=common.pk)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                self.done(result)
                return redirect("insights:common_detail", pk=common.pk)
        return self.redisplay(common, **{self.form_name: form})

    def redisplay(self, common, **forms):
        view = CommonIssueDetailView()
        view.setup(self.request, pk=common.pk)
        ctx = view.get_context_data(
            common=selectors.common_issue_detail_queryset(user=self.request.user).get(pk=common.pk), **forms
        )
        return view.render_to_response(ctx, status=400)


class CommonIssueAnswerView(_CommonIssuePost):
    """The lead department answers all linked problems at once (each still gets its own reply)."""

    form_class, form_name = CommonIssueAnswerForm, "answer_form"

    def act(self, common, data):
        return actions.common_issue_answer(
            actor=self.request.user, common_issue=common, reply=data["reply"], public_reply=data["public_reply"]
        )

    def done(self, result) -> None:
        messages.success(
            self.request,
            _("已统一答复 %(n)d 个问题，各企业将分别收到答复并接受回访、评价。") % {"n": len(result["answered"])},
        )
        if result["skipped"]:
            messages.info(
                self.request,
                _("未答复：%(list)s") % {"list": "；".join(f"{ref}（{reason}）" for ref, reason in result["skipped"])},
            )


class CommonIssueEditView(_CommonIssuePost):
    form_class, form_name = CommonIssueEditForm, "edit_form"

    def act(self, common, data):
        return actions.common_issue_update(actor=self.request.user, common_issue=common, **data)

    def done(self, result) -> None:
        messages.success(self.request, _("共性问题已更新。"))


class CommonIssueReuseView(_CommonIssuePost):
    form_class, form_name = ReuseForm, "reuse_form"

    def act(self, common, data):
        return actions.common_issue_record_reuse(actor=self.request.user, common_issue=common, **data)

    def done(self, result) -> None:
        messages.success(self.request, _("已记录推广复用。"))


class CommonIssueLinkView(RoleRequiredMixin, View):
    """From the classify page: link a possible duplicate's common problem instead of dispatching twice."""

    allowed_roles = CLERK_ROLES

    def get(self, request):
        form = LinkForm(request.GET)
        if not form.is_valid():
            raise Http404
        common = get_object_or_404(CommonIssue.objects.visible_to(request.user), pk=form.cleaned_data["common_issue"])
        issue = get_object_or_404(Issue.objects.visible_to(request.user), pk=form.cleaned_data["issue"])
        return TemplateResponse(request, "insights/common_link_confirm.html", {"common": common, "issue": issue})

    def post(self, request):
        form = LinkForm(request.POST)
        if not form.is_valid():
            raise Http404
        common = get_object_or_404(CommonIssue.objects.visible_to(request.user), pk=form.cleaned_data["common_issue"])
        issue = get_object_or_404(Issue.objects.visible_to(request.user), pk=form.cleaned_data["issue"])
        try:
            actions.common_issue_link(actor=request.user, common_issue=common, issue_ids=[issue.pk])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        except PermissionDeniedError as exc:
            _refuse(request, exc)
        else:
            messages.success(
                request,
                _("问题 %(issue)s 已归入共性问题 %(ref)s。") % {"issue": issue.reference, "ref": common.reference},
            )
        return redirect(safe_next_url(request, reverse("insights:common_detail", args=[common.pk])))
