from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("一类事服务")
    urls = ("services/", "services.urls")
    api_urls = "services.api.urls"
    nav_template = "services/_nav.html"
    workbench_template = "services/_workbench.html"
    enterprise_actions_template = "services/_enterprise_actions.html"

    def seed_demo(self, *, rng, context: dict, stdout) -> None:
        from services import demo

        demo.seed(rng=rng, context=context, stdout=stdout)

    def schedules(self) -> list[dict]:
        from services.tasks import SCHEDULES

        return SCHEDULES

    def ready(self):
        from .catalogue_cache import connect_signals

        connect_signals()
        from services import counts

        counts.register()
