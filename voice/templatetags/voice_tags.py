"""Template tags other apps' pages use to show this app's figures without importing it in Python."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("voice/_common_tallies.html")
def inquiry_tallies(common_issue):
    """The published 人大专题询问 on a common problem, with each department's tally."""
    return {"published": selectors.inquiry_tallies_for_common(common_issue)}
