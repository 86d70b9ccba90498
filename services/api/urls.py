"""API routes of the services app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("bundles", views.BundleViewSet, basename="bundle")
router.register("applications", views.ApplicationViewSet, basename="application")
router.register("application-items", views.ApplicationItemViewSet, basename="application-item")

urlpatterns = router.urls
