"""Names of configuration data in the reader's language (issue 15): departments, problem categories, intake
channels and 三不管 kinds carry an English name (``name_en``) next to the Chinese one. Chinese is the
default; the English name is shown when the active language is English and one was given, else the Chinese.

One helper for everything: ``localized_name(obj)`` in Python, ``{{ obj|localized_name }}`` in templates (a
built-in filter), and the models' ``__str__`` (so form choices, filters and the admin follow).
"""

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def wants_english() -> bool:
    language = get_language() or ""
    return language == "en" or language.startswith("en-")


def localized_name(obj, field: str = "name") -> str:
    """``obj.<field>_en`` when the reader reads English and it is filled in, else ``obj.<field>``."""
    if obj is None or obj == "":
        return ""
    if wants_english():
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field, "") if hasattr(obj, field) else str(obj)


def english_name_field(max_length: int) -> models.CharField:
    """The ``name_en`` column, declared the same way on every model that has one."""
    return models.CharField(
        _("英文名称"), max_length=max_length, blank=True, help_text=_("界面为英文时显示；留空则显示中文名称。")
    )


def _interpolate(message, values: dict) -> str:
    return str(message) % values


# ``_("最多 %(n)d 个") % {...}`` at class level is translated once, at import, in the default language: the
# attachment help stayed Chinese on English pages. This keeps it lazy: translated when shown.
lazy_interpolate = lazy(_interpolate, str)
