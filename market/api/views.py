"""The market API (docs/api.md): facilities and their bookings; the intermediary marketplace."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from market import actions, selectors
from market.filters import FacilityBookingFilterSet, IntermediaryFilterSet, PurchaseFilterSet
from market.models import Purchase
from portal.models import Enterprise
from portal.permissions import HasPortalRole

from .serializers import (
    ComplaintResultSerializer,
    ComplaintSerializer,
    FacilityBookingCreateSerializer,
    FacilityBookingSerializer,
    FacilitySerializer,
    IntermediaryRegisteredSerializer,
    IntermediaryRegisterSerializer,
    IntermediarySerializer,
    IntermediaryStatsSerializer,
    PurchaseContractSerializer,
    PurchaseCreateSerializer,
    PurchaseDeliverSerializer,
    PurchaseRateSerializer,
    PurchaseSelectSerializer,
    PurchaseSerializer,
    QualificationInputSerializer,
    QuoteCreateSerializer,
    QuoteSerializer,
    ReasonSerializer,
)


class FacilityViewSet(viewsets.ReadOnlyModelViewSet):
    """Bookable shared facilities (anyone), with utilisation, queue length and average wait."""

    lookup_value_regex = r"\d+"  # a non-integer id is a 404 from the router, never a query

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

    lookup_value_regex = r"\d+"  # a non-integer id is a 404 from the router, never a query

    serializer_class = FacilityBookingSerializer
    permission_classes = [HasPortalRole]
    filterset_class = FacilityBookingFilterSet
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


# --- the 中介超市 ----------------------------------------------------------------------------------------


class IntermediaryViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Verified intermediaries (anyone), best credit first; an intermediary registers (pending until an
    administrator verifies it); members of an enterprise complain about one."""

    lookup_value_regex = r"\d+"  # a non-integer id is a 404 from the router, never a query

    serializer_class = IntermediarySerializer

    def get_permissions(self):
        if self.action == "list" or self.action == "retrieve":
            return [permissions.AllowAny()]
        return [HasPortalRole()]

    @extend_schema(request=IntermediaryRegisterSerializer, responses={201: IntermediaryRegisteredSerializer})
    def create(self, request, *args, **kwargs):
        serializer = IntermediaryRegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["qualifications"] = [dict(row) for row in data["qualifications"]]
        intermediary = actions.intermediary_register(actor=request.user, **data)
        return Response(IntermediaryRegisteredSerializer(intermediary).data, status=status.HTTP_201_CREATED)

    filterset_class = IntermediaryFilterSet

    def get_queryset(self):
        return selectors.intermediary_list().select_related("region")

    @extend_schema(request=QualificationInputSerializer, responses={201: QualificationInputSerializer})
    @action(detail=True, methods=["post"])
    def qualifications(self, request, pk=None):
        serializer = QualificationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        intermediary = get_object_or_404(request.user.intermediaries.all(), pk=pk)
        qualification = actions.qualification_add(
            actor=request.user, intermediary=intermediary, **serializer.validated_data
        )
        return Response(QualificationInputSerializer(qualification).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ComplaintSerializer, responses={201: ComplaintResultSerializer})
    @action(detail=True, methods=["post"], permission_classes=[HasPortalRole])
    def complaints(self, request, pk=None):
        serializer = ComplaintSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        purchase = None
        if data.get("purchase"):
            purchase = get_object_or_404(Purchase.objects.visible_to(request.user), pk=data["purchase"])
        complaint = actions.intermediary_complain(
            actor=request.user, intermediary=self.get_object(), description=data["description"], purchase=purchase
        )
        return Response(ComplaintResultSerializer(complaint).data, status=status.HTTP_201_CREATED)


class PurchaseViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Purchases: the enterprise's members, the quoting intermediaries' members (and, while open, those of
    qualified service types), staff. Every state change is an explicit action."""

    lookup_value_regex = r"\d+"  # a non-integer id is a 404 from the router, never a query

    serializer_class = PurchaseSerializer
    permission_classes = [HasPortalRole]
    filterset_class = PurchaseFilterSet
    action_roles = {"create": {"enterprise"}, "quotes": {"enterprise"}}

    def get_queryset(self):
        return selectors.purchase_list(user=self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "detail": self.action != "list"}

    def _respond(self, purchase, code=status.HTTP_200_OK):
        purchase = self.get_queryset().get(pk=purchase.pk)
        return Response(self.get_serializer(purchase).data, status=code)

    @extend_schema(request=PurchaseCreateSerializer, responses={201: PurchaseSerializer})
    def create(self, request, *args, **kwargs):
        serializer = PurchaseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        enterprise = None
        if data.pop("enterprise", None):
            enterprise = Enterprise.objects.visible_to(request.user).filter(pk=serializer.validated_data["enterprise"])
            enterprise = enterprise.first()
            if enterprise is None:
                return Response({"enterprise": [_("您不是该企业的已核验成员。")]}, status=status.HTTP_400_BAD_REQUEST)
        purchase = actions.purchase_create(actor=request.user, enterprise=enterprise, **data)
        return self._respond(purchase, status.HTTP_201_CREATED)

    @extend_schema(request=QuoteCreateSerializer, responses={201: QuoteSerializer})
    @action(detail=True, methods=["post"])
    def quotes(self, request, pk=None):
        serializer = QuoteCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        intermediary = None
        if data.get("intermediary"):
            intermediary = request.user.intermediaries.filter(pk=data["intermediary"]).first()
        quote = actions.quote_submit(
            actor=request.user,
            purchase=self.get_object(),
            price=data["price"],
            note=data.get("note", ""),
            intermediary=intermediary,
        )
        return Response(QuoteSerializer(quote).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PurchaseSelectSerializer, responses={200: PurchaseSerializer})
    @action(detail=True, methods=["post"])
    def select(self, request, pk=None):
        serializer = PurchaseSelectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        purchase = self.get_object()
        quote = None
        if serializer.validated_data.get("quote"):
            quote = purchase.quotes.filter(pk=serializer.validated_data["quote"]).first()
            if quote is None:
                return Response({"quote": [_("该报价不属于本项目。")]}, status=status.HTTP_400_BAD_REQUEST)
        return self._respond(actions.purchase_select(actor=request.user, purchase=purchase, quote=quote))

    @extend_schema(request=PurchaseContractSerializer, responses={200: PurchaseSerializer})
    @action(detail=True, methods=["post"])
    def contract(self, request, pk=None):
        serializer = PurchaseContractSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        purchase = actions.purchase_contract(
            actor=request.user, purchase=self.get_object(), **serializer.validated_data
        )
        return self._respond(purchase)

    @extend_schema(request=PurchaseDeliverSerializer, responses={200: PurchaseSerializer})
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        serializer = PurchaseDeliverSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        purchase = actions.purchase_deliver(actor=request.user, purchase=self.get_object(), **serializer.validated_data)
        return self._respond(purchase)

    @extend_schema(request=PurchaseRateSerializer, responses={200: PurchaseSerializer})
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        serializer = PurchaseRateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        purchase = actions.purchase_rate(actor=request.user, purchase=self.get_object(), **serializer.validated_data)
        return self._respond(purchase)

    @extend_schema(request=ReasonSerializer, responses={200: PurchaseSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data.get("reason", "")
        return self._respond(actions.purchase_cancel(actor=request.user, purchase=self.get_object(), reason=reason))


class PurchaseResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Published results (anyone): who won each purchase, at what price, by which method, with the draw's
    seed and candidates so that anyone can replay a random draw."""

    lookup_value_regex = r"\d+"  # a non-integer id is a 404 from the router, never a query

    serializer_class = PurchaseSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return selectors.purchase_results()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "detail": False, "request": None}


class IntermediaryStatsView(APIView):
    """节约资金 and 节约率 (anyone): contracted purchases of a period, overall and per service type."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, required=True, description="2026 | 2026-Q3 | 2026-07"),
        ],
        responses={200: IntermediaryStatsSerializer},
    )
    def get(self, request):
        period = request.query_params.get("period", "")
        try:
            stats = selectors.intermediary_stats(period)
        except ValueError:
            return Response(
                {"period": [_("统计期格式应为 2026、2026-Q3 或 2026-07。")]}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response(IntermediaryStatsSerializer(stats).data)
