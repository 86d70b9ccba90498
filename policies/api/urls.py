"""API routes of the policies app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from policies.api import views

router = SimpleRouter()
router.register("policies", views.PolicyViewSet, basename="policy")
router.register("entitlements", views.EntitlementViewSet, basename="entitlement")

urlpatterns = router.urls
