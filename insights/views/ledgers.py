"""台账: the ledger page, immediate and background Excel exports, 我的导出 and downloads."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from issues.models import Issue
from portal.audit import audit_record
from portal.exceptions import PermissionDeniedError
from portal.permissions import ALL_STAFF, RoleRequiredMixin, is_supervisor

from .. import actions, exports, rankings, selectors
from ..actions.ledger_exports import PENDING as PENDING_EXPORT
from ..choices import LedgerKind
from ..forms import LedgerFilterForm
from ..models import LedgerExport
from ._helpers import _period_form, _refuse

# ---------------------------------------------------------------------------------------- ledgers


def _ledger_queryset(request, form, period):
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.issue_ledger(
        user=request.user,
        period=period,
        department=data.get("department"),
        region=data.get("region"),
        metric=data.get("metric") or "",
    )


class _DeferredJoinPaginator(Paginator):
    """Django's paginator, with a page found in two steps inside one query: the page's ids first, in
    the list's order with OFFSET/LIMIT over the ids alone (an index-only scan of ``issues_issue_cohort``
    for the 台账), then those rows with their joins. A deep page then skips index entries, not rows
    fetched from the table and joined; the count stays Django's exact COUNT."""

    def __init__(self, object_list, per_page, *, select_related=(), **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.select_related = select_related

    def _get_page(self, object_list, number, paginator):
        if isinstance(object_list, QuerySet):
            ids = object_list.values("pk")
            object_list = (
                object_list.model._default_manager.filter(pk__in=ids)
                .select_related(*self.select_related)
                .order_by(*object_list.query.order_by)
            )
        return super()._get_page(object_list, number, paginator)


class LedgerView(RoleRequiredMixin, TemplateView):
    """台账: the problems of a period with filters, and the Excel exports of problems and rankings."""

    allowed_roles = ALL_STAFF
    template_name = "insights/ledger.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form, period = _period_form(self.request, LedgerFilterForm)
        qs = _ledger_queryset(self.request, form, period) if period else Issue.objects.none()
        page = _DeferredJoinPaginator(
            qs, 50, select_related=("enterprise", "lead_department", "category", "channel")
        ).get_page(self.request.GET.get("page"))
        ctx.update(
            form=form,
            period=period,
            page=page,
            query=self.request.GET.urlencode(),
            limit=settings.LEDGER_EXPORT_ASYNC_ROWS,
        )
        return ctx


class _LedgerExportView(RoleRequiredMixin, View):
    """Export one ledger with the 台账 page's filters (GET or POST, the filters in the query string).

    Up to ``settings.LEDGER_EXPORT_ASYNC_ROWS`` rows (one COUNT query decides) the xlsx downloads at
    once, as before. A larger ledger becomes a background export job (``insights.actions.
    ledger_export_request``) and the user lands on 我的导出; a GET — a link, a bookmark — never
    creates a job but shows a page whose button POSTs the same request.
    """

    allowed_roles = ALL_STAFF
    ledger: str = ""

    def get(self, request):
        return self.export(request, confirmed=False)

    def post(self, request):
        return self.export(request, confirmed=True)

    def export(self, request, *, confirmed: bool):
        form, period = _period_form(request, LedgerFilterForm)
        if period is None:
            messages.error(request, _("统计周期无效。"))
            return redirect("insights:ledger")
        data = form.cleaned_data
        unmask = bool(data.get("unmask")) and is_supervisor(request.user)
        values = {"period": period}
        if self.ledger == LedgerKind.ISSUES:
            values.update(department=data.get("department"), region=data.get("region"), metric=data.get("metric") or "")
        queryset = selectors.ledger_queryset(ledger=self.ledger, user=request.user, **values)
        rows = queryset.count()
        if rows > settings.LEDGER_EXPORT_ASYNC_ROWS:
            return self.background(request, values=values, unmask=unmask, rows=rows, confirmed=confirmed)
        if unmask:
            audit_record(
                actor=request.user,
                action="insights.ledger.unmasked_export",
                data={"period": period.label, "ledger": self.ledger, "query": request.GET.urlencode()},
            )
        sheet_title, header, sheet_rows = exports.ledger_sheet(self.ledger, queryset, unmask=unmask)
        return exports.xlsx_response(
            filename=f"{self.ledger}-{period.label}.xlsx", sheet_title=sheet_title, header=header, rows=sheet_rows
        )

    def background(self, request, *, values, unmask: bool, rows: int, confirmed: bool):
        period = values["period"]
        description = _describe(values)
        if not confirmed:
            return TemplateResponse(
                request,
                "insights/ledger_export_confirm.html",
                {
                    "ledger_label": LedgerKind(self.ledger).label,
                    "description": description,
                    "rows": rows,
                    "unmask": unmask,
                    "limit": settings.LEDGER_EXPORT_ASYNC_ROWS,
                    "action": request.get_full_path(),
                    "query": request.GET.urlencode(),
                },
            )
        try:
            job, created = actions.ledger_export_request(
                actor=request.user,
                ledger=self.ledger,
                filters=selectors.ledger_filters(**values),
                period_label=period.label,
                description=description,
                unmask=unmask,
                row_count=rows,
                query=request.GET.urlencode(),
            )
        except (ValidationError, PermissionDeniedError) as exc:
            _refuse(request, exc)
            return redirect(reverse("insights:ledger") + "?" + request.GET.urlencode())
        if created:
            messages.success(
                request,
                _("「%(name)s」共 %(n)s 行，正在后台生成；完成后会通知您，文件保留 %(days)d 天。")
                % {"name": job, "n": f"{rows:,}", "days": settings.LEDGER_EXPORT_RETENTION_DAYS},
            )
        else:
            messages.info(request, _("同样的导出已在生成中，无需重复提交。"))
        return redirect("insights:my_exports")


def _describe(values) -> str:
    """What a job exports, in words, kept on the job so the list needs no joins: period · department ·
    region · metric."""
    parts = [values["period"].label]
    if values.get("department"):
        parts.append(values["department"].name)
    if values.get("region"):
        parts.append(values["region"].name)
    if values.get("metric") in rankings.metric_filters() and values.get("metric") != "received":
        parts.append(str(rankings.METRIC_LABELS.get(values["metric"], values["metric"])))
    return " · ".join(parts)


class IssueLedgerExportView(_LedgerExportView):
    ledger = LedgerKind.ISSUES


class ApplicationLedgerExportView(_LedgerExportView):
    """台账 of 一类事 applications submitted in the period (when the services app provides them)."""

    ledger = LedgerKind.APPLICATIONS


class LedgerExportListView(RoleRequiredMixin, TemplateView):
    """我的导出: the background exports the user asked for, newest first, with their state and,
    while the file is kept, a download link. Nobody sees anyone else's exports."""

    allowed_roles = ALL_STAFF
    template_name = "insights/my_exports.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        jobs = selectors.ledger_export_list(user=self.request.user)
        page = Paginator(jobs, 20).get_page(self.request.GET.get("page"))
        ctx.update(
            page=page,
            pending=any(job.status in PENDING_EXPORT for job in page),
            retention_days=settings.LEDGER_EXPORT_RETENTION_DAYS,
            limit=settings.LEDGER_EXPORT_ASYNC_ROWS,
        )
        return ctx


class LedgerExportDownloadView(LoginRequiredMixin, View):
    """The file of a finished export, to the member of staff who asked for it only — anyone else gets
    a 404 (``LedgerExport.objects.visible_to``), as does everyone once the file has expired."""

    def get(self, request, pk):
        job = get_object_or_404(LedgerExport.objects.visible_to(request.user), pk=pk)
        if not job.can_download():
            raise Http404
        try:
            handle = job.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, as_attachment=True, filename=job.download_name, content_type=exports.XLSX)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
