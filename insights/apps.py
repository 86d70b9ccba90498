from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """举一反三 and 晾晒评价: similar-problem search, common problems, the solved-case library and
    the published evaluation of departments. Kept apart from ``issues`` (the case workflow) because
    it only reads problems and links them; it never changes their state except through
    ``issues.actions``."""

    name = "insights"
    verbose_name = _("举一反三与晾晒评价")
    default_auto_field = "django.db.models.BigAutoField"
    urls = ("insights/", "insights.urls")
    api_urls = "insights.api.urls"
    nav_template = "insights/_nav.html"
    workbench_template = "insights/_workbench.html"

    def seed_demo(self, *, rng, context: dict, stdout) -> None:
        from insights import demo

        demo.seed(rng=rng, context=context, stdout=stdout)

    def schedules(self) -> list[dict]:
        from insights.tasks import SCHEDULES

        return SCHEDULES

    def ready(self) -> None:
        from insights import signals

        signals.connect()
