"""Root URLconf. Each app owns its pages (``<app>/urls.py``) and API (``<app>/api/urls.py``) and declares
them on its ``AppConfig`` (portal/plugins.py): the installed apps are mounted here, none is named."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal import plugins
from portal.views import healthz

api_v1 = [
    path("", include("portal.api.urls")),
    # issues' detail routes take digits only, so insights' /issues/similar/ is free in any order
    *plugins.api_urls(),
]

# Swagger UI: its start-up script is a separate file (the split view), so scripts stay 'self' only; its
# React components set style attributes, so only this page allows inline style.
swagger_ui = csp_override(
    {
        "default-src": [CSP.SELF],
        "script-src": [CSP.SELF],
        "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
        "img-src": [CSP.SELF, "data:"],
        "connect-src": [CSP.SELF],
        "object-src": [CSP.NONE],
        "base-uri": [CSP.SELF],
        "form-action": [CSP.SELF],
        "frame-ancestors": [CSP.NONE],
    }
)(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))

urlpatterns = [
    path("", include("portal.urls_app")),
    *plugins.page_urls(),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", swagger_ui, name="api-docs"),
]

if settings.PORTAL_BENCH_REFERENCE:  # `make bench` only (portal/bench.py)
    from portal.bench import reference

    urlpatterns.append(path("__bench__/reference/", reference, name="bench-reference"))

handler400 = "portal.views.error_400"
handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"
