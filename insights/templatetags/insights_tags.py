"""Template helpers of the insights app: the similar-problem hint, percentages and SVG bar charts
(templates/insights/_bar_chart.html)."""

from django import template
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


CHART_ROW_HEIGHT = 40  # px per bar: a 14 px label line (name left, value right), then the bar
CHART_TOP = 8


CHART_LABEL_WIDTH = 30  # in half-width characters (a Chinese character counts two): fits a phone next to the value


def _chart_label(name: str) -> str:
    """The name as drawn next to its bar, shortened with … so it never runs into the value on a phone
    (the table below the chart carries the full name)."""
    width = 0
    for index, char in enumerate(name):
        width += 2 if ord(char) > 0x2E7F else 1
        if width > CHART_LABEL_WIDTH:
            return name[: max(index - 1, 1)] + "…"
    return name


def _chart_value(value, percent: bool) -> str:
    return pct(value) if percent else num(value)


@register.inclusion_tag("insights/_bar_chart.html")
def bar_chart(
    rows,
    attribute: str,
    title: str = "",
    maximum: float = 1.0,
    percent: bool = True,
    label: str = "",
    name_label: str = "",
):
    """A horizontal bar chart drawn on the server as inline SVG, followed by a table of the same figures.

    Readable at any width: nothing is scaled (no viewBox), the text is 14 px on its own line — the
    department's name on the left, its value on the right — and only the bars stretch (widths in % of
    the chart). Named for assistive technology (``role="img"``, ``aria-label`` and ``<title>``); the
    table after it carries the same figures. No inline style (the CSP forbids it): the look comes from
    classes in ``insights.css`` and ``print.css``. Rows without the figure are left out of both."""
    rows = [row for row in rows if getattr(row, attribute, None) is not None]
    top = max([maximum, *[getattr(row, attribute) for row in rows]]) or 1
    bars = []
    for index, row in enumerate(rows):
        value = getattr(row, attribute)
        y = CHART_TOP + index * CHART_ROW_HEIGHT
        bars.append(
            {
                "name": row.name,
                "label": _chart_label(row.name),
                "value": _chart_value(value, percent),
                "text_y": y + 14,
                "bar_y": y + 21,
                "width": f"{max(0.5, 100 * value / top):.1f}%",
            }
        )
    return {
        "title": title or _("图表"),
        "label": label or _("数值"),
        "name_label": name_label or _("名称"),
        "bars": bars,
        "height": CHART_TOP + CHART_ROW_HEIGHT * len(rows),
    }


@register.filter
def issue_url(issue) -> str:
    """The issues app's page of a problem (``issues:issue_detail``; a plain path until it exists)."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("issues:issue_detail", args=[issue.pk])
    except NoReverseMatch:
        return f"/issues/{issue.pk}/"
