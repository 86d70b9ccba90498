"""An application's task rows written in Python (services_tags.task_rows) say what the template rows they
replaced said (templates/services/_task_table.html before issue 13), whitespace between tags aside."""

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from services import selectors
from services.models import ApplicationItem

pytestmark = pytest.mark.django_db

OLD_ROWS = (
    "{% load i18n portal_tags services_tags %}"
    + '{% for task in application.items.all %}<tr data-testid="task-row" data-task="{{ task.service_code }}">\n<td>{{ task.name }}{% if task.kind == "value_added" %} <span class="tag tag-blue">{% translate "增值" %}</span>{% endif %}</td>\n<td>{{ task.department|localized_name }}</td>\n<td data-testid="task-status">{% status_tag task.status task.get_status_display %}</td>\n<td>{% if task.handler %}{{ task.handler.name|mask_name }} {{ task.handler.office_phone }}{% else %}{{ task.department.phone }}{% endif %}</td>\n<td class="{% if task.light %}light-{{ task.light }}{% endif %}">{{ task.due_date|date:"Y-m-d" }}{% if task.is_overdue %} <span class="tag tag-red" data-testid="overdue">{% translate "已超期" %}</span>{% elif task.status == "supplement" %} <span class="muted">{% translate "（补正期间暂停计时）" %}</span>{% endif %}</td>\n<td>{% if task.status == "refused" %}{{ task.reason }}{% elif task.status == "supplement" %}{{ task.note }}{% else %}{{ task.result }}{% endif %}</td>\n</tr>{% endfor %}'  # noqa: E501 - the template as it was
)


def _squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_task_rows_say_what_the_template_said(submit, member, handler, opening, language):
    # given an application whose tasks are open, overdue, due soon, refused, in supplement, with a handler
    application = submit(selected_ids=[*opening.basic_ids, opening.free_seal.pk, opening.bank_booking.pk])
    tasks = list(application.items.order_by("id"))
    today = timezone.localdate()
    ApplicationItem.objects.filter(pk=tasks[0].pk).update(due_date=today - dt.timedelta(days=2))
    ApplicationItem.objects.filter(pk=tasks[1].pk).update(due_date=today, handler=handler)
    ApplicationItem.objects.filter(pk=tasks[2].pk).update(status="refused", reason="<材料> & 不全")
    ApplicationItem.objects.filter(pk=tasks[3].pk).update(status="supplement", note="补正营业执照")
    application = selectors.application_get(user=member, pk=application.pk)
    assert {task.light for task in application.items.all()} >= {"overdue", "duesoon"}
    with translation.override(language):
        context = Context({"application": application})
        new = Template("{% load services_tags %}{% task_rows application %}").render(context)
        # then the rows carry the same cells, text and attributes
        assert _squeeze(new) == _squeeze(Template(OLD_ROWS).render(context))
