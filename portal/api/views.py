from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import actions, selectors
from portal.api.serializers import (
    ApiTokenSerializer,
    DepartmentSerializer,
    EnterpriseSerializer,
    MeSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
)
from portal.api.throttling import AuthRateThrottle
from portal.choices import DepartmentKind
from portal.lockout import LoginThrottled, authenticate_or_refuse, invalid_login_message
from portal.middleware import client_ip
from portal.models import ApiToken, Department, Enterprise, User
from portal.permissions import HasPortalRole


class TokenView(APIView):
    """Exchange a username and password for an API token that expires after ``API_TOKEN_TTL_HOURS``.

    Guarded by the same lock-out as every sign-in (``portal.lockout``) and a per-address rate."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AuthRateThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description="Wrong username or password (one answer whether or not it exists)."),
            429: OpenApiResponse(description="Too many attempts: the password was not checked; see Retry-After."),
        },
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = authenticate_or_refuse(
                request,
                username=serializer.validated_data["username"],
                password=serializer.validated_data["password"],
                via="api",
            )
        except LoginThrottled as refused:
            return Response(
                {"detail": refused.message},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(refused.retry_after)},
            )
        if user is None:
            return Response({"detail": invalid_login_message()}, status=status.HTTP_400_BAD_REQUEST)
        token, key = actions.api_token_issue(user=user, ip=client_ip(request))
        return Response({"token": key, "expires_at": token.expires_at})


class ApiTokenViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's own API tokens (active and ended); ``revoke`` ends one. Someone else's is a 404."""

    serializer_class = ApiTokenSerializer
    permission_classes = [HasPortalRole]
    queryset = ApiToken.objects.none()  # the schema's model; requests use get_queryset
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return selectors.api_token_list(user=self.request.user)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = self.get_object()
        actions.api_tokens_revoke(actor=request.user, user=request.user, reason="owner", token_ids=[token.pk])
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(APIView):
    """Revoke the token this request carries (a browser session: every token of the user)."""

    permission_classes = [HasPortalRole]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        token_ids = [request.auth.pk] if isinstance(request.auth, ApiToken) else None
        actions.api_tokens_revoke(actor=request.user, user=request.user, reason="logout", token_ids=token_ids)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(generics.RetrieveAPIView):
    serializer_class = MeSerializer
    permission_classes = [HasPortalRole]

    def get_object(self):
        return User.objects.select_related("department").get(pk=self.request.user.pk)


class DepartmentFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=DepartmentKind.choices)
    region = filters.CharFilter(field_name="region__code")
    q = filters.CharFilter(method="filter_q")

    class Meta:
        model = Department
        fields = ["kind", "region", "q"]

    def filter_q(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Departments, boards, task forces and offices (public)."""

    serializer_class = DepartmentSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = DepartmentFilterSet
    queryset = Department.objects.active().select_related("region").order_by("code")


class EnterpriseFilterSet(filters.FilterSet):
    uscc = filters.CharFilter(field_name="uscc", lookup_expr="iexact")
    q = filters.CharFilter(field_name="name", lookup_expr="icontains")
    region = filters.CharFilter(field_name="region__code")

    class Meta:
        model = Enterprise
        fields = ["uscc", "q", "region"]


class EnterpriseViewSet(viewsets.ReadOnlyModelViewSet):
    """Enterprises visible to the caller: their own (members) or all (staff)."""

    serializer_class = EnterpriseSerializer
    permission_classes = [HasPortalRole]
    filterset_class = EnterpriseFilterSet

    def get_queryset(self):
        return (
            Enterprise.objects.visible_to(self.request.user)
            .select_related("region")
            .prefetch_related("certifications")
            .order_by("id")
        )
