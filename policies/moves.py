"""How a clerk makes each decision on a 免申即享 entitlement through the API, declared once: the input
serializer and the one call of the action. The API's endpoints (``policies.api.views.EntitlementViewSet``)
are generated from :data:`ENTRIES`; who may decide and when is :data:`policies.workflow.ENTITLEMENT`'s
(the action's guard)."""

from portal.workflow import MoveEntry, move_entries

from . import actions
from .api.serializers import EntitlementDecisionSerializer
from .workflow import ENTITLEMENT

ENTRIES = move_entries(
    ENTITLEMENT,
    [
        MoveEntry(
            "confirm",
            lambda u, e, d: actions.entitlement_confirm(actor=u, entitlement=e, reason=d.get("reason", "")),
            serializer=EntitlementDecisionSerializer,
        ),
        MoveEntry(
            "withdraw",
            lambda u, e, d: actions.entitlement_withdraw(actor=u, entitlement=e, reason=d.get("reason", "")),
            serializer=EntitlementDecisionSerializer,
        ),
    ],
)
