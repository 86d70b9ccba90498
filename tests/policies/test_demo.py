"""The demo policies: 40+, and every demo enterprise has eligible, near and unknown results."""

import random
from io import StringIO

import pytest

from policies import demo as policies_demo
from policies.models import Entitlement, Policy
from policies.selectors import facts_for_enterprise, match_facts
from portal import demo as portal_demo

pytestmark = pytest.mark.django_db


def test_every_demo_enterprise_has_eligible_near_and_unknown(django_capture_on_commit_callbacks):
    # given the core demo data and the policies demo (pushes run on commit)
    out = StringIO()
    context = portal_demo.seed(rng=random.Random(2026), password="Demo-pass-123!", stdout=out)
    with django_capture_on_commit_callbacks(execute=True):
        policies_demo.seed(rng=random.Random(2026), context=context, stdout=out)
    assert Policy.objects.published().count() >= 40
    # then each enterprise sees all three kinds of result
    lacking = []
    for enterprise in context["enterprises"]:
        result = match_facts(facts_for_enterprise(enterprise))
        kinds = (len(result.eligible), len(result.near), len(result.unknown))
        if not all(kinds):
            lacking.append(f"{enterprise.name}: eligible/near/unknown = {kinds}")
    assert not lacking, "\n".join(lacking)
    # and 免申即享 pushes created entitlements; seeding again changes nothing
    entitlements = Entitlement.objects.count()
    assert entitlements > 0
    with django_capture_on_commit_callbacks(execute=True):
        policies_demo.seed(rng=random.Random(2026), context=context, stdout=out)
    assert Entitlement.objects.count() == entitlements
    assert Policy.objects.count() == len(policies_demo.POLICIES)
