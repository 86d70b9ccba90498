"""API routes of the insights app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("common-issues", views.CommonIssueViewSet, basename="common-issue")

urlpatterns = [
    path("issues/similar/", views.SimilarIssuesView.as_view(), name="issue-similar"),
    path("rankings/", views.RankingView.as_view(), name="rankings"),
    path("rankings/rows/", views.RankingRowsView.as_view(), name="ranking-rows"),
    *router.urls,
]
