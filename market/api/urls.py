"""API routes of the market app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from market.api import views

router = SimpleRouter()
router.register("facilities", views.FacilityViewSet, basename="facility")
router.register("facility-bookings", views.FacilityBookingViewSet, basename="facility-booking")
router.register("intermediaries", views.IntermediaryViewSet, basename="intermediary")
router.register("purchases", views.PurchaseViewSet, basename="purchase")
router.register("purchase-results", views.PurchaseResultViewSet, basename="purchase-result")

urlpatterns = [
    path("intermediary-stats/", views.IntermediaryStatsView.as_view(), name="intermediary-stats"),
    *router.urls,
]
