"""Template tags of the issues app: the rows of a problem list and the deadline light.

Written in Python, not as includes: a list draws them once per row, and the template engine's cost per
row (an include, a dozen filters and conditions) was most of a list page's time (issue 13, item 4)."""

from django import template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from issues.choices import Light
from portal.i18n import localized_name
from portal.masking import mask_name, mask_phone

register = template.Library()

# the lights that show a deadline → their CSS class (the labels are issues.choices.Light's)
_LIGHT_CSS = {Light.OVERDUE: "light-overdue", Light.DUE_SOON: "light-duesoon", Light.ON_TIME: "light-ontime"}


@register.simple_tag
def issue_light(issue) -> str:
    """The current deadline with its light (``issue.light``, set by ``selectors.attach_lights``)."""
    light = getattr(issue, "light", "")
    if light not in _LIGHT_CSS:
        return mark_safe('<span class="muted">—</span>')
    due = date_filter(issue.current_due(), "Y-m-d")
    return format_html(
        '<span class="tag {}" data-light="{}">{} {}</span>', _LIGHT_CSS[light], light, Light(light).label, due
    )


def _row(issue, hide_enterprise: bool) -> str:
    tags = ""
    if issue.with_supervisor:
        tags += format_html(' <span class="tag tag-red">{}</span>', _("转督办"))
    if issue.escalation_count:
        tags += format_html(' <span class="tag tag-blue">{}</span>', _("已提级"))
    if issue.reopen_count:
        tags += format_html(' <span class="tag tag-yellow">{}</span>', _("重办"))
    enterprise = ""
    if not hide_enterprise:
        enterprise = format_html(
            "\n<td>{}</td><td>{} {}</td>",
            issue.enterprise.name,
            mask_name(issue.contact_name),
            mask_phone(issue.contact_phone),
        )
    return format_html(
        '<tr data-issue="{}">\n<td><a href="{}">{}</a></td>\n<td class="nowrap">{}</td>\n<td>{}{}</td>{}\n'
        "<td>{}</td><td>{}</td><td>{}</td>\n"
        '<td><span class="tag">{}</span></td>\n<td>{}</td></tr>\n',
        issue.pk,
        reverse("issues:issue_detail", args=[issue.pk]),
        issue.reference,
        issue_light(issue),
        issue.title,
        mark_safe(tags),  # built by format_html above
        enterprise,
        localized_name(issue.category),
        localized_name(issue.channel),
        issue.get_level_display(),
        issue.get_status_display(),
        localized_name(issue.lead_department) or "—",
    )


@register.simple_tag
def issue_rows(page, hide_enterprise=False) -> str:
    """The ``<tr>`` of each problem of a list page (templates/issues/_issue_table.html), or one saying
    there is none."""
    rows = "".join(_row(issue, bool(hide_enterprise)) for issue in page)
    if not rows:
        return format_html('<tr><td colspan="10" class="muted">{}</td></tr>', _("暂无问题。"))
    return mark_safe(rows)  # each row is escaped by format_html
