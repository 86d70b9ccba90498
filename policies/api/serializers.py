"""Serializers of the policies API (docs/api.md: /api/v1/policies/ and /api/v1/policies/match/)."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from policies.facts import INPUT_LABELS
from policies.models import Entitlement, Policy
from policies.workflow import ENTITLEMENT
from portal.api.base import ModelSerializer
from portal.api.serializers import DepartmentRefSerializer, EnterpriseRefSerializer
from portal.choices import Certification, SizeClass, TaxCreditGrade
from portal.industry import validate_industry_code
from portal.models import Region


class PolicyRegionSerializer(serializers.Serializer):
    """A region as policies show it: {code, name} (also for regions typed into a what-if profile)."""

    code = serializers.CharField()
    name = serializers.CharField()


class PolicyGuideSerializer(serializers.Serializer):
    beneficiaries = serializers.CharField(source="guide_beneficiaries")
    conditions = serializers.CharField(source="guide_conditions")
    timeline = serializers.CharField(source="guide_timeline")
    contact = serializers.CharField(source="guide_contact")
    source_url = serializers.CharField()


class PolicyBriefSerializer(ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)
    region = PolicyRegionSerializer(read_only=True)

    class Meta:
        model = Policy
        fields = ["id", "title", "doc_number", "department", "region", "benefit", "benefit_amount", "mode"]


class PolicySerializer(PolicyBriefSerializer):
    guide = PolicyGuideSerializer(source="*", read_only=True)
    conditions = serializers.SerializerMethodField()

    class Meta:
        model = Policy
        fields = [
            "id",
            "title",
            "doc_number",
            "department",
            "region",
            "board",
            "summary",
            "benefit",
            "benefit_amount",
            "mode",
            "apply_from",
            "apply_to",
            "status",
            "published_at",
            "guide",
            "conditions",
        ]

    def get_conditions(self, obj) -> list[dict]:
        """Plain-language conditions: [{"group", "text"}] (same group = any one suffices)."""
        return [{"group": c.group, "text": c.plain_text()} for c in obj.conditions.all()]


def _money(label):
    return serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        min_value=Decimal(0),
        error_messages={"min_value": gettext_lazy("%(label)s不能为负数。") % {"label": label}},
    )


def _people(label):
    return serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        error_messages={"min_value": gettext_lazy("%(label)s不能为负数。") % {"label": label}},
    )


class ProfileSerializer(serializers.Serializer):
    """What-if facts (docs/api.md names). Money in 万元 for the last full year; a key set to null is unknown."""

    region = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=12)
    industry = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=5)
    size_class = serializers.ChoiceField(choices=SizeClass.choices, required=False, allow_null=True)
    established = serializers.DateField(required=False, allow_null=True)
    registered_capital = _money(INPUT_LABELS["registered_capital"])
    revenue = _money(INPUT_LABELS["revenue"])
    rd_expense = _money(INPUT_LABELS["rd_expense"])
    high_tech_revenue = _money(INPUT_LABELS["high_tech_revenue"])
    export_revenue = _money(INPUT_LABELS["export_revenue"])
    staff = _people(INPUT_LABELS["staff"])
    tech_staff = _people(INPUT_LABELS["tech_staff"])
    certifications = serializers.ListField(
        child=serializers.ChoiceField(choices=Certification.choices), required=False, allow_null=True
    )
    tax_credit_grade = serializers.ChoiceField(choices=TaxCreditGrade.choices, required=False, allow_null=True)
    graduate_hires = _people(INPUT_LABELS["graduate_hires"])
    credit_insurance_premium = _money(INPUT_LABELS["credit_insurance_premium"])
    guaranteed_loan = _money(INPUT_LABELS["guaranteed_loan"])
    first_set_product = serializers.BooleanField(required=False, allow_null=True)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        key: [
                            _("未知的事实“%(key)s”。可用：%(allowed)s")
                            % {"key": key, "allowed": ", ".join(self.fields)}
                        ]
                        for key in unknown
                    }
                )
        return super().to_internal_value(data)

    def validate_region(self, value):
        if not value:
            return None
        region = Region.objects.select_related("parent__parent__parent").filter(code=value).first()
        if region is None:
            raise serializers.ValidationError(_("区划代码“%(code)s”不存在。") % {"code": value})
        return region

    def validate_industry(self, value):
        if not value:
            return None
        value = value.strip().upper()
        try:
            validate_industry_code(value)
        except Exception as exc:  # Django ValidationError → DRF error with the same message
            raise serializers.ValidationError(list(getattr(exc, "messages", [str(exc)]))) from None
        return value

    def validate(self, attrs):
        errors = {}

        def exceeds(part, whole):
            return attrs.get(part) is not None and attrs.get(whole) is not None and attrs[part] > attrs[whole]

        if exceeds("tech_staff", "staff"):
            errors["tech_staff"] = [_("科技人员数不能多于职工总数。")]
        if exceeds("high_tech_revenue", "revenue"):
            errors["high_tech_revenue"] = [_("高新技术产品收入不能多于年销售收入。")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def validate_established(self, value):
        if value and value > timezone.localdate():
            raise serializers.ValidationError(_("成立日期不能晚于今天。"))
        return value


class MatchRequestSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(required=False, allow_null=True, help_text="企业 id；省略则为纯假设测算")
    profile = ProfileSerializer(required=False, allow_null=True)

    def validate(self, attrs):
        if attrs.get("enterprise") is None and not attrs.get("profile"):
            raise serializers.ValidationError(_("请提供企业（enterprise）或测算信息（profile）。"))
        return attrs


class UnmetSerializer(serializers.Serializer):
    field = serializers.CharField()
    operator = serializers.CharField()
    required = serializers.JSONField()
    actual = serializers.JSONField()
    gap = serializers.JSONField()
    unit = serializers.CharField()
    message = serializers.CharField()
    condition = serializers.CharField()
    plan = serializers.CharField()


class EligibleItemSerializer(serializers.Serializer):
    policy = PolicyBriefSerializer()
    mode = serializers.CharField()


class NearItemSerializer(serializers.Serializer):
    policy = PolicyBriefSerializer()
    unmet = UnmetSerializer(many=True)


class UnknownItemSerializer(serializers.Serializer):
    policy = PolicyBriefSerializer()
    missing = serializers.ListField(child=serializers.CharField())


class MatchResponseSerializer(serializers.Serializer):
    eligible = EligibleItemSerializer(many=True)
    near = NearItemSerializer(many=True)
    unknown = UnknownItemSerializer(many=True)
    not_applicable_count = serializers.IntegerField()


class EntitlementSerializer(ModelSerializer):
    policy = PolicyBriefSerializer(read_only=True)
    enterprise = EnterpriseRefSerializer(read_only=True)

    available_moves = serializers.SerializerMethodField()

    class Meta:
        model = Entitlement
        fields = [
            "id",
            "policy",
            "enterprise",
            "status",
            "amount",
            "reason",
            "created_at",
            "decided_at",
            "available_moves",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_moves(self, obj) -> list[str]:
        """The decisions the caller may POST now (``policies.workflow.ENTITLEMENT``)."""
        request = self.context.get("request")
        return ENTITLEMENT.available(request.user, obj) if request is not None else []


class EntitlementDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)
