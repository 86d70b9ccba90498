"""API routes of the voice app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("inquiries", views.InquiryViewSet, basename="inquiry")

urlpatterns = [
    path("service-reviews/", views.ServiceReviewView.as_view(), name="service-reviews"),
    *router.urls,
]
