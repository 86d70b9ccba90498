"""Built-in template filter (registered in settings.TEMPLATES): ``{{ department|localized_name }}``."""

from django import template

from portal.i18n import localized_name as _localized_name

register = template.Library()


@register.filter
def localized_name(obj, field: str = "name"):
    return _localized_name(obj, field)
