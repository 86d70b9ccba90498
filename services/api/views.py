"""API of the services app: bundles (public), applications, and task moves by departments."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from portal.api.moves import with_move_actions
from portal.models import Enterprise
from portal.permissions import (
    ALL_STAFF,
    CLERK_ROLES,
    ENTERPRISE_ROLES,
    HasPortalRole,
    is_enterprise_user,
)
from services import actions, selectors
from services.filters import ApplicationFilterSet, BundleFilterSet, TaskFilterSet
from services.models import Bundle, BundleItem
from services.moves import ENTRIES

from .serializers import (
    ApplicationCreateSerializer,
    ApplicationItemSerializer,
    ApplicationSerializer,
    BundleDetailSerializer,
    BundleSerializer,
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


@with_move_actions(ENTRIES)
class ApplicationItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Fulfilment tasks (one per chosen item); the item's department moves them."""

    permission_classes = [HasPortalRole]
    serializer_class = ApplicationItemSerializer
    filterset_class = TaskFilterSet
    # Who may move a task (a handler of its department) is the workflow's (services.workflow.TASK).
    allowed_roles = ENTERPRISE_ROLES | ALL_STAFF

    def get_queryset(self):
        return selectors.task_list(user=self.request.user)

    def move_response(self, task):
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)

    # the moves (accept, start, …, reject): generated from services.moves.ENTRIES by with_move_actions
