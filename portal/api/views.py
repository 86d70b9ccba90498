from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import actions
from portal.api.serializers import (
    DepartmentSerializer,
    EnterpriseSerializer,
    MeSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
)
from portal.choices import DepartmentKind
from portal.models import Department, Enterprise, User
from portal.permissions import HasPortalRole


class TokenView(APIView):
    """Exchange a username and password for an API token (locked accounts are refused)."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        candidate = User.objects.filter(username__iexact=username).first()
        if candidate is not None and candidate.is_locked:
            return Response({"detail": _("账号因连续登录失败已被临时锁定。")}, status=status.HTTP_400_BAD_REQUEST)
        user = authenticate(request, username=username, password=serializer.validated_data["password"])
        if user is None:
            actions.login_failed(username=username)
            return Response({"detail": _("用户名或密码不正确。")}, status=status.HTTP_400_BAD_REQUEST)
        actions.login_succeeded(user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


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
