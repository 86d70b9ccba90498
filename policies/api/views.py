"""The policies API (docs/api.md): published policies, matching with the gap, 免申即享 entitlements."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from policies import selectors
from policies.filters import EntitlementFilterSet, PolicyFilterSet
from policies.models import Policy
from policies.moves import ENTRIES
from portal.api.moves import with_move_actions
from portal.permissions import CLERK_ROLES, ENTERPRISE_ROLES, HasPortalRole

from .serializers import (
    EntitlementSerializer,
    MatchRequestSerializer,
    MatchResponseSerializer,
    PolicyBriefSerializer,
    PolicySerializer,
)


def match_payload(result: selectors.MatchResult) -> dict:
    # One list serializer for every policy shown (a serializer per policy cost ~1 ms each: 400 ms for
    # a match with 400 results).
    buckets = (result.eligible, result.near, result.unknown)
    briefs = iter(PolicyBriefSerializer([p for bucket in buckets for p, _m in bucket], many=True).data)
    return {
        "eligible": [{"policy": next(briefs), "mode": p.mode} for p, _m in result.eligible],
        "near": [{"policy": next(briefs), "unmet": [o.as_unmet() for o in m.unmet]} for _p, m in result.near],
        "unknown": [{"policy": next(briefs), "missing": m.missing} for _p, m in result.unknown],
        "not_applicable_count": result.not_applicable_count,
    }


class PolicyViewSet(viewsets.ReadOnlyModelViewSet):
    """Published policies (anyone), with their guide and conditions in plain language."""

    serializer_class = PolicySerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = PolicyFilterSet

    def get_queryset(self):
        return Policy.objects.published().select_related("department", "region").prefetch_related("conditions")

    @extend_schema(
        request=MatchRequestSerializer,
        responses={200: MatchResponseSerializer},
        description=(
            "Match an enterprise (members: their own; staff: any) or a what-if profile against every open "
            "published policy. Nothing is saved. Unmet conditions carry the gap in numbers and words."
        ),
    )
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[HasPortalRole],
    )
    def match(self, request):
        serializer = MatchRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result, _facts = selectors.match_for(
            user=request.user, enterprise_id=data.get("enterprise"), profile=data.get("profile")
        )
        return Response(match_payload(result))


@with_move_actions(ENTRIES)
class EntitlementViewSet(viewsets.ReadOnlyModelViewSet):
    """免申即享 entitlements: members see their enterprises', clerks all; clerks confirm or withdraw."""

    serializer_class = EntitlementSerializer
    permission_classes = [HasPortalRole]
    # Who may decide (a clerk) is the workflow's (policies.workflow.ENTITLEMENT).
    allowed_roles = ENTERPRISE_ROLES | CLERK_ROLES
    filterset_class = EntitlementFilterSet

    def get_queryset(self):
        return selectors.entitlement_list(user=self.request.user).select_related("policy__department", "policy__region")

    def move_response(self, entitlement):
        return Response(EntitlementSerializer(entitlement, context=self.get_serializer_context()).data)

    # the decisions (confirm, withdraw): generated from policies.moves.ENTRIES by with_move_actions
