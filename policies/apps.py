from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("政策计算器")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from policies import catalogue, signals  # noqa: F401
