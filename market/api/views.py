"""The market API (docs/api.md): facilities and their bookings; the intermediary marketplace."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from market import actions, selectors
from portal.models import Enterprise
from portal.permissions import HasPortalRole

from .serializers import (
    FacilityBookingCreateSerializer,
    FacilityBookingSerializer,
    FacilitySerializer,
    ReasonSerializer,
)


class FacilityViewSet(viewsets.ReadOnlyModelViewSet):
    """Bookable shared facilities (anyone), with utilisation, queue length and average wait."""

    serializer_class = FacilitySerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return selectors.facility_list()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "stats": getattr(self, "_stats", {})}

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._stats = selectors.facility_stats(page if page is not None else list(queryset))
        return page

    def get_object(self):
        obj = super().get_object()
        self._stats = selectors.facility_stats([obj])
        return obj


class FacilityBookingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Bookings: members book and see their enterprises'; the owner's side approves or declines."""

    serializer_class = FacilityBookingSerializer
    permission_classes = [HasPortalRole]
    action_roles = {"create": {"enterprise"}}

    def get_queryset(self):
        return selectors.booking_list(user=self.request.user)

    def _respond(self, booking, code=status.HTTP_200_OK):
        booking.position = selectors.queue_position(booking)
        return Response(FacilityBookingSerializer(booking, context={"request": self.request}).data, status=code)

    @extend_schema(request=FacilityBookingCreateSerializer, responses={201: FacilityBookingSerializer})
    def create(self, request, *args, **kwargs):
        serializer = FacilityBookingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        enterprise = None
        if data.get("enterprise"):
            enterprise = Enterprise.objects.visible_to(request.user).filter(pk=data["enterprise"]).first()
            if enterprise is None:
                return Response({"enterprise": [_("您不是该企业的已核验成员。")]}, status=status.HTTP_400_BAD_REQUEST)
        booking = actions.booking_create(
            actor=request.user,
            facility=data["facility"],
            start=data["start"],
            end=data["end"],
            enterprise=enterprise,
            purpose=data.get("purpose", ""),
        )
        return self._respond(booking, status.HTTP_201_CREATED)

    def _move(self, request, event):
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data.get("reason", "")
        booking = actions.booking_transition(actor=request.user, booking=self.get_object(), event=event, reason=reason)
        return self._respond(booking)

    @extend_schema(request=ReasonSerializer, responses={200: FacilityBookingSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._move(request, "cancel")

    @extend_schema(request=ReasonSerializer, responses={200: FacilityBookingSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._move(request, "approve")

    @extend_schema(request=ReasonSerializer, responses={200: FacilityBookingSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._move(request, "decline")
