"""The policies app's state machines, declared once (DESIGN.md rule 3): a policy's publication and a
免申即享 entitlement's decision. The actions (``policies.actions``) check these before they change anything;
the back office's buttons and the entitlement page ask the same predicates.

Imports only choices and the core's permissions, so the models may use it without a cycle.
"""

from portal import permissions
from portal.workflow import Move, Workflow

from .choices import EntitlementStatus, PolicyStatus


def is_policy_admin(user, policy=None) -> bool:
    """Policies are written, published and withdrawn by the system administrator (the back office)."""
    return permissions.is_admin(user)


def is_clerk(user, entitlement=None) -> bool:
    """The service centre's clerks (and their supervisors) decide the payout of an entitlement."""
    return permissions.is_clerk(user)


P = PolicyStatus

POLICY = Workflow(
    "policies.policy",
    groups={
        "live": {P.PUBLISHED},
        "not_live": {P.DRAFT, P.EXPIRED},
    },
    moves=[
        Move("publish", sources={P.DRAFT, P.EXPIRED}, target=P.PUBLISHED, allowed=is_policy_admin),
        # withdraw a published policy back to draft (e.g. published by mistake); entitlements already
        # created stay with the clerks, who confirm or withdraw each one
        Move("unpublish", sources={P.PUBLISHED}, target=P.DRAFT, allowed=is_policy_admin),
        # also made by the daily job (no user) once the application window has closed
        Move("expire", sources={P.PUBLISHED}, target=P.EXPIRED, allowed=is_policy_admin),
    ],
)

E = EntitlementStatus

ENTITLEMENT = Workflow(
    "policies.entitlement",
    groups={
        "undecided": {E.PENDING},
        "standing": {E.PENDING, E.CONFIRMED},
    },
    moves=[
        Move("confirm", sources={E.PENDING}, target=E.CONFIRMED, allowed=is_clerk),
        Move("withdraw", sources={E.PENDING, E.CONFIRMED}, target=E.WITHDRAWN, allowed=is_clerk, needs_input=True),
    ],
)
