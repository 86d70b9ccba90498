from django import template

from portal import formkit, masking, plugins
from portal.permissions import ROLE_PREDICATES

register = template.Library()


@register.simple_tag(takes_context=True)
def page_has_errors(context) -> bool:
    """``{% page_has_errors as errors %}``: whether any form on the page has errors (portal.formkit)."""
    return formkit.page_has_errors(context.flatten())


@register.filter
def mask_phone(value):
    return masking.mask_phone(value)


@register.filter
def mask_id(value):
    return masking.mask_id_number(value)


@register.filter
def mask_name(value):
    return masking.mask_name(value)


@register.filter
def is_a(user, role: str) -> bool:
    """``{% if user|is_a:"clerk" %}``: the role predicate of portal/permissions.py by name (an unknown name
    is an error, not a silent False)."""
    return ROLE_PREDICATES[role](user)


@register.simple_tag
def app_templates(kind: str) -> tuple[str, ...]:
    """The templates the installed apps plug into a page (portal/plugins.py): "nav", "workbench" or
    "enterprise_actions"."""
    return plugins.declared_templates(kind)
