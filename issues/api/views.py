"""API of the issues app: read viewsets and one explicit action per move (API.md)."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from portal.exceptions import ActionError
from portal.models import Department, Enterprise
from portal.permissions import HasPortalRole

from .. import actions, selectors
from ..filters import IssueFilterSet
from ..models import Appeal, Category, Channel, ExtensionRequest, Issue, IssueEvent, Rating
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

    def _department(self, pk, field):
        department = Department.objects.filter(pk=pk, is_active=True).select_related("region").first()
        if department is None:
            raise ActionError({field: _("未知的部门。")})
        return department

    @extend_schema(request=s.IssueDispatchInputSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_(self, request, pk=None):
        issue = self.get_object()
        data = self._input(s.IssueDispatchInputSerializer)
        actions.issue_dispatch(
            actor=request.user,
            issue=issue,
            lead_department=self._department(data["lead_department"], "lead_department"),
            co_departments=[self._department(pk, "co_departments") for pk in data.get("co_departments", [])],
            note=data.get("note", ""),
        )
        return self._respond(issue)

    @extend_schema(request=None, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        issue = self.get_object()
        actions.issue_accept(actor=request.user, issue=issue)
        return self._respond(issue)

    @extend_schema(request=s.IssueReasonInputSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        issue = self.get_object()
        data = self._input(s.IssueReasonInputSerializer)
        actions.issue_return(actor=request.user, issue=issue, reason=data["reason"])
        return self._respond(issue)

    @extend_schema(request=s.IssueReplyInputSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        issue = self.get_object()
        data = self._input(s.IssueReplyInputSerializer)
        actions.issue_reply(
            actor=request.user, issue=issue, reply=data["reply"], public_reply=data.get("public_reply", "")
        )
        return self._respond(issue)

    @extend_schema(request=s.IssueEscalateInputSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        issue = self.get_object()
        data = self._input(s.IssueEscalateInputSerializer)
        actions.issue_escalate(
            actor=request.user,
            issue=issue,
            to_department=self._department(data["to_department"], "to_department"),
            reason=data["reason"],
        )
        return self._respond(issue)

    @extend_schema(request=s.IssueFollowUpInputSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        issue = self.get_object()
        data = self._input(s.IssueFollowUpInputSerializer)
        actions.issue_follow_up(
            actor=request.user,
            issue=issue,
            reached=data.get("reached", True),
            satisfied=data.get("satisfied"),
            satisfaction=data.get("satisfaction"),
            note=data.get("note", ""),
        )
        return self._respond(issue)

    @extend_schema(request=s.IssueRateInputSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        issue = self.get_object()
        data = self._input(s.IssueRateInputSerializer)
        actions.issue_rate(actor=request.user, issue=issue, rating=data["rating"], comment=data.get("comment", ""))
        return self._respond(issue)

    @extend_schema(request=s.IssueNoteInputSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        issue = self.get_object()
        data = self._input(s.IssueNoteInputSerializer)
        actions.issue_close(actor=request.user, issue=issue, note=data.get("note", ""))
        return self._respond(issue)

    @extend_schema(request=s.IssueNoteInputSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def urge(self, request, pk=None):
        """督办催办 by a supervisor: presses whoever holds the problem now."""
        issue = self.get_object()
        data = self._input(s.IssueNoteInputSerializer)
        actions.issue_urge(actor=request.user, issue=issue, note=data.get("note", ""))
        return self._respond(issue)

    @extend_schema(request=s.IssueOpinionInputSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"], url_path="co-opinion", url_name="co-opinion")
    def co_opinion(self, request, pk=None):
        """协办意见 by a handler of one of the co-departments."""
        issue = self.get_object()
        data = self._input(s.IssueOpinionInputSerializer)
        actions.issue_co_opinion(actor=request.user, issue=issue, note=data["opinion"])
        return self._respond(issue)

    @extend_schema(request=s.IssueMinutesInputSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def consult(self, request, pk=None):
        """集中会商 by a supervisor (typically once 重办 is exhausted): the minutes go on the timeline."""
        issue = self.get_object()
        data = self._input(s.IssueMinutesInputSerializer)
        actions.issue_consult(actor=request.user, issue=issue, minutes=data["minutes"])
        return self._respond(issue)

    @extend_schema(request=s.IssueOptionalReasonInputSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        issue = self.get_object()
        data = self._input(s.IssueOptionalReasonInputSerializer)
        actions.issue_withdraw(actor=request.user, issue=issue, reason=data.get("reason", ""))
        return self._respond(issue)

    @extend_schema(request=s.IssueClassifyInputSerializer, responses={200: s.IssueSerializer})
    @action(detail=True, methods=["post"])
    def classify(self, request, pk=None):
        issue = self.get_object()
        data = self._input(s.IssueClassifyInputSerializer)
        actions.issue_classify(
            actor=request.user,
            issue=issue,
            category=data.get("category"),
            tier=data.get("tier"),
            ownerless_kind=data.get("ownerless_kind") or None,
        )
        return self._respond(issue)

    @extend_schema(request=s.IssueExtensionInputSerializer, responses={201: s.ExtensionRequestSerializer})
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request, pk=None):
        issue = self.get_object()
        data = self._input(s.IssueExtensionInputSerializer)
        ext = actions.issue_request_extension(
            actor=request.user, issue=issue, requested_due=data["requested_due"], reason=data["reason"]
        )
        return Response(s.ExtensionRequestSerializer(ext).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.IssueReasonInputSerializer, responses={201: s.AppealSerializer})
    @action(detail=True, methods=["post"])
    def appeal(self, request, pk=None):
        issue = self.get_object()
        data = self._input(s.IssueReasonInputSerializer)
        rating = Rating.objects.filter(issue=issue, score__lte=2, source="enterprise").order_by("-round").first()
        if rating is None:
            raise ActionError({"rating": _("该问题没有可申诉的差评。")})
        appeal = actions.appeal_submit(actor=request.user, rating=rating, reason=data["reason"])
        return Response(s.AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)


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
