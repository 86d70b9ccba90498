"""Fulfilment tasks: "overdue" and the light come from the due date when read (no job marks them), so a
task past its due date shows as late in the API, its filter and the inbox; a task paused for 补正 does not."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from services.choices import TaskStatus
from services.models import ApplicationItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_task(submit):
    application = submit()
    task = ApplicationItem.objects.get(application=application, service_code="330000-AMR-001")
    # its due date passed ten days ago; nothing ran since
    ApplicationItem.objects.filter(pk=task.pk).update(due_date=timezone.localdate() - dt.timedelta(days=10))
    return ApplicationItem.objects.get(pk=task.pk)


def test_late_task_shows_overdue_in_the_api_filter_and_inbox(api_for, client_for, handler, late_task):
    api = api_for(handler)
    assert late_task.is_overdue and late_task.light == "overdue"
    assert api.get(f"/api/v1/application-items/{late_task.pk}/").json()["overdue"] is True
    listed = api.get("/api/v1/application-items/", {"due": "overdue"}).json()["results"]
    assert [row["id"] for row in listed] == [late_task.pk]
    inbox = client_for(handler).get(reverse("services:task_inbox"), {"due": "overdue"}).content.decode()
    row = inbox.split(f'data-task="{late_task.pk}"')[1].split("</tr>")[0]
    assert "light-overdue" in row and "已超期" in row
    assert set(ApplicationItem.objects.overdue()) == {late_task}


def test_task_paused_for_materials_is_not_overdue(api_for, handler, late_task):
    # given the late task is waiting for the enterprise's materials (补正: the clock stops)
    ApplicationItem.objects.filter(pk=late_task.pk).update(status=TaskStatus.SUPPLEMENT)
    late_task.refresh_from_db()
    # then nothing calls it overdue
    assert not late_task.is_overdue and not ApplicationItem.objects.overdue().exists()
    api = api_for(handler)
    assert api.get(f"/api/v1/application-items/{late_task.pk}/").json()["overdue"] is False
    assert api.get("/api/v1/application-items/", {"due": "overdue"}).json()["count"] == 0


@pytest.mark.parametrize("where", ["inbox", "api"])
def test_overdue_task_lists_cost_the_same_for_3_and_30_late_tasks(
    client_for, api_for, handler, submit, where, num_queries
):
    client = client_for(handler) if where == "inbox" else api_for(handler)
    url = reverse("services:task_inbox") if where == "inbox" else "/api/v1/application-items/"

    def make(n):
        for _ in range(n):
            submit()
        # every open task's due date passed yesterday; nothing ran since
        ApplicationItem.objects.update(due_date=timezone.localdate() - dt.timedelta(days=1))

    def count() -> int:
        return num_queries.get(client, url, {"due": "overdue"})

    make(3)
    three = count()
    make(27)
    assert ApplicationItem.objects.visible_to(handler).overdue().count() >= 30
    # the inbox counts its rows only once they are more than its first page (portal.pagination)
    assert (three, count()) == {"inbox": (7, 8), "api": (2, 2)}[where]
