from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuesConfig(AppConfig):
    name = "issues"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("涉企问题与兜底办")
    urls = ("issues/", "issues.urls")
    api_urls = "issues.api.urls"
    nav_template = "issues/_nav.html"
    workbench_template = "issues/_workbench.html"
    enterprise_actions_template = "issues/_enterprise_actions.html"

    def seed_demo(self, *, rng, context: dict, stdout) -> None:
        from issues import demo

        demo.seed(rng=rng, context=context, stdout=stdout)

    def schedules(self) -> list[dict]:
        from issues.tasks import SCHEDULES

        return SCHEDULES

    def ready(self) -> None:
        from issues import counts

        counts.register()
