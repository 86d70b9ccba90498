"""Demo data of this app, called by ``manage.py seed_demo`` after the core demo data.

``context`` holds the core objects: regions, departments (by code), enterprises (list), clerk,
supervisor, admin, handlers (by department code), members (ent-a, ent-b). Must be idempotent.

47 policies modelled on real Zhejiang and national ones (DOMAIN.md §5), across 浙江省, 湖州 and its
counties, 衢州, 丽水 and 杭州, chosen so that every demo enterprise has eligible, near and unknown results
(checked by tests/policies/test_demo.py). Amounts are illustrative defaults.
"""

import datetime as dt
import random
from decimal import Decimal

from policies import actions
from policies.choices import PolicyMode, PolicyStatus
from policies.models import CONDITION_KEYS, Policy

from .huzhou import HUZHOU
from .other_cities import OTHER_CITIES
from .province import PROVINCE
from .rules import HIGH_TECH_GUIDE, HIGH_TECH_RULE

# key, title, 文号, department, region, board, benefit, amount (万元), mode, conditions, beneficiaries, timeline
POLICIES = PROVINCE + HUZHOU + OTHER_CITIES


def _conditions(rows) -> list[dict]:
    return [dict(zip(CONDITION_KEYS, row, strict=False)) for row in rows]


def seed(*, rng: random.Random, context: dict, stdout) -> None:
    """Create missing demo policies (found by 文号 + title) and publish them; pushes then run."""
    admin, departments, regions = context["admin"], context["departments"], context["regions"]
    created = 0
    for (
        _key,
        title,
        doc_number,
        department,
        region,
        board,
        benefit,
        amount,
        mode,
        conditions,
        beneficiaries,
        timeline,
    ) in POLICIES:
        policy = Policy.objects.filter(title=title).first()
        if policy is None:
            department_obj = departments[department]
            policy = actions.policy_create(
                actor=admin,
                title=title,
                doc_number=doc_number,
                department=department_obj,
                region=regions[region],
                board=board,
                benefit=benefit,
                benefit_amount=None if amount is None else Decimal(amount),
                mode=mode,
                apply_from=dt.date(2026, 1, 1) if mode != "exempt" else None,
                apply_to=dt.date(2027, 12, 31) if mode != "exempt" else None,
                guide_beneficiaries=beneficiaries,
                guide_conditions=HIGH_TECH_GUIDE if conditions is HIGH_TECH_RULE else "",
                guide_timeline=timeline,
                guide_contact=f"{department_obj.name} {department_obj.phone}",
                summary=benefit,
                conditions=_conditions(conditions),
            )
            created += 1
        if policy.status == PolicyStatus.DRAFT:
            actions.policy_publish(actor=admin, policy=policy)
        if policy.mode == PolicyMode.EXEMPT:
            # Also run the push here (idempotent) so the demo shows entitlements without a task worker.
            actions.entitlements_push_policy(policy_id=policy.pk)
    stdout.write(f"policies: {created} policies created, {len(POLICIES)} in the demo set")
