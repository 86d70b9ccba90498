from django import template

from portal import masking, plugins

register = template.Library()


@register.filter
def mask_phone(value):
    return masking.mask_phone(value)


@register.filter
def mask_id(value):
    return masking.mask_id_number(value)


@register.filter
def mask_name(value):
    return masking.mask_name(value)


@register.simple_tag
def app_templates(kind: str) -> tuple[str, ...]:
    """The templates the installed apps plug into a page (portal/plugins.py): "nav", "workbench" or
    "enterprise_actions"."""
    return plugins.declared_templates(kind)
