"""Template helpers of the services app."""

from django import template
from django.utils.html import format_html

register = template.Library()

# The colour of a status tag (applications and tasks share the vocabulary); blue for everything else.
STATUS_TAG_COLOURS = {
    "done": "green",
    "refused": "red",
    "partly_done": "red",
    "supplement": "yellow",
    "needs_materials": "yellow",
}


@register.simple_tag
def status_tag(status: str, label) -> str:
    """``<span class="tag tag-…">label</span>`` for an application's or a task's status: a tag, not an
    include, because it is drawn once per row of long lists."""
    return format_html('<span class="tag tag-{}">{}</span>', STATUS_TAG_COLOURS.get(status, "blue"), label)
