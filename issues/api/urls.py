"""API routes of the issues app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("issue-categories", views.IssueCategoryViewSet, basename="issue-category")
router.register("issue-channels", views.IssueChannelViewSet, basename="issue-channel")
router.register("issues", views.IssueViewSet, basename="issue")
router.register("issue-extension-requests", views.ExtensionRequestViewSet, basename="issue-extension-request")
router.register("issue-appeals", views.AppealViewSet, basename="issue-appeal")

urlpatterns = router.urls
