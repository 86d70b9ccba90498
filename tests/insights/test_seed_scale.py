"""seed_scale (issue 13): a small run, checked for the rules the big one must keep."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.test import override_settings

from insights.models import IssueSearchDoc, TermStat
from issues.models import Issue, IssueEvent, Rating
from portal.models import Membership
from services.models import Application


@pytest.mark.django_db
def test_seed_scale_refuses_without_debug():
    with pytest.raises(CommandError):
        call_command("seed_scale", "--problems", "5", "--enterprises", "2", stdout=io.StringIO())
    assert not Issue.objects.exists()


@override_settings(DEBUG=True)
@pytest.mark.django_db
def test_seed_scale_fills_timelines_enterprise_ratings_applications_and_the_index():
    call_command("seed_scale", "--problems", "300", "--enterprises", "20", "--seed", "7", stdout=io.StringIO())
    issues = Issue.objects.filter(reference__startswith="SQ")
    assert issues.count() >= 300
    # every problem has its timeline, starting with its submission
    assert not issues.annotate(n=Count("events")).filter(n=0).exists()
    assert IssueEvent.objects.filter(action="submit").count() >= 300
    # ratings only from the enterprise's own member (the accountability rule), never a clerk
    ratings = Rating.objects.select_related("issue")
    assert ratings.exists()
    for rating in ratings:
        assert rating.source == "enterprise"
        assert Membership.objects.filter(user_id=rating.rated_by_id, enterprise_id=rating.issue.enterprise_id).exists()
        assert rating.issue.lead_department_id == rating.department_id
    # closed problems went through reply and follow-up
    closed = issues.filter(status="closed")
    assert closed.exists()
    assert not closed.filter(replied_at__isnull=True).exists()
    assert not closed.filter(followed_up_at__isnull=True).exists()
    # the similar-problem index covers every problem
    assert IssueSearchDoc.objects.count() == Issue.objects.count()
    assert TermStat.objects.exists()
    assert Application.objects.annotate(n=Count("items")).filter(n=0).count() == 0
    assert Application.objects.count() >= 150
