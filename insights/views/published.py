"""Published pages: the solved-case library (经验库) and 晾晒评价 rankings (public, staff, drill-down, export)."""

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from issues.models import Issue
from portal.permissions import ALL_STAFF, RoleRequiredMixin

from .. import exports, open_data, rankings, selectors
from ..forms import LibrarySearchForm
from ._helpers import _period_form

# ---------------------------------------------------------------------------------------- library


class LibraryView(TemplateView):
    """The public solved-case library (经验库): no login, public fields only, no enterprise names."""

    template_name = "insights/library.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = LibrarySearchForm(self.request.GET or None)
        q = form.cleaned_data["q"] if form.is_valid() else ""
        page = Paginator(selectors.library(user=None, q=q, public=True), 20).get_page(self.request.GET.get("page"))
        ctx.update(form=form, q=q, page=page)
        return ctx


class LibraryDetailView(TemplateView):
    template_name = "insights/library_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["common"] = get_object_or_404(selectors.library(user=None, public=True), pk=self.kwargs["pk"])
        return ctx


# --------------------------------------------------------------------------------------- rankings


class PublicRankingView(TemplateView):
    """晾晒评价 for everyone: aggregates only (department names and figures), no problems listed."""

    template_name = "insights/rankings_public.html"
    staff = False

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form, period = _period_form(self.request)
        result = None
        query = self.request.GET.copy()
        default_period = period is not None and not form.cleaned_data.get("period") and period.kind == "month"
        if period is not None:
            result = rankings.ranking(period=period, by=form.cleaned_data["by"], filters=form.filters())
            if default_period:
                # say which month is shown: the box holds it, and every link keeps it (the drill-down
                # and the downloads then count the same month even after the month turns)
                form.data = form.data.copy()
                form.data["period"] = query["period"] = period.label
        ctx.update(form=form, result=result, staff=self.staff, query=query.urlencode(), default_period=default_period)
        ctx["period_links"] = self._period_links(period, query) if result is not None else {}
        return ctx

    @staticmethod
    def _period_links(period, query) -> dict:
        """The previous period and, when it is over, the next one of the same kind, as query strings
        keeping the other filters (none for a custom range)."""
        following = period.following()
        if following is None:
            return {}
        links = {}
        for name, other in (("previous", period.previous()), ("next", following)):
            if name == "next" and other.end > rankings.local_today():
                continue
            there = query.copy()
            there["period"] = other.label
            links[name] = (other.label, there.urlencode())
        return links


class StaffRankingView(RoleRequiredMixin, PublicRankingView):
    """The same evaluation for staff, every number a link to the problems behind it."""

    allowed_roles = ALL_STAFF
    template_name = "insights/rankings_staff.html"
    staff = True


class RankingDrilldownView(RoleRequiredMixin, TemplateView):
    allowed_roles = ALL_STAFF
    template_name = "insights/rankings_drilldown.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form, period = _period_form(self.request)
        key = self.request.GET.get("key", "")
        metric = self.request.GET.get("metric", "received")
        if period is None or not key.isdigit():
            raise Http404
        try:
            qs = rankings.drilldown(period=period, by=form.cleaned_data["by"], key=int(key), metric=metric)
        except rankings.PeriodError:
            raise Http404 from None
        qs = qs.filter(pk__in=Issue.objects.visible_to(self.request.user).values("pk"))
        ctx.update(
            form=form,
            period=period,
            metric=metric,
            metric_label=rankings.METRIC_LABELS.get(metric, metric),
            page=Paginator(qs, 50).get_page(self.request.GET.get("page")),
        )
        return ctx


class RankingExportView(RoleRequiredMixin, View):
    allowed_roles = ALL_STAFF

    def get(self, request):
        form, period = _period_form(request)
        if period is None:
            messages.error(request, "；".join(form.non_field_errors()) or _("统计周期无效。"))
            return redirect("insights:rankings_staff")
        result = rankings.ranking(period=period, by=form.cleaned_data["by"], filters=form.filters())
        return exports.xlsx_response(
            filename=f"ranking-{period.label}.xlsx",
            sheet_title=_("晾晒评价"),
            header=exports.RANKING_HEADER,
            rows=exports.ranking_rows(result),
        )


class _Echo:
    def write(self, value):
        return value


class RankingRowsCsvView(View):
    """The open rows of a period as CSV, for anyone (the same rows as ``/api/v1/rankings/rows/``),
    streamed chunk by chunk; nothing identifies the enterprise."""

    def get(self, request):
        form, period = _period_form(request)
        if period is None:
            return HttpResponseBadRequest("；".join(form.non_field_errors()) or _("统计周期无效。"))
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"  # so spreadsheet programs read the UTF-8 names
            yield writer.writerow(open_data.CSV_COLUMNS)
            for row in open_data.iter_rows(period):
                yield writer.writerow(open_data.csv_record(row))

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="ranking-rows-{period.label}.csv"'
        return response


class RankingMethodologyView(TemplateView):
    """How every figure of the ranking is computed from the open rows (public)."""

    template_name = "insights/rankings_methodology.html"

    def get_context_data(self, **kwargs):
        from issues.models import IssueSettings

        ctx = super().get_context_data(**kwargs)
        ctx["weights"] = rankings.WEIGHTS
        ctx["reopen_penalty"] = rankings.REOPEN_PENALTY
        ctx["settings"] = IssueSettings.current()
        ctx["columns"] = open_data.CSV_COLUMNS
        return ctx
