"""The services' state machines (services.workflow): tasks, applications and bundle publication are
declared once; the actions, the task page's buttons and the API's available_moves ask that declaration."""

import pytest
from django.urls import reverse

from portal.exceptions import PermissionDeniedError
from services import actions
from services.choices import ApplicationStatus, TaskStatus
from services.models import Bundle
from services.workflow import APPLICATION, BUNDLE, TASK


def test_every_status_is_in_exactly_one_of_open_and_final():
    assert TASK.group("open") | TASK.group("final") == set(TaskStatus.values)
    assert not TASK.group("open") & TASK.group("final")
    assert APPLICATION.group("open") | APPLICATION.group("final") == set(ApplicationStatus.values)
    assert not APPLICATION.group("open") & APPLICATION.group("final")


def test_the_page_the_api_and_the_action_agree_on_who_may_move_a_task(
    submit, handler, other_handler, client_for, api_for
):
    # given a pending task of the handler's department
    task = submit().items.get(department=handler.department, service__code="330000-AMR-001")
    # then its own handler may accept, request materials or refuse; a handler of another department nothing
    assert TASK.available(handler, task) == ["accept", "request_materials", "reject"]
    assert TASK.available(other_handler, task) == []
    # the page shows exactly those buttons
    page = client_for(handler).get(reverse("services:task_detail", args=[task.pk])).content.decode()
    assert 'data-testid="task-accept"' in page and 'data-testid="task-start"' not in page
    # the API says the same
    body = api_for(handler).get(f"/api/v1/application-items/{task.pk}/").json()
    assert body["available_moves"] == ["accept", "request_materials", "reject"]
    # and the action refuses whom the declaration refuses
    with pytest.raises(PermissionDeniedError):
        actions.task_transition(actor=other_handler, task=task, event="accept")


def test_only_the_catalogue_administrator_publishes_a_bundle(opening, admin_user, clerk):
    # given a bundle not yet published
    Bundle.objects.filter(pk=opening.bundle.pk).update(published=False)
    opening.bundle.refresh_from_db()
    assert BUNDLE.available(admin_user, opening.bundle) == ["publish"]
    with pytest.raises(PermissionDeniedError):
        actions.bundle_publish(actor=clerk, bundle=opening.bundle)
    actions.bundle_publish(actor=admin_user, bundle=opening.bundle)
    assert opening.bundle.published
    with pytest.raises(PermissionDeniedError):
        actions.bundle_unpublish(actor=clerk, bundle=opening.bundle)
    assert BUNDLE.available(admin_user, opening.bundle) == ["publish", "unpublish"]


def test_the_api_the_page_and_the_declaration_name_the_same_task_moves():
    import re
    from pathlib import Path

    from django.conf import settings

    from services.api.views import ApplicationItemViewSet

    declared = set(TASK.moves)
    # the endpoints are generated from services.moves.ENTRIES; their paths are the API's names (request-materials)
    api = {a.url_path.replace("-", "_") for a in ApplicationItemViewSet.get_extra_actions()}
    template = Path(settings.BASE_DIR, "templates/services/task_detail.html").read_text()
    page = set(re.findall(r"'services:task_transition' task\.pk '(\w+)'", template))
    buttons = set(re.findall(r'\{% if "(\w+)" in moves %\}', template))
    assert api == declared, "an API move the declaration does not know, or a declared move without endpoint"
    assert page == buttons == declared, "a page button the declaration does not know, or a move without button"
