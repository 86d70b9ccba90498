"""Serializers of the market API (docs/api.md)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from market import selectors
from market.choices import SelectionMethod, ServiceType
from market.models import Facility, FacilityBooking, Intermediary, Purchase, Quote
from market.workflow import BOOKING, PURCHASE
from portal.api.base import ModelSerializer
from portal.models import Region


class FacilitySerializer(ModelSerializer):
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


class FacilityBookingSerializer(ModelSerializer):
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
        return BOOKING.available(request.user, obj) if request else []


class FacilityBookingCreateSerializer(serializers.Serializer):
    facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.active())
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    enterprise = serializers.IntegerField(required=False, help_text=_("成员属于多家企业时必填"))
    purpose = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


# --- the 中介超市 ----------------------------------------------------------------------------------------


class IntermediarySerializer(ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    service_types = serializers.ListField(child=serializers.CharField(), read_only=True)
    service_regions = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Intermediary
        fields = [
            "id",
            "uscc",
            "name",
            "service_types",
            "credit_score",
            "rating",
            "rating_count",
            "region",
            "service_regions",
            "fee_standard",
        ]
        read_only_fields = fields


class QuoteSerializer(ModelSerializer):
    intermediary = serializers.IntegerField(source="intermediary_id", read_only=True)
    intermediary_name = serializers.CharField(source="intermediary.name", read_only=True)

    class Meta:
        model = Quote
        fields = ["id", "intermediary", "intermediary_name", "price", "note", "submitted_at"]
        read_only_fields = fields


class WinnerSerializer(serializers.Serializer):
    quote = serializers.IntegerField(source="id")
    intermediary = serializers.IntegerField(source="intermediary_id")
    intermediary_name = serializers.CharField(source="intermediary.name")
    price = serializers.DecimalField(max_digits=14, decimal_places=2)


class PurchaseSerializer(ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    quote_count = serializers.IntegerField(read_only=True, default=0)
    winner = WinnerSerializer(source="winning_quote", read_only=True, allow_null=True)
    draw_candidates = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    quotes = serializers.SerializerMethodField(
        help_text=_("报价在截止前密封：中介只看到自己的报价，企业和工作人员在截止后看到全部。")
    )
    available_moves = serializers.SerializerMethodField()

    class Meta:
        model = Purchase
        fields = [
            "id",
            "reference",
            "enterprise",
            "enterprise_name",
            "title",
            "service_type",
            "scope",
            "budget",
            "quote_deadline",
            "selection_method",
            "status",
            "quote_count",
            "selected_at",
            "winner",
            "draw_seed",
            "draw_candidates",
            "contract_price",
            "delivery_due",
            "delivered_on",
            "rating",
            "created_at",
            "quotes",
            "available_moves",
        ]
        read_only_fields = fields

    @extend_schema_field(QuoteSerializer(many=True))
    def get_quotes(self, obj):
        request = self.context.get("request")
        if request is None or not self.context.get("detail"):
            return []
        return QuoteSerializer(selectors.quotes_visible(user=request.user, purchase=obj), many=True).data

    def get_available_moves(self, obj) -> list[str]:
        request = self.context.get("request")
        return PURCHASE.available(request.user, obj) if request else []


class PurchaseCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    service_type = serializers.ChoiceField(choices=ServiceType.choices)
    scope = serializers.CharField()
    budget = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(1))
    quote_deadline = serializers.DateTimeField()
    selection_method = serializers.ChoiceField(choices=SelectionMethod.choices)
    enterprise = serializers.IntegerField(required=False)


class QuoteCreateSerializer(serializers.Serializer):
    price = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    intermediary = serializers.IntegerField(required=False, help_text=_("成员属于多家机构时必填"))


class PurchaseSelectSerializer(serializers.Serializer):
    quote = serializers.IntegerField(required=False, help_text=_("直接选取时必填：选中的报价编号"))


class PurchaseContractSerializer(serializers.Serializer):
    contract_price = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    delivery_due = serializers.DateField()


class PurchaseDeliverSerializer(serializers.Serializer):
    delivered_on = serializers.DateField()


class PurchaseRateSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=300)


class StatsRowSerializer(serializers.Serializer):
    service_type = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    budget_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    contract_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    saved = serializers.DecimalField(max_digits=16, decimal_places=2)
    saving_rate = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class IntermediaryStatsSerializer(serializers.Serializer):
    period = serializers.CharField()
    count = serializers.IntegerField()
    budget_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    contract_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    saved = serializers.DecimalField(max_digits=16, decimal_places=2)
    saving_rate = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    by_service_type = StatsRowSerializer(many=True)


class ComplaintSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=2000)
    purchase = serializers.IntegerField(required=False)


class ComplaintResultSerializer(serializers.Serializer):
    issue = serializers.IntegerField(source="issue_id")
    reference = serializers.CharField(source="issue.reference")


class QualificationInputSerializer(serializers.Serializer):
    service_type = serializers.ChoiceField(choices=ServiceType.choices)
    name = serializers.CharField(max_length=100)
    number = serializers.CharField(max_length=60)
    expires_on = serializers.DateField()


class IntermediaryRegisterSerializer(serializers.Serializer):
    uscc = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=200)
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.current())
    service_types = serializers.ListField(child=serializers.CharField(max_length=20), min_length=1)
    service_regions = serializers.ListField(child=serializers.RegexField(r"^\d{6}$"), required=False)
    fee_standard = serializers.CharField()
    contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    qualifications = QualificationInputSerializer(many=True, allow_empty=False)


class IntermediaryRegisteredSerializer(IntermediarySerializer):
    class Meta(IntermediarySerializer.Meta):
        fields = [*IntermediarySerializer.Meta.fields, "status"]
        read_only_fields = fields
