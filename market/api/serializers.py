"""Serializers of the market API (docs/api.md)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from market.models import Facility, FacilityBooking
from market.workflow import available_moves


class FacilitySerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner_name", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    utilisation = serializers.SerializerMethodField(help_text=_("近 30 天利用率（%）"))
    queue_length = serializers.SerializerMethodField()
    average_wait_days = serializers.SerializerMethodField()

    class Meta:
        model = Facility
        fields = [
            "id",
            "name",
            "kind",
            "description",
            "owner",
            "region",
            "capacity",
            "unit",
            "max_units",
            "utilisation",
            "queue_length",
            "average_wait_days",
        ]

    def _stats(self, obj) -> dict:
        return self.context.get("stats", {}).get(obj.pk, {})

    @extend_schema_field(serializers.DecimalField(max_digits=6, decimal_places=2))
    def get_utilisation(self, obj):
        value = self._stats(obj).get("utilisation")
        return None if value is None else str(value)

    def get_queue_length(self, obj) -> int:
        return self._stats(obj).get("queue_length", 0)

    @extend_schema_field(serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True))
    def get_average_wait_days(self, obj):
        value = self._stats(obj).get("average_wait_days")
        return None if value is None else str(value)


class FacilityBookingSerializer(serializers.ModelSerializer):
    facility_name = serializers.CharField(source="facility.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    position = serializers.SerializerMethodField(help_text=_("排队位置（仅排队中）"))
    available_moves = serializers.SerializerMethodField()

    class Meta:
        model = FacilityBooking
        fields = [
            "id",
            "facility",
            "facility_name",
            "enterprise",
            "enterprise_name",
            "start",
            "end",
            "units",
            "status",
            "position",
            "estimated_start",
            "reason",
            "created_at",
            "available_moves",
        ]
        read_only_fields = fields

    def get_position(self, obj) -> int | None:
        from market.choices import BookingStatus

        if obj.status != BookingStatus.QUEUED:
            return None
        return getattr(obj, "position", None)

    def get_available_moves(self, obj) -> list[str]:
        request = self.context.get("request")
        return available_moves(request.user, obj) if request else []


class FacilityBookingCreateSerializer(serializers.Serializer):
    facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.active())
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    enterprise = serializers.IntegerField(required=False, help_text=_("成员属于多家企业时必填"))
    purpose = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)
