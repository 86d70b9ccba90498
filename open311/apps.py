from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    """Open311 GeoReport v2: the problem loop in the civic-issue standard (docs/open311.md)."""

    name = "open311"
    verbose_name = _("Open311 对接")
    default_auto_field = "django.db.models.BigAutoField"
    urls = ("open311/v2/", "open311.urls")

    def ready(self) -> None:
        from portal.views import register_error_renderer

        from .formats import render_errors

        def open311_error(request, status, message):
            fmt = "xml" if request.path.endswith(".xml") else "json"
            return render_errors(fmt, status, [message])

        register_error_renderer("/open311/", open311_error)
