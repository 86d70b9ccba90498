"""Two ballots by the same voter on the same department at the same moment: exactly one counts.
Needs PostgreSQL (real unique keys under concurrent transactions)."""

import pytest
from django.db import connection

from portal.exceptions import TransitionNotAllowed
from tests.concurrency import race
from voice import actions, selectors
from voice.models import VoteMarker

from .factories import common_issue, inquiry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL；设置 DATABASE_URL 指向 PostgreSQL 后运行。")


def test_two_simultaneous_ballots_by_one_deputy_count_once(supervisor, department, deputies):
    # given an open inquiry
    the_inquiry = inquiry(supervisor, [department], [common_issue(supervisor, department)])
    actions.inquiry_move(actor=supervisor, inquiry=the_inquiry, move="open")

    def vote(choice):
        return lambda: actions.ballot_cast(actor=deputies[0], inquiry=the_inquiry, department=department, choice=choice)

    # when the same deputy sends two ballots at once
    outcomes = race(vote("good"), vote("poor"))
    # then one is counted and the other refused
    assert sorted(type(o).__name__ for o in outcomes) == ["NoneType", "TransitionNotAllowed"]
    assert any(isinstance(o, TransitionNotAllowed) for o in outcomes)
    assert selectors.ballots_total(the_inquiry) == 1 == VoteMarker.objects.count()
