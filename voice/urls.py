"""Pages of the voice app (namespace ``voice``)."""

from django.urls import path

from . import views

app_name = "voice"

urlpatterns = [
    path("meetings/", views.MeetingListView.as_view(), name="meetings"),
    path("meetings/new/", views.SessionCreateView.as_view(), name="session_create"),
    path("meetings/<int:pk>/", views.SessionDetailView.as_view(), name="session_detail"),
    path("inquiries/", views.InquiryListView.as_view(), name="inquiries"),
    path("inquiries/new/", views.InquiryCreateView.as_view(), name="inquiry_create"),
    path("inquiries/<int:pk>/", views.InquiryDetailView.as_view(), name="inquiry_detail"),
    path("services/", views.ServiceScoresView.as_view(), name="services"),
    path("findings/", views.FindingListView.as_view(), name="findings"),
    path("findings/<int:pk>/raise/", views.FindingRaiseView.as_view(), name="finding_raise"),
    path("officers/applications/", views.OfficerApplicationListView.as_view(), name="officer_applications"),
    path("officers/applications/<int:pk>/decide/", views.OfficerDecideView.as_view(), name="officer_decide"),
]
