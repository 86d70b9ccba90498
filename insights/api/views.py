"""API of the insights app: similar problems, common problems, rankings."""

from django.db.models import Count
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from issues.models import Issue
from portal.models import Department, Region
from portal.permissions import HasPortalRole

from .. import open_data, rankings, selectors
from ..filters import CommonIssueFilterSet
from ..models import CommonIssue, CommonIssueReuse
from .serializers import (
    CommonIssuePublicSerializer,
    CommonIssueStaffSerializer,
    RankingOpenRowSerializer,
    RankingSerializer,
    SimilarInputSerializer,
    SimilarOutputSerializer,
)


def _may_see_common(user, common) -> bool:
    return common is not None and (common.is_public or user.is_portal_staff)


class SimilarIssuesView(APIView):
    """The problems most similar to a text, among those the caller may see, best first."""

    permission_classes = [HasPortalRole]

    @extend_schema(request=SimilarInputSerializer, responses={200: SimilarOutputSerializer})
    def post(self, request):
        data = SimilarInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = selectors.similar_issues(
            user=request.user, text=data.validated_data["text"], limit=data.validated_data["limit"]
        )
        results = [
            {
                "id": row["issue"].pk,
                "reference": row["issue"].reference,
                "title": row["issue"].title,
                "score": row["score"],
                "status": row["issue"].status,
                "common_issue": row["common_issue"] if _may_see_common(request.user, row["common_issue"]) else None,
            }
            for row in rows
        ]
        return Response(SimilarOutputSerializer({"results": results}).data)


class CommonIssueViewSet(viewsets.ReadOnlyModelViewSet):
    """共性问题: staff see all they may see with internal fields; anyone else the published ones,
    public fields only."""

    permission_classes = [permissions.AllowAny]
    filterset_class = CommonIssueFilterSet

    def get_queryset(self):
        from django.db.models import Prefetch

        return (
            CommonIssue.objects.visible_to(self.request.user)
            .select_related("lead_department")
            .prefetch_related(Prefetch("reuses", queryset=CommonIssueReuse.objects.select_related("region")))
            .annotate(
                issue_count=Count("links", distinct=True),
                enterprise_count=Count("links__issue__enterprise", distinct=True),
            )
            .order_by("-created_at", "-id")
        )

    def get_serializer_class(self):
        user = self.request.user
        if user.is_authenticated and user.is_portal_staff:
            return CommonIssueStaffSerializer
        return CommonIssuePublicSerializer


class RankingView(APIView):
    """晾晒评价: per department (or region) figures for a period, ranked. Aggregates only."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period", OpenApiTypes.STR, description="YYYY-MM, YYYY-Qn or YYYY (default: the last complete month)"
            ),
            OpenApiParameter("start", OpenApiTypes.DATE, description="custom range start (with end)"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="custom range end, inclusive"),
            OpenApiParameter("by", OpenApiTypes.STR, enum=["department", "region"]),
            OpenApiParameter("region", OpenApiTypes.STR, description="region code: only departments there"),
        ],
        responses={200: RankingSerializer},
    )
    def get(self, request):
        params = request.query_params
        by = params.get("by") or "department"
        filters = {}
        try:
            period = rankings.parse_period(params.get("period"), start=params.get("start"), end=params.get("end"))
            if by not in rankings.GROUPINGS:
                raise rankings.PeriodError(_("分组方式应为 department 或 region。"))
        except rankings.PeriodError as exc:
            raise ValidationError({"period": [str(exc)]}) from None
        if params.get("region"):
            region = Region.objects.filter(code=params["region"]).first()
            if region is None:
                raise ValidationError({"region": [_("地区代码不存在。")]})
            filters["region"] = region.pk
        result = rankings.ranking(period=period, by=by, filters=filters)
        keys = [row.key for row in result.rows]
        context = {
            "by": by,
            "departments": {d["id"]: d for d in Department.objects.filter(pk__in=keys).values("id", "code", "name")}
            if by == "department"
            else {},
            "regions": {r["id"]: r for r in Region.objects.filter(pk__in=keys).values("id", "code", "name", "level")}
            if by == "region"
            else {},
        }
        payload = {
            "period": period.label,
            "previous_period": result.previous.label,
            "start": period.start,
            "end": period.last_day,
            "by": by,
            "min_sample": result.min_sample,
            "results": result.rows,
        }
        return Response(RankingSerializer(payload, context=context).data)


class OpenRowsPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class RankingRowsView(generics.ListAPIView):
    """The open rows behind the ranking: one per problem of the period's cohort (first dispatched in
    the period, not withdrawn), nothing that identifies the enterprise. Every figure of
    ``/api/v1/rankings/`` can be recounted from them (docs/insights.md)."""

    permission_classes = [permissions.AllowAny]
    pagination_class = OpenRowsPagination
    serializer_class = RankingOpenRowSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Issue.objects.none()
        params = self.request.query_params
        try:
            period = rankings.parse_period(params.get("period"), start=params.get("start"), end=params.get("end"))
        except rankings.PeriodError as exc:
            raise ValidationError({"period": [str(exc)]}) from None
        return open_data.rows_queryset(period)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period", OpenApiTypes.STR, description="YYYY-MM, YYYY-Qn or YYYY (default: the last complete month)"
            ),
            OpenApiParameter("start", OpenApiTypes.DATE, description="custom range start (with end)"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="custom range end, inclusive"),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(open_data.build_rows(page), many=True).data)
