"""API of the issues app: read viewsets and one explicit action per move (docs/api.md)."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from portal.api.moves import with_move_actions
from portal.exceptions import ActionError
from portal.models import Enterprise
from portal.permissions import HasPortalRole

from .. import actions, selectors
from ..filters import IssueFilterSet
from ..models import Appeal, Category, Channel, ExtensionRequest, Issue, IssueEvent
from ..moves import ENTRIES
from . import serializers as s
from .pagination import IssueCursorPagination


class IssueCategoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The configured problem taxonomy (public)."""

    serializer_class = s.CategorySerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    queryset = Category.objects.active()


class IssueChannelViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The configured intake channels (public)."""

    serializer_class = s.ChannelSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    queryset = Channel.objects.active()


@with_move_actions(ENTRIES)
class IssueViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """涉企问题: lists by visibility; every move is an action with the same rules as the pages."""

    serializer_class = s.IssueSerializer
    permission_classes = [HasPortalRole]
    filterset_class = IssueFilterSet
    pagination_class = IssueCursorPagination
    lookup_value_regex = r"\d+"  # leaves /issues/similar/ (insights) and other words free

    def get_queryset(self):
        return (
            Issue.objects.visible_to(self.request.user)
            .select_related(*selectors.LIST_RELATED)
            .prefetch_related("co_departments", Prefetch("events", queryset=IssueEvent.objects.select_related("actor")))
            .order_by("-registered_at", "-id")
        )

    def get_serializer_context(self):
        ctx = super().get_serializer_context()
        ctx["detail"] = self.action != "list"
        return ctx

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            selectors.attach_lights(page)
        return page

    def _respond(self, issue, code=status.HTTP_200_OK):
        issue = self.get_queryset().get(pk=issue.pk)
        selectors.attach_lights([issue])
        return Response(self.get_serializer(issue).data, status=code)

    def retrieve(self, request, *args, **kwargs):
        return self._respond(self.get_object())

    @extend_schema(request=s.IssueCreateSerializer, responses={201: s.IssueSerializer})
    def create(self, request, *args, **kwargs):
        data = self._input(s.IssueCreateSerializer)
        enterprise = None
        if data.get("enterprise") is not None:
            enterprise = Enterprise.objects.visible_to(request.user).filter(pk=data["enterprise"]).first()
            if enterprise is None:
                raise ActionError({"enterprise": _("未知的企业。")})
        issue = actions.issue_submit(
            actor=request.user,
            title=data["title"],
            description=data["description"],
            category=data["category"],
            channel=data.get("channel") if request.user.is_portal_staff else None,
            enterprise=enterprise,
            contact_name=data.get("contact_name", ""),
            contact_phone=data.get("contact_phone", ""),
            discovery=data.get("discovery", "passive"),
            tier=data.get("tier", "general"),
            ownerless_kind=data.get("ownerless_kind") or None,
        )
        return self._respond(issue, status.HTTP_201_CREATED)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def move_response(self, issue):
        return self._respond(issue)

    # the moves (dispatch, accept, …, appeal): generated from issues.moves.ENTRIES by with_move_actions


class ExtensionRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Extension requests visible to the caller; supervisors decide them."""

    serializer_class = s.ExtensionRequestSerializer
    permission_classes = [HasPortalRole]
    lookup_value_regex = r"\d+"  # a non-integer id is a 404 from the router, never a query

    def get_queryset(self):
        return (
            ExtensionRequest.objects.visible_to(self.request.user)
            .select_related("department")
            .order_by("-requested_at", "-id")
        )

    @extend_schema(request=s.DecisionInputSerializer, responses={200: s.ExtensionRequestSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        ext = get_object_or_404(self.get_queryset().select_related("issue"), pk=pk)
        data = s.DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actions.extension_decide(
            actor=request.user,
            request=ext,
            approve=data.validated_data["approve"],
            note=data.validated_data.get("note", ""),
        )
        return Response(s.ExtensionRequestSerializer(ext).data)


class AppealViewSet(viewsets.ReadOnlyModelViewSet):
    """Department appeals against bad ratings; supervisors decide them."""

    serializer_class = s.AppealSerializer
    permission_classes = [HasPortalRole]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (
            Appeal.objects.visible_to(self.request.user)
            .select_related("department", "rating")
            .order_by("-requested_at", "-id")
        )

    @extend_schema(request=s.DecisionInputSerializer, responses={200: s.AppealSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        appeal = get_object_or_404(self.get_queryset().select_related("issue"), pk=pk)
        data = s.DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actions.appeal_decide(
            actor=request.user,
            appeal=appeal,
            uphold=data.validated_data["approve"],
            note=data.validated_data.get("note", ""),
        )
        return Response(s.AppealSerializer(appeal).data)
