"""Pages of the insights app (namespace ``insights``)."""

from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("similar/hint/", views.SimilarHintView.as_view(), name="similar_hint"),
    path("clusters/", views.ClusterListView.as_view(), name="clusters"),
    path("common/", views.CommonIssueListView.as_view(), name="common_list"),
    path("common/new/", views.CommonIssueCreateView.as_view(), name="common_create"),
    path("common/link/", views.CommonIssueLinkView.as_view(), name="common_link"),
    path("common/<int:pk>/", views.CommonIssueDetailView.as_view(), name="common_detail"),
    path("common/<int:pk>/answer/", views.CommonIssueAnswerView.as_view(), name="common_answer"),
    path("common/<int:pk>/edit/", views.CommonIssueEditView.as_view(), name="common_edit"),
    path("common/<int:pk>/reuse/", views.CommonIssueReuseView.as_view(), name="common_reuse"),
    path("library/", views.LibraryView.as_view(), name="library"),
    path("library/<int:pk>/", views.LibraryDetailView.as_view(), name="library_detail"),
    path("rankings/", views.PublicRankingView.as_view(), name="rankings"),
    path("rankings/staff/", views.StaffRankingView.as_view(), name="rankings_staff"),
    path("rankings/problems/", views.RankingDrilldownView.as_view(), name="rankings_drilldown"),
    path("rankings/rows.csv", views.RankingRowsCsvView.as_view(), name="rankings_rows_csv"),
    path("rankings/methodology/", views.RankingMethodologyView.as_view(), name="rankings_methodology"),
    path("rankings/export.xlsx", views.RankingExportView.as_view(), name="rankings_export"),
    path("ledger/", views.LedgerView.as_view(), name="ledger"),
    path("ledger/issues.xlsx", views.IssueLedgerExportView.as_view(), name="ledger_issues_export"),
    path("ledger/applications.xlsx", views.ApplicationLedgerExportView.as_view(), name="ledger_applications_export"),
    path("exports/", views.LedgerExportListView.as_view(), name="my_exports"),
    path("exports/<int:pk>/download/", views.LedgerExportDownloadView.as_view(), name="export_download"),
]
