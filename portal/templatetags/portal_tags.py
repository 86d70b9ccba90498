from django import template

from portal import masking

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
