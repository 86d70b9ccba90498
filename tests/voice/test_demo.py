"""The voice demo data: a weekly series, 20 officers with reviews, one inquiry with its votes."""

import io
import random

import pytest

from portal import demo as portal_demo
from services import demo as services_demo
from voice import demo, selectors
from voice.models import Inquiry, MeetingSession, OfficerApplication, ServiceReview, VoteMarker

from .factories import common_issue

pytestmark = pytest.mark.django_db


def test_demo_seed_is_complete_and_idempotent():
    context = portal_demo.seed(rng=random.Random(7), password="Test-pass-123!", stdout=io.StringIO())
    services_demo.seed(rng=random.Random(7), context=context, stdout=io.StringIO())
    common_issue(context["supervisor"], context["departments"]["hz-fire"])
    demo.seed(rng=random.Random(7), context=context, stdout=io.StringIO())
    # a weekly series of past sessions, their problems through the loop
    sessions = list(MeetingSession.objects.order_by("held_at"))
    assert len(sessions) == 12 and all(s.held_at.weekday() == 2 for s in sessions)
    stats = selectors.series_stats(sessions[0].series)
    assert stats["problems"] == 36 and stats["closed"] > 0
    # 20 officers in term with reviews
    assert OfficerApplication.objects.filter(status="approved").count() == 20
    assert ServiceReview.objects.count() == 80 and ServiceReview.objects.filter(issue__isnull=False).count() == 3
    # one inquiry, closed, every voter's ballot counted
    inquiry = Inquiry.objects.get()
    assert inquiry.status == "closed"
    assert selectors.ballots_total(inquiry) == VoteMarker.objects.count() == 50 * inquiry.departments.count()
    # and a second run adds nothing
    demo.seed(rng=random.Random(7), context=context, stdout=io.StringIO())
    assert MeetingSession.objects.count() == 12 and Inquiry.objects.count() == 1
