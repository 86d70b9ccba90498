"""API of the services app: bundles (public), applications, and task moves by departments."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from portal.models import Enterprise
from portal.permissions import (
    ALL_STAFF,
    CLERK_ROLES,
    ENTERPRISE_ROLES,
    HANDLER_ROLES,
    HasPortalRole,
    is_enterprise_user,
)
from services import actions, selectors
from services.choices import TaskEvent
from services.filters import ApplicationFilterSet, BundleFilterSet, TaskFilterSet
from services.models import Bundle, BundleItem

from .serializers import (
    ApplicationCreateSerializer,
    ApplicationItemSerializer,
    ApplicationSerializer,
    BundleDetailSerializer,
    BundleSerializer,
    EmptySerializer,
    TaskCompleteSerializer,
    TaskRejectSerializer,
    TaskRequestMaterialsSerializer,
)


class BundleViewSet(viewsets.ReadOnlyModelViewSet):
    """Published 一类事 bundles (filters ``kind``, ``stage``, ``board``, ``q``)."""

    permission_classes = [permissions.AllowAny]
    filterset_class = BundleFilterSet

    def get_queryset(self):
        qs = selectors.bundle_list(user=self.request.user)
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch(
                    "items",
                    queryset=BundleItem.objects.select_related("service", "service__department")
                    .prefetch_related("requires", "excludes")
                    .order_by("kind", "order", "id"),
                )
            )
        return qs

    def get_serializer_class(self):
        return BundleDetailSerializer if self.action == "retrieve" else BundleSerializer


class ApplicationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """一类事 applications visible to the caller; members and clerks submit new ones."""

    permission_classes = [HasPortalRole]
    allowed_roles = ENTERPRISE_ROLES | ALL_STAFF
    action_roles = {"create": ENTERPRISE_ROLES | CLERK_ROLES}
    filterset_class = ApplicationFilterSet

    def get_queryset(self):
        return selectors.application_list(user=self.request.user).select_related("bundle_version")

    def get_serializer_class(self):
        return ApplicationCreateSerializer if self.action == "create" else ApplicationSerializer

    @extend_schema(
        request=ApplicationCreateSerializer, responses={201: ApplicationSerializer, 200: ApplicationSerializer}
    )
    def create(self, request, *args, **kwargs):
        payload = ApplicationCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        user = request.user
        try:
            bundle = Bundle.objects.get(pk=data["bundle"])
        except Bundle.DoesNotExist:
            raise ValidationError({"bundle": [_("一类事不存在。")]}) from None
        enterprise = self._enterprise(user, data.get("enterprise"))
        try:
            application = actions.application_submit(
                actor=user,
                bundle=bundle,
                enterprise=enterprise,
                selected_ids=data["selected"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                address=data["address"],
                note=data["note"],
                channel=data.get("channel"),
                basic_included=True,
                idempotency_key=data.get("idempotency_key"),
            )
            code = status.HTTP_201_CREATED
        except actions.DuplicateSubmission as exc:
            application, code = exc.application, status.HTTP_200_OK
        application = self.get_queryset().get(pk=application.pk)
        return Response(ApplicationSerializer(application).data, status=code)

    @staticmethod
    def _enterprise(user, pk) -> Enterprise:
        visible = Enterprise.objects.visible_to(user)
        if pk is None:
            if is_enterprise_user(user) and visible.count() == 1:
                return visible.get()
            raise ValidationError({"enterprise": [_("请指定申请企业。")]})
        try:
            return visible.get(pk=pk)
        except Enterprise.DoesNotExist:
            raise ValidationError({"enterprise": [_("企业不存在，或您不能为其申请。")]}) from None


class ApplicationItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Fulfilment tasks (one per chosen item); the item's department moves them."""

    permission_classes = [HasPortalRole]
    serializer_class = ApplicationItemSerializer
    filterset_class = TaskFilterSet
    allowed_roles = ENTERPRISE_ROLES | ALL_STAFF
    action_roles = {
        "accept": HANDLER_ROLES,
        "start": HANDLER_ROLES,
        "complete": HANDLER_ROLES,
        "reject": HANDLER_ROLES,
        "request_materials": HANDLER_ROLES,
        "resume": HANDLER_ROLES,
    }

    def get_queryset(self):
        return selectors.task_list(user=self.request.user)

    def _move(self, request, event, field=None, serializer_class=None):
        task = self.get_object()
        extra = {}
        if serializer_class is not None:
            payload = serializer_class(data=request.data)
            payload.is_valid(raise_exception=True)
            extra[field] = payload.validated_data[field]
        actions.task_transition(actor=request.user, task=task, event=event, **extra)
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)

    @extend_schema(request=EmptySerializer, responses=ApplicationItemSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """受理."""
        return self._move(request, TaskEvent.ACCEPT)

    @extend_schema(request=EmptySerializer, responses=ApplicationItemSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """开始办理."""
        return self._move(request, TaskEvent.START)

    @extend_schema(request=TaskCompleteSerializer, responses=ApplicationItemSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """办结, with the result."""
        return self._move(request, TaskEvent.COMPLETE, "result", TaskCompleteSerializer)

    @extend_schema(request=TaskRejectSerializer, responses=ApplicationItemSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """不予受理, with the reason."""
        return self._move(request, TaskEvent.REJECT, "reason", TaskRejectSerializer)

    @extend_schema(request=TaskRequestMaterialsSerializer, responses=ApplicationItemSerializer)
    @action(detail=True, methods=["post"], url_path="request-materials")
    def request_materials(self, request, pk=None):
        """补正材料 (pauses the clock)."""
        return self._move(request, TaskEvent.REQUEST_MATERIALS, "note", TaskRequestMaterialsSerializer)

    @extend_schema(request=EmptySerializer, responses=ApplicationItemSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        """材料已补齐 (the clock runs again, the due date moves on)."""
        return self._move(request, TaskEvent.RESUME)
