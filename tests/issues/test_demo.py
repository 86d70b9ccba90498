"""The demo data goes through the actions, covers the states, and is idempotent."""

import io
import random

import pytest

from issues import demo
from issues.models import Issue, IssueEvent
from portal import demo as portal_demo
from portal.models import AuditLog

pytestmark = pytest.mark.django_db


def test_demo_seed_covers_the_states_and_is_idempotent(monkeypatch):
    # given the core demo data, and a smaller run of the issues demo
    context = portal_demo.seed(rng=random.Random(7), password="Test-pass-123!", stdout=io.StringIO())
    monkeypatch.setattr(demo, "TOTAL", 80)
    out = io.StringIO()
    demo.seed(rng=random.Random(7), context=context, stdout=out)
    # then problems exist in many states, each with its audit rows and timeline
    statuses = set(Issue.objects.values_list("status", flat=True))
    assert {"submitted", "dispatched", "accepted", "returned", "replied", "closed", "reopened"} <= statuses
    assert Issue.objects.filter(escalation_count__gt=0, level="province").exists()
    assert (
        AuditLog.objects.filter(action="issues.issue.dispatch").count()
        >= Issue.objects.exclude(status__in=["submitted", "withdrawn"]).count()
    )
    assert IssueEvent.objects.filter(action="submit").count() == 80
    # and a second run adds nothing
    demo.seed(rng=random.Random(7), context=context, stdout=io.StringIO())
    assert Issue.objects.count() == 80
