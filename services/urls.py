"""Pages of the services app (namespace ``services``)."""

from django.urls import path

from . import views, window

app_name = "services"

urlpatterns = [
    path("", views.CatalogueView.as_view(), name="catalogue"),
    path("window/", window.WalkInStartView.as_view(), name="window"),
    path("bundles/<slug:code>/", views.BundleDetailView.as_view(), name="bundle_detail"),
    path("bundles/<slug:code>/check/", views.ApplyCheckView.as_view(), name="apply_check"),
    path("bundles/<slug:code>/selection/", views.SelectionCheckView.as_view(), name="selection_check"),
    path("bundles/<slug:code>/submit/", views.ApplicationSubmitView.as_view(), name="apply_submit"),
    path("applications/", views.ApplicationListView.as_view(), name="application_list"),
    path("applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application_detail"),
    path(
        "applications/<int:pk>/confirmation/",
        views.ApplicationConfirmationView.as_view(),
        name="application_confirmation",
    ),
    path("applications/<int:pk>/receipt/", views.ApplicationReceiptView.as_view(), name="application_receipt"),
    path("workbench/tasks/", views.TaskInboxView.as_view(), name="task_inbox"),
    path("workbench/tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("workbench/tasks/<int:pk>/<slug:move>/", views.TaskMoveView.as_view(), name="task_transition"),
]
