"""Shared serializers: a department is at least {id, code, name}; an enterprise {id, uscc, name}."""

from rest_framework import serializers

from portal.actions import ENTERPRISE_FACT_FIELDS
from portal.api.base import ModelSerializer
from portal.models import Department, Enterprise, Region, User


class RegionSerializer(ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level"]


class DepartmentRefSerializer(ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name"]


class DepartmentSerializer(ModelSerializer):
    region = RegionSerializer(read_only=True)

    class Meta:
        model = Department
        fields = ["id", "code", "name", "kind", "board", "region", "phone", "address"]


class EnterpriseRefSerializer(ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "uscc", "name"]


# Contact details are personal data: the API does not hand them out in lists.
PRIVATE_FIELDS = {"contact_phone", "address"}


class EnterpriseSerializer(ModelSerializer):
    region = RegionSerializer(read_only=True)
    certifications = serializers.SerializerMethodField()

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "uscc",
            "region",
            *(f for f in ENTERPRISE_FACT_FIELDS if f not in PRIVATE_FIELDS),
            "certifications",
        ]

    def get_certifications(self, obj) -> list[str]:
        return [cert.code for cert in obj.certifications.all()]


class MeSerializer(ModelSerializer):
    roles = serializers.SerializerMethodField()
    enterprises = serializers.SerializerMethodField()
    department = DepartmentRefSerializer(read_only=True, allow_null=True)  # enterprise members have none
    name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "roles", "enterprises", "department"]

    def get_roles(self, obj) -> list[str]:
        roles = [obj.role]
        if obj.is_superuser and "admin" not in roles:
            roles.append("admin")
        return roles

    def get_enterprises(self, obj) -> list[dict]:
        return [
            {"id": m.enterprise.id, "uscc": m.enterprise.uscc, "name": m.enterprise.name, "kind": m.kind}
            for m in obj.memberships.filter(status="verified").select_related("enterprise")
        ]


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class ApiTokenSerializer(ModelSerializer):
    """One of the caller's API tokens (never the key itself: only its first characters)."""

    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        from portal.models import ApiToken

        model = ApiToken
        fields = ["id", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at", "revoked_reason", "active"]
        read_only_fields = fields


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()
