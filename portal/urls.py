"""Root URLconf. Each app owns its pages (``<app>/urls.py``) and API (``<app>/api/urls.py``)."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from portal.views import healthz

api_v1 = [
    path("", include("portal.api.urls")),
    path("", include("services.api.urls")),
    # insights before issues: its /issues/similar/ must win over the issue detail route
    path("", include("insights.api.urls")),
    path("", include("issues.api.urls")),
    path("", include("policies.api.urls")),
]

urlpatterns = [
    path("", include("portal.urls_app")),
    path("services/", include("services.urls")),
    path("issues/", include("issues.urls")),
    path("policies/", include("policies.urls")),
    path("insights/", include("insights.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "portal.views.error_400"
handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"
