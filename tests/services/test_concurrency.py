"""Two people at once (PostgreSQL, real threads): exactly one wins, the other is told clearly."""

import threading

import pytest
from django.db import connection, connections

from portal.exceptions import TransitionNotAllowed
from services import actions
from services.models import Application, ApplicationItem

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for real concurrent transactions"),
]


def _race(*callables):
    barrier = threading.Barrier(len(callables))
    outcomes = [None] * len(callables)

    def run(index, fn):
        try:
            barrier.wait()
            outcomes[index] = fn()
        except Exception as exc:  # the loser's error is the result we check
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(callables)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_handlers_accepting_the_same_task(submit, handler, department):
    from portal.choices import Role
    from tests.portal.factories import StaffFactory

    colleague = StaffFactory(role=Role.HANDLER, department=department)
    task_id = submit().items.get(service_code="330000-AMR-001").pk
    outcomes = _race(
        lambda: actions.task_transition(actor=handler, task=ApplicationItem.objects.get(pk=task_id), event="accept"),
        lambda: actions.task_transition(
            actor=colleague, task=ApplicationItem.objects.get(pk=task_id), event="reject", reason="重复"
        ),
    )
    winners = [o for o in outcomes if isinstance(o, ApplicationItem)]
    losers = [o for o in outcomes if isinstance(o, TransitionNotAllowed)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert ApplicationItem.objects.get(pk=task_id).version == 1


def test_the_same_form_posted_twice_at_once(submit):
    outcomes = _race(lambda: submit(idempotency_key="same-token"), lambda: submit(idempotency_key="same-token"))
    assert Application.objects.count() == 1
    assert sum(isinstance(o, Application) for o in outcomes) == 1
    assert sum(isinstance(o, actions.DuplicateSubmission) for o in outcomes) == 1, outcomes


def test_two_submissions_at_once_get_different_references(submit):
    outcomes = _race(lambda: submit(idempotency_key="a"), lambda: submit(idempotency_key="b"))
    assert all(isinstance(o, Application) for o in outcomes), outcomes
    assert len({o.reference for o in outcomes}) == 2
