from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    """The enterprises' voice (issue 17): 政企恳谈会, 人大专题询问 and 营商环境体验官. Problems raised here
    enter the issues app through its intake action; this app only links them to where they came from."""

    name = "voice"
    verbose_name = _("政企恳谈与社会评议")
    default_auto_field = "django.db.models.BigAutoField"
    urls = ("voice/", "voice.urls")
    api_urls = "voice.api.urls"
    nav_template = "voice/_nav.html"

    def seed_demo(self, *, rng, context: dict, stdout) -> None:
        from voice import demo

        demo.seed(rng=rng, context=context, stdout=stdout)
