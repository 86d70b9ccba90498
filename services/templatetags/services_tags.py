"""Template helpers of the services app."""

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from portal.i18n import localized_name
from portal.masking import mask_name
from services.choices import ItemKind, TaskStatus

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


def _task_row(task) -> str:
    """One row of templates/services/_task_table.html (the light and the overdue mark computed once)."""
    department = task.department
    value_added = ""
    if task.kind == ItemKind.VALUE_ADDED:
        value_added = format_html(' <span class="tag tag-blue">{}</span>', _("增值"))
    if task.handler:
        contact = format_html("{} {}", mask_name(task.handler.name), task.handler.office_phone)
    else:
        contact = department.phone if department is not None else ""
    light = task.light
    if task.is_overdue:
        mark = format_html(' <span class="tag tag-red" data-testid="overdue">{}</span>', _("已超期"))
    elif task.status == TaskStatus.SUPPLEMENT:
        mark = format_html(' <span class="muted">{}</span>', _("（补正期间暂停计时）"))
    else:
        mark = ""
    if task.status == TaskStatus.REFUSED:
        outcome = task.reason
    elif task.status == TaskStatus.SUPPLEMENT:
        outcome = task.note
    else:
        outcome = task.result
    return format_html(
        '<tr data-testid="task-row" data-task="{}">\n<td>{}{}</td>\n<td>{}</td>\n'
        '<td data-testid="task-status">{}</td>\n<td>{}</td>\n<td class="{}">{}{}</td>\n<td>{}</td>\n</tr>',
        task.service_code,
        task.name,
        value_added,
        localized_name(department),
        status_tag(task.status, task.get_status_display()),
        contact,
        f"light-{light}" if light else "",
        date_filter(task.due_date, "Y-m-d"),
        mark,
        outcome,
    )


@register.simple_tag
def task_rows(application) -> str:
    """The rows of an application's tasks (``application.items.all()``, prefetched by the selectors):
    written in Python, as a list page draws forty of them."""
    return mark_safe("".join(_task_row(task) for task in application.items.all()))  # each row is escaped
