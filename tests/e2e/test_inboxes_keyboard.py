"""The handler's task inbox and the message inbox, each worked once by keyboard alone (issue 15): Tab, typing,
arrow keys, Space and Enter — no click, no mouse. Finished tasks are hidden until asked for; messages are
filtered, one marked read, then all. Screenshots of each state; axe audits every page shown."""

import pytest

from portal.models import Notification
from tests.e2e.keyboard import follow as _follow
from tests.e2e.keyboard import log_in_by_keyboard as _log_in_by_keyboard
from tests.e2e.keyboard import tab_to_selector as _tab_to
from tests.services.conftest import opening, submit  # noqa: F401 - fixtures of the services tests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_task_inbox_by_keyboard_alone(page, live_server, screenshot, handler, submit):  # noqa: F811
    from services import actions
    from services.models import ApplicationItem

    # given two applications with a task each for the handler's department, one of them finished
    first, second = submit(), submit()
    done = ApplicationItem.objects.get(application=first, department=handler.department, service__code="330000-AMR-001")
    for event in ("accept", "start", "complete"):
        actions.task_transition(
            actor=handler, task=ApplicationItem.objects.get(pk=done.pk), event=event, result="已办结"
        )
    open_tasks = set(
        ApplicationItem.objects.filter(department=handler.department).exclude(pk=done.pk).values_list("pk", flat=True)
    )
    rows = page.locator("[data-testid=task-inbox] [data-testid=inbox-row]")

    def listed() -> set[int]:
        return {int(pk) for pk in rows.evaluate_all("rows => rows.map(r => r.dataset.task)")}

    # when the handler logs in and opens the inbox from the navigation, by keyboard
    _log_in_by_keyboard(page, live_server.url, handler.username)
    _follow(page, "[data-testid=nav-task-inbox]")
    # then only the open tasks are listed (the finished one is hidden by default)
    assert listed() == open_tasks and done.pk not in listed()
    screenshot(page, "keyboard-task-inbox-open")

    # when they tick 「显示已办结」 with Space, then Tab to 「筛选」 and press Enter
    _tab_to(page, "[data-testid=show-finished]")
    page.keyboard.press("Space")
    _follow(page, "form.filters button[type=submit]")
    # then the finished task is listed too
    assert "finished=1" in page.url
    assert listed() == open_tasks | {done.pk}
    screenshot(page, "keyboard-task-inbox-with-finished")

    # when they search one application's reference (typed into the filter, Enter)
    _tab_to(page, "input[name=q]")
    page.keyboard.type(second.reference)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # then only that application's tasks are listed, and Enter on 「办理」 opens the task
    assert listed() and all(second.reference in text for text in rows.all_inner_texts())
    screenshot(page, "keyboard-task-inbox-searched")
    task_pk = sorted(listed())[0]
    _follow(page, f"[data-testid=open-task-{task_pk}]")
    assert page.url.endswith(f"/workbench/tasks/{task_pk}/")


def _note(user, kind, title):
    return Notification.objects.create(recipient=user, channel="inbox", status="sent", kind=kind, title=title)


def test_message_inbox_by_keyboard_alone(page, live_server, screenshot, member):
    # given three unread messages: two about problems, one about an application
    replied = _note(member, "issues.replied", "问题已答复")
    _note(member, "issues.dispatched", "问题已交办")
    _note(member, "services.done", "事项已办结")
    cards = page.locator("[data-testid=notification]")

    # when the member opens the inbox from the navigation, by keyboard
    _log_in_by_keyboard(page, live_server.url, member.username)
    assert page.inner_text("[data-testid=unread-count]") == "3"
    _follow(page, "[data-testid=nav-inbox]")
    assert cards.count() == 3
    screenshot(page, "keyboard-inbox-all")

    # when they choose 「仅未读」 and the problems' source with the arrow keys, then 「筛选」 (Tab, Enter)
    _tab_to(page, "[data-testid=inbox-filters] select[name=show]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "source"
    options = page.locator("[data-testid=inbox-filters] select[name=source] option").all_inner_texts()
    for _ in range(options.index(next(o for o in options if "问题" in o))):
        page.keyboard.press("ArrowDown")
    _follow(page, "[data-testid=inbox-filters] button[type=submit]")
    # then only the two unread problem messages are listed
    assert "show=unread" in page.url and "source=issues" in page.url
    assert cards.count() == 2 and all("问题" in text for text in cards.all_inner_texts())
    screenshot(page, "keyboard-inbox-filtered")

    # when they mark one read (Tab to its button, Enter): it leaves the unread list, the filters stay
    _follow(page, f"[data-testid=mark-read-{replied.pk}]")
    assert "show=unread" in page.url and "source=issues" in page.url
    assert cards.count() == 1 and "问题已交办" in cards.first.inner_text()
    assert page.inner_text("[data-testid=unread-count]") == "2"
    screenshot(page, "keyboard-inbox-marked-one")

    # when they mark all read
    _follow(page, "[data-testid=mark-all-read]")
    # then nothing unread is left, and the badge is gone
    assert cards.count() == 0
    assert page.locator("[data-testid=unread-count]").count() == 0
    assert Notification.objects.filter(recipient=member, read_at__isnull=True).count() == 0
    screenshot(page, "keyboard-inbox-all-read")
