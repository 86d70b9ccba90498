from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("平台基础")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal import admin_a11y, checks, forking, receivers  # noqa: F401  (receivers and checks)

        forking.install()
        admin_a11y.install()

    def schedules(self) -> list[dict]:
        from portal.tasks import SCHEDULES

        return SCHEDULES
