"""URLs of the core app (namespace ``portal``)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from portal import display, lookups, views

app_name = "portal"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("display/text-size/", display.TextSizeView.as_view(), name="text_size"),
    path("accounts/login/", views.PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PortalPasswordChangeView.as_view(), name="password_change"),
    path("accounts/tokens/", views.ApiTokenListView.as_view(), name="api_tokens"),
    path("accounts/register/", views.RegisterView.as_view(), name="register"),
    path("my/enterprises/", views.MyEnterprisesView.as_view(), name="my_enterprises"),
    path("my/enterprises/claim/", views.EnterpriseClaimView.as_view(), name="enterprise_claim"),
    path("my/enterprises/new/", views.EnterpriseRegisterView.as_view(), name="enterprise_register"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("memberships/<int:pk>/decide/", views.MembershipDecideView.as_view(), name="membership_decide"),
    path("workbench/", views.WorkbenchView.as_view(), name="workbench"),
    path("workbench/enterprises/", views.StaffEnterpriseListView.as_view(), name="staff_enterprises"),
    path("workbench/enterprises/new/", views.StaffEnterpriseRegisterView.as_view(), name="staff_enterprise_register"),
    path("workbench/lookup/enterprises/", lookups.EnterpriseLookupView.as_view(), name="enterprise_lookup"),
    path("workbench/memberships/", views.MembershipQueueView.as_view(), name="membership_queue"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
]
