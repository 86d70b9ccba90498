"""Template helpers of the insights app: the similar-problem hint, percentages and SVG bar charts."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from insights.selectors import hint_for

register = template.Library()


def _form_text(form) -> str:
    if form is None:
        return ""
    if getattr(form, "is_bound", False):
        data = form.data
        return f"{data.get('title', '')}\n{data.get('description', '')}"
    initial = getattr(form, "initial", {}) or {}
    return f"{initial.get('title', '')}\n{initial.get('description', '')}"


@register.inclusion_tag("insights/_similar_hint_block.html", takes_context=True)
def similar_hint(context):
    """Render the hint server-side from what the page already has: a re-displayed form (its title
    and description) or, on the classify page, the problem being classified."""
    request = context.get("request")
    user = getattr(request, "user", None)
    issue = context.get("issue")
    form = context.get("form")
    text = _form_text(form).strip()
    if not text and issue is not None and getattr(issue, "pk", None):
        text = f"{issue.title}\n{issue.description}"
    else:
        issue = None
    hint = hint_for(user=user, text=text, issue=issue) if user is not None and text else None
    return {"hint": hint, "hint_issue": issue, "request": request, "user": user}


@register.filter
def pct(value) -> str:
    """0.9234 → '92.3%'; None → '—'."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"


@register.filter
def num(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}"


@register.simple_tag
def bar_chart(rows, attribute: str, title: str = "", maximum: float = 1.0, percent: bool = True):
    """A horizontal bar chart drawn on the server as inline SVG: readable when printed (black text,
    grey bars with a dark outline, values written next to the bars), no JavaScript."""
    rows = [row for row in rows if getattr(row, attribute, None) is not None]
    if not rows:
        return ""
    label_width, bar_width, row_height = 220, 360, 22
    height = row_height * len(rows) + 30
    top = max([maximum, *[getattr(row, attribute) for row in rows]]) or 1
    bars = []
    for index, row in enumerate(rows):
        value = getattr(row, attribute)
        y = 24 + index * row_height
        width = max(1, int(bar_width * value / top))
        text = f"{value * 100:.1f}%" if percent else f"{value:.1f}"
        bars.append((y + 14, row.name[:16], label_width, y + 3, width, label_width + width + 6, y + 14, text))
    body = format_html_join(
        "",
        '<text x="0" y="{}" font-size="12">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="14" fill="#9db4d3" stroke="#1f3a5f" stroke-width="0.5"></rect>'
        '<text x="{}" y="{}" font-size="12">{}</text>',
        bars,
    )
    return format_html(
        '<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" '
        'width="100%" viewBox="0 0 {} {}" preserveAspectRatio="xMinYMin meet">'
        '<text x="0" y="14" font-size="13" font-weight="bold">{}</text>{}</svg></figure>',
        title or _("图表"),
        label_width + bar_width + 70,
        height,
        title,
        body,
    )


@register.filter
def issue_url(issue) -> str:
    """The issues app's page of a problem (``issues:issue_detail``; a plain path until it exists)."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("issues:issue_detail", args=[issue.pk])
    except NoReverseMatch:
        return f"/issues/{issue.pk}/"
