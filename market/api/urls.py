"""API routes of the market app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from market.api import views

router = SimpleRouter()
router.register("facilities", views.FacilityViewSet, basename="facility")
router.register("facility-bookings", views.FacilityBookingViewSet, basename="facility-booking")

urlpatterns = router.urls
