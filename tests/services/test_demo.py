"""The demo data: ≥ 8 bundles, 60+ items across 10+ departments, applications in every status;
a second run adds nothing."""

import io
import random

import pytest

from services.choices import ApplicationStatus, TaskStatus
from services.models import Application, ApplicationItem, Bundle, BundleVersion, ServiceItem

pytestmark = pytest.mark.django_db


def test_demo_seed_is_rich_and_idempotent():
    from portal import demo as portal_demo
    from services import demo

    context = portal_demo.seed(rng=random.Random(2026), password="Demo-pass-123!", stdout=io.StringIO())
    demo.seed(rng=random.Random(2026), context=context, stdout=io.StringIO())
    counts = (Application.objects.count(), ApplicationItem.objects.count(), BundleVersion.objects.count())
    demo.seed(rng=random.Random(2026), context=context, stdout=io.StringIO())
    assert (Application.objects.count(), ApplicationItem.objects.count(), BundleVersion.objects.count()) == counts
    assert Bundle.objects.filter(published=True).count() >= 8
    names = set(Bundle.objects.values_list("name", flat=True))
    assert {"企业开办一类事", "美妆产业链一类事", "民宿产业链一类事"} <= names
    assert ServiceItem.objects.count() >= 60
    assert ServiceItem.objects.values("department").distinct().count() >= 10
    assert set(Application.objects.values_list("status", flat=True)) == set(ApplicationStatus.values)
    assert set(ApplicationItem.objects.values_list("status", flat=True)) == set(TaskStatus.values)
    # and some open tasks are past their promised time (received at the window 40 days ago)
    overdue = ApplicationItem.objects.overdue()
    assert overdue.count() >= 2
    assert {task.status for task in overdue} <= {TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS}
