from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "market"
    verbose_name = _("市场侧增值服务")
    default_auto_field = "django.db.models.BigAutoField"
    urls = ("market/", "market.urls")
    api_urls = "market.api.urls"
    nav_template = "market/_nav.html"

    def seed_demo(self, *, rng, context: dict, stdout) -> None:
        from market import demo

        demo.seed(rng=rng, context=context, stdout=stdout)

    def schedules(self) -> list[dict]:
        from market.tasks import SCHEDULES

        return SCHEDULES
