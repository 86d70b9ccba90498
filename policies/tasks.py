"""Background tasks of this app (django-q2). ``SCHEDULES`` lists periodic ones for setup_schedules.

Tasks take ids, re-fetch and call actions; both pushes are idempotent (a unique constraint and the
``notified_at`` mark), so django-q2 delivering twice changes nothing.
"""

from policies import actions

SCHEDULES: list[dict] = [
    {
        "name": "policies.expire_closed_policies",
        "func": "policies.tasks.expire_closed_policies",
        "schedule_type": "D",
    },
]


def push_policy(policy_id: int) -> dict:
    """免申即享: entitlements for every enterprise that qualifies for one published policy."""
    return actions.entitlements_push_policy(policy_id=policy_id)


def push_enterprise(enterprise_id: int) -> dict:
    """免申即享: entitlements for one enterprise whose facts changed."""
    return actions.entitlements_push_enterprise(enterprise_id=enterprise_id)


def expire_closed_policies() -> int:
    """Daily: published policies whose application window has closed become expired."""
    return actions.policies_expire_closed()
