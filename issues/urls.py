"""Pages of the issues app (namespace ``issues``)."""

from django.urls import path

from . import code_views, lookups, views

app_name = "issues"

urlpatterns = [
    path("", views.IssueListView.as_view(), name="issue_list"),
    path("mine/", views.MyIssuesView.as_view(), name="my_issues"),
    path("new/", views.IssueReportView.as_view(), name="issue_report"),
    path("intake/", views.IssueIntakeView.as_view(), name="issue_intake"),
    path("catch-all/", views.CatchAllQueueView.as_view(), name="catch_all_queue"),
    path("inbox/", views.DepartmentInboxView.as_view(), name="department_inbox"),
    path("follow-ups/", views.FollowUpQueueView.as_view(), name="follow_up_queue"),
    path("supervision/", views.SupervisionView.as_view(), name="supervision"),
    path("<int:pk>/", views.IssueDetailView.as_view(), name="issue_detail"),
    path("<int:pk>/rate-qr.svg", views.RateQrView.as_view(), name="rate_qr"),
    path("<int:pk>/contact/", views.ContactRevealView.as_view(), name="contact_reveal"),
    path("<int:pk>/move/<slug:move>/", views.IssueMoveView.as_view(), name="issue_move"),
    path(
        "<int:pk>/move/<slug:move>/departments/",
        lookups.MoveDepartmentLookupView.as_view(),
        name="move_department_lookup",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    path("extensions/<int:pk>/decide/", views.ExtensionDecideView.as_view(), name="extension_decide"),
    path("appeals/<int:pk>/decide/", views.AppealDecideView.as_view(), name="appeal_decide"),
    path("code/<int:enterprise_pk>/", code_views.EnterpriseCodeView.as_view(), name="enterprise_code"),
    path("code/<int:enterprise_pk>/qr.svg", code_views.EnterpriseCodeSvgView.as_view(), name="enterprise_code_svg"),
    path("status/<str:token>/", code_views.SignedEnterpriseStatusView.as_view(), name="enterprise_status_signed"),
]
