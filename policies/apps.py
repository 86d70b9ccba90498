from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("政策计算器")
    default_auto_field = "django.db.models.BigAutoField"
    urls = ("policies/", "policies.urls")
    api_urls = "policies.api.urls"
    nav_template = "policies/_nav.html"
    workbench_template = "policies/_workbench.html"

    def seed_demo(self, *, rng, context: dict, stdout) -> None:
        from policies import demo

        demo.seed(rng=rng, context=context, stdout=stdout)

    def schedules(self) -> list[dict]:
        from policies.tasks import SCHEDULES

        return SCHEDULES

    def ready(self):
        from policies import catalogue, signals  # noqa: F401
