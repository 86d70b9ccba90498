"""API of the voice app: meetings, inquiries with their ballots, officers' service reviews."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from issues.models import Issue
from portal.exceptions import ActionError
from portal.models import Enterprise
from portal.permissions import CLERK_ROLES, HasPortalRole
from services.models import Bundle, ServiceItem

from .. import actions, selectors
from ..models import Inquiry, MeetingSession, SessionAttendee
from . import serializers as s


def _input(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    """政企恳谈会 sessions: anyone gets the public summary, staff the full record with people and problems."""

    lookup_value_regex = r"\d+"  # a non-integer id is a 404 from the router, never a query

    permission_classes = [permissions.AllowAny]
    action_roles = {"problems": CLERK_ROLES}

    def get_permissions(self):
        if self.action == "problems":
            return [HasPortalRole()]
        return super().get_permissions()

    def get_queryset(self):
        return selectors.session_list()

    def _full(self) -> bool:
        return selectors.may_see_full_session(self.request.user)

    def get_serializer_class(self):
        return s.MeetingStaffSerializer if self._full() else s.MeetingPublicSerializer

    def get_serializer(self, *args, **kwargs):
        if self._full() and args:
            sessions = args[0] if isinstance(args[0], list | tuple) or kwargs.get("many") else [args[0]]
            kwargs["context"] = {**self.get_serializer_context(), **self._staff_context(sessions)}
        return super().get_serializer(*args, **kwargs)

    def _staff_context(self, sessions) -> dict:
        ids = [session.pk for session in sessions]
        attendees, problems = {}, {}
        for row in SessionAttendee.objects.filter(session_id__in=ids).select_related("enterprise").order_by("id"):
            attendees.setdefault(row.session_id, []).append(row)
        for issue in (
            Issue.objects.filter(meeting_link__session_id__in=ids)
            .only("id", "reference", "status", "reply_due", "meeting_link__session_id")
            .select_related("meeting_link")
            .order_by("id")
        ):
            problems.setdefault(issue.meeting_link.session_id, []).append(issue)
        return {"attendees": attendees, "problems": problems}

    @extend_schema(request=s.MeetingProblemInputSerializer, responses={201: s.ProblemCreatedSerializer})
    @action(detail=True, methods=["post"])
    def problems(self, request, pk=None):
        """A clerk registers one problem raised at this session (channel of the meeting's kind)."""
        session = MeetingSession.objects.select_related("series").filter(pk=pk).first()
        if session is None:
            raise NotFound()
        data = _input(s.MeetingProblemInputSerializer, request)
        enterprise = Enterprise.objects.filter(pk=data["enterprise"]).first()
        if enterprise is None:
            raise ActionError({"enterprise": _("未知的企业。")})
        (issue,) = actions.session_register_problems(
            actor=request.user,
            session=session,
            problems=[{**data, "enterprise": enterprise}],
        )
        issue = Issue.objects.select_related("channel", "meeting_link").get(pk=issue.pk)
        return Response(s.ProblemCreatedSerializer(issue).data, status=status.HTTP_201_CREATED)


def _inquiry_payload(inquiry) -> dict:
    return {
        "id": inquiry.pk,
        "title": inquiry.title,
        "body": inquiry.body,
        "held_on": inquiry.held_on,
        "status": inquiry.status,
        "common_issues": list(inquiry.common_issues.all()),
        "departments": selectors.inquiry_departments(inquiry),
    }


class InquiryViewSet(viewsets.GenericViewSet):
    """人大专题询问: departments, their answers and, once the ballot is closed, the tally (anyone)."""

    lookup_value_regex = r"\d+"  # a non-integer id is a 404 from the router, never a query

    permission_classes = [permissions.AllowAny]
    queryset = Inquiry.objects.none()

    @extend_schema(responses={200: s.InquirySummarySerializer(many=True)})
    def list(self, request):
        page = self.paginate_queryset(Inquiry.objects.order_by("-held_on", "-id"))
        return self.get_paginated_response(s.InquirySummarySerializer(page, many=True).data)

    @extend_schema(responses={200: s.InquirySerializer})
    def retrieve(self, request, pk=None):
        inquiry = Inquiry.objects.prefetch_related("common_issues").filter(pk=pk).first()
        if inquiry is None:
            raise NotFound()
        return Response(s.InquirySerializer(_inquiry_payload(inquiry)).data)

    @extend_schema(request=s.BallotInputSerializer, responses={201: s.BallotReceiptSerializer})
    @action(detail=True, methods=["post"])
    def ballots(self, request, pk=None):
        """One anonymous ballot on one department: a People's Congress member's account, or a one-time
        code (no sign-in needed). A second ballot on the same department is a 409."""
        inquiry = Inquiry.objects.filter(pk=pk).first()
        if inquiry is None:
            raise NotFound()
        data = _input(s.BallotInputSerializer, request)
        row = inquiry.departments.select_related("department").filter(department_id=data["department"]).first()
        if row is None:
            raise ActionError({"department": _("该部门不是本次询问的被询问部门。")})
        actions.ballot_cast(
            actor=request.user,
            inquiry=inquiry,
            department=row.department,
            choice=data["choice"],
            code=data.get("code", ""),
        )
        return Response({"detail": _("投票成功。")}, status=status.HTTP_201_CREATED)


class ServiceReviewView(APIView):
    """营商环境体验官: published scores per service item (anyone); an officer in term posts a review."""

    def get_permissions(self):
        if self.request.method == "POST":
            return [HasPortalRole()]
        return [permissions.AllowAny()]

    @extend_schema(
        parameters=[OpenApiParameter("service", OpenApiTypes.INT, description="service item id")],
        responses={200: s.ServiceScoreSerializer(many=True)},
    )
    def get(self, request):
        service = request.query_params.get("service")
        if service is not None and not service.isdigit():
            raise ActionError({"service": _("事项编号应为整数。")})
        rows = selectors.service_scores(service_item_id=int(service) if service else None)
        return Response(s.ServiceScoreSerializer(rows, many=True).data)

    @extend_schema(request=s.ServiceReviewInputSerializer, responses={201: s.ServiceReviewSerializer})
    def post(self, request):
        data = _input(s.ServiceReviewInputSerializer, request)
        item = ServiceItem.objects.filter(pk=data["service"]).first()
        if item is None:
            raise ActionError({"service": _("未知的服务事项。")})
        bundle = None
        if data.get("bundle") is not None:
            bundle = Bundle.objects.filter(pk=data["bundle"]).first()
            if bundle is None:
                raise ActionError({"bundle": _("未知的一件事。")})
        enterprise = None
        if data.get("enterprise") is not None:
            enterprise = Enterprise.objects.filter(pk=data["enterprise"]).first()
            if enterprise is None:
                raise ActionError({"enterprise": _("未知的企业。")})
        review = actions.review_submit(
            actor=request.user,
            service_item=item,
            bundle=bundle,
            enterprise=enterprise,
            stars={f: data[f] for f in s.DIMENSIONS},
            findings=data.get("findings", ""),
        )
        return Response(s.ServiceReviewSerializer(review).data, status=status.HTTP_201_CREATED)
