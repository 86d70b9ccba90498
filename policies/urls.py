"""Pages of the policies app (namespace ``policies``)."""

from django.urls import path

from policies import views

app_name = "policies"

urlpatterns = [
    path("", views.PolicyLibraryView.as_view(), name="library"),
    path("calculator/", views.CalculatorView.as_view(), name="calculator"),
    path("<int:pk>/", views.PolicyDetailView.as_view(), name="policy_detail"),
    path("<int:pk>/enterprises/", views.PolicyEnterprisesView.as_view(), name="policy_enterprises"),
    path("entitlements/", views.EntitlementListView.as_view(), name="entitlements"),
    path("entitlements/<int:pk>/decide/", views.EntitlementDecideView.as_view(), name="entitlement_decide"),
    path("admin/condition-preview/", views.ConditionPreviewView.as_view(), name="condition_preview"),
]
