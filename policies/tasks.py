"""Background tasks of this app (django-q2). ``SCHEDULES`` lists periodic ones for setup_schedules.

Tasks take ids, re-fetch and call actions; both pushes are idempotent (a unique constraint and the
``notified_at`` mark), so django-q2 delivering twice changes nothing.
"""

import datetime as dt

from django_q.tasks import async_task

from policies import actions, selectors

SCHEDULES: list[dict] = [
    {
        "name": "policies.expire_closed_policies",
        "func": "policies.tasks.expire_closed_policies",
        "schedule_type": "D",
    },
    {
        "name": "policies.push_exempt_policies",
        "func": "policies.tasks.push_exempt_policies",
        "schedule_type": "D",
    },
]


def push_policy(policy_id: int, day: str | None = None) -> dict:
    """免申即享: entitlements for every enterprise that qualifies for one published policy."""
    return actions.entitlements_push_policy(policy_id=policy_id, day=dt.date.fromisoformat(day) if day else None)


def push_enterprise(enterprise_id: int) -> dict:
    """免申即享: entitlements for one enterprise whose facts changed."""
    return actions.entitlements_push_enterprise(enterprise_id=enterprise_id)


def expire_closed_policies() -> int:
    """Daily: published policies whose application window has closed become expired."""
    return actions.policies_expire_closed()


def push_exempt_policies(day: str | None = None) -> int:
    """Daily: re-run the push of every open 免申即享 policy, one task each. Facts that change are pushed at
    once (``push_enterprise``); this catches enterprises that qualify by the passing of time alone (成立满
    N 年). Each push is idempotent, so a day run twice changes nothing."""
    today = dt.date.fromisoformat(day) if day else selectors.today()
    ids = [policy.id for policy in selectors.exempt_policies_compiled(today)]
    for policy_id in ids:
        async_task("policies.tasks.push_policy", policy_id, day)
    return len(ids)
