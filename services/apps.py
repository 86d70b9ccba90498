from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("一类事服务")

    def ready(self):
        from .catalogue_cache import connect_signals

        connect_signals()
