"""The handler's task inbox as a work queue (issue 15): open tasks by default, finished ones on request,
sorted by due date unless asked otherwise, and the count in the navigation."""

import pytest
from django.urls import reverse

from services import actions
from services.models import ApplicationItem

pytestmark = pytest.mark.django_db


def _listed(html: str) -> list[int]:
    return [int(part.split('"')[0]) for part in html.split('data-task="')[1:]]


def test_finished_tasks_hidden_unless_asked(client_for, handler, submit):
    # given two applications, the department finishes one task
    submit()
    submit()
    mine = list(ApplicationItem.objects.filter(department=handler.department).order_by("id"))
    done = mine[0]
    for event in ("accept", "start", "complete"):
        actions.task_transition(
            actor=handler, task=ApplicationItem.objects.get(pk=done.pk), event=event, result="已办结"
        )
    c = client_for(handler)
    url = reverse("services:task_inbox")
    # then the inbox lists only the open ones, and the badge counts them
    html = c.get(url).content.decode()
    assert done.pk not in _listed(html) and set(_listed(html)) == {t.pk for t in mine[1:]}
    assert f'data-testid="count-tasks">{len(mine) - 1}<' in html
    # and the toggle, or a filter on a final status, shows the finished one
    assert done.pk in _listed(c.get(url, {"finished": "1"}).content.decode())
    assert _listed(c.get(url, {"status": "done"}).content.decode()) == [done.pk]
    # and the latest due first on request
    latest_first = [t.pk for t in sorted(mine, key=lambda t: (t.due_date, t.pk), reverse=True)]
    assert _listed(c.get(url, {"sort": "-due", "finished": "1"}).content.decode()) == latest_first
