"""The form renderer (``FORM_RENDERER``): Django's, with its select widget written out in Python.

Django renders a ``<select>`` through a template that includes one template per option, and another for
each option's attributes: a filter form with its category, channel and department lists (about a hundred
options) cost more than the table of problems under it (issue 13, item 4). :func:`render_select` writes
the same bytes as ``django/forms/widgets/select.html`` with its ``select_option.html`` options (the test
compares both on every kind of option); any other template, or an option with a template of its own, is
rendered by Django's templates as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _text(value) -> str:
    """``{{ value }}`` in a template: localized, escaped unless already safe."""
    return conditional_escape(localize(value))


def _string(value) -> str:
    """``{{ value|stringformat:'s' }}``: ``%s`` of the value, escaped unless the value was safe."""
    formatted = "%s" % (value,)  # noqa: UP031 - the filter's own formatting
    return formatted if isinstance(value, SafeData) else conditional_escape(formatted)


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_string(value)}"')
    return "".join(parts)


def render_select(widget: dict) -> str | None:
    """The select widget's HTML from its template context, or None when an option has another template."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            value, attrs, label = _string(option["value"]), _attrs(option["attrs"]), _text(option["label"])
            parts.append(f'\n  <option value="{value}"{attrs}>{label}</option>\n')  # the file's own newline
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # every value above is escaped


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE and "widget" in context:
            html = render_select(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request)
