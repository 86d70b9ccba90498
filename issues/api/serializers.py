"""API serializers of the issues app (docs/api.md: problems)."""

from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api.base import ModelSerializer
from portal.api.serializers import DepartmentRefSerializer, EnterpriseRefSerializer
from portal.masking import mask_phone
from portal.models import Department
from portal.permissions import is_enterprise_user

from .. import selectors
from ..actions import event_label
from ..choices import Discovery, OverdueStep, Tier
from ..models import Appeal, Category, Channel, ExtensionRequest, Issue, IssueEvent


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CategorySerializer(ModelSerializer):
    class Meta:
        model = Category
        fields = ["code", "name"]


class ChannelSerializer(ModelSerializer):
    class Meta:
        model = Channel
        fields = ["code", "name"]


class HandlerRefSerializer(serializers.Serializer):
    name = serializers.CharField()
    office_phone = serializers.CharField()


class IssueEventSerializer(ModelSerializer):
    actor = serializers.SerializerMethodField()
    label = serializers.SerializerMethodField()

    class Meta:
        model = IssueEvent
        fields = ["action", "label", "actor", "at", "note", "from_status", "to_status"]

    def get_actor(self, obj) -> str:
        return obj.actor.name if obj.actor_id else ""

    def get_label(self, obj) -> str:
        return event_label(obj.action)

    def to_representation(self, instance):
        """The declared fields, without DRF's machinery per field: a list of problems carries a hundred
        events or more (tests/issues/test_api.py compares it with DRF's own representation)."""
        return {
            "action": instance.action,
            "label": self.get_label(instance),
            "actor": self.get_actor(instance),
            "at": self.fields["at"].to_representation(instance.at),
            "note": instance.note,
            "from_status": instance.from_status,
            "to_status": instance.to_status,
        }


class IssueSerializer(ModelSerializer):
    enterprise = EnterpriseRefSerializer(read_only=True)
    category = CategorySerializer(read_only=True)
    channel = ChannelSerializer(read_only=True)
    lead_department = DepartmentRefSerializer(read_only=True, allow_null=True)  # none until dispatched
    co_departments = DepartmentRefSerializer(many=True, read_only=True)
    handler = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()
    # a method field: a callable ``source`` has its signature inspected on every row (≈ 0.15 ms)
    status_display = serializers.SerializerMethodField()
    light = serializers.SerializerMethodField()
    # derived from the current step's deadline when read (Issue.overdue), never the sweep's stale mark
    overdue = serializers.BooleanField(
        read_only=True, help_text="the current step is past its deadline (computed when read)"
    )
    overdue_step = serializers.ChoiceField(
        choices=OverdueStep.choices,
        allow_blank=True,
        read_only=True,
        help_text="the step that is late (dispatch, reply, follow_up), empty when none",
    )
    events = serializers.SerializerMethodField()
    reply = serializers.SerializerMethodField()
    rating = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="the enterprise's own 好差评 of the current round (1–5), or null"
    )
    follow_up_satisfaction = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="回访满意度: the level the enterprise stated on a follow-up call, recorded by staff; "
        "never the enterprise's rating",
    )
    available_moves = serializers.SerializerMethodField()

    class Meta:
        model = Issue
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "status",
            "status_display",
            "enterprise",
            "contact_name",
            "contact_phone",
            "category",
            "channel",
            "discovery",
            "tier",
            "level",
            "lead_department",
            "co_departments",
            "handler",
            "registered_at",
            "dispatched_at",
            "accepted_at",
            "replied_at",
            "followed_up_at",
            "closed_at",
            "dispatch_due",
            "return_due",
            "reply_due",
            "followup_due",
            "overdue",
            "overdue_step",
            "light",
            "with_supervisor",
            "dispatch_count",
            "returns_count",
            "extensions_count",
            "reopen_count",
            "escalation_count",
            "reopen_limit_reached",
            "rating",
            "follow_up_satisfaction",
            "accept_due",
            "reply",
            "public_reply",
            "events",
            "available_moves",
        ]

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    @extend_schema_field(HandlerRefSerializer(allow_null=True))
    def get_handler(self, obj):
        if not obj.handler_id:
            return None
        return {"name": obj.handler.name, "office_phone": obj.handler.office_phone}

    def get_contact_phone(self, obj) -> str:
        """Masked for staff (they reveal it on the page, audited); the enterprise's own members see it."""
        user = self._user()
        if self.context.get("detail") and is_enterprise_user(user):
            return obj.contact_phone
        return mask_phone(obj.contact_phone)

    def get_status_display(self, obj) -> str:
        return obj.get_status_display()

    def get_light(self, obj) -> str:
        return getattr(obj, "light", "")

    def get_reply(self, obj) -> str:
        user = self._user()
        if user is not None and user.is_authenticated and not is_enterprise_user(user):
            return obj.reply
        return ""

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), allow_null=True))
    def get_available_moves(self, obj):
        """The action paths the caller may POST now (detail only; null in lists)."""
        user = self._user()
        if not self.context.get("detail") or user is None:
            return None
        return selectors.available_moves(user, obj)

    @extend_schema_field(IssueEventSerializer(many=True))
    def get_events(self, obj):
        user = self._user()
        staff = user is not None and user.is_authenticated and not is_enterprise_user(user)
        events = [event for event in obj.events.all() if staff or event.public]
        represent = self._event_serializer.to_representation
        return [represent(event) for event in events]

    @cached_property
    def _event_serializer(self) -> IssueEventSerializer:
        """One event serializer for every row of a list: building a ModelSerializer's fields per row
        cost more than the events themselves."""
        return IssueEventSerializer(context=self.context)


class IssueCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    description = serializers.CharField()
    category = serializers.CharField(help_text="category code")
    channel = serializers.CharField(required=False, help_text="channel code (staff only; default online)")
    enterprise = serializers.IntegerField(required=False, help_text="enterprise id (staff only)")
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    discovery = serializers.ChoiceField(choices=Discovery.choices, required=False)
    tier = serializers.ChoiceField(choices=Tier.choices, required=False)
    ownerless_kind = serializers.CharField(required=False, allow_blank=True)


def _department(pk):
    """An active department by id (the action checks what kind it may be), else "unknown department"."""
    department = Department.objects.filter(pk=pk, is_active=True).select_related("region").first()
    if department is None:
        raise serializers.ValidationError(_("未知的部门。"))
    return department


class IssueDispatchInputSerializer(serializers.Serializer):
    lead_department = serializers.IntegerField()
    co_departments = serializers.ListField(child=serializers.IntegerField(), required=False)
    note = serializers.CharField(required=False, allow_blank=True)

    def validate_lead_department(self, value):
        return _department(value)

    def validate_co_departments(self, value):
        return [_department(pk) for pk in value]


class IssueReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class IssueOptionalReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class IssueReplyInputSerializer(serializers.Serializer):
    reply = serializers.CharField(allow_blank=True)
    public_reply = serializers.CharField(required=False, allow_blank=True)


class IssueEscalateInputSerializer(serializers.Serializer):
    to_department = serializers.IntegerField()
    reason = serializers.CharField(allow_blank=True)

    def validate_to_department(self, value):
        return _department(value)


class IssueFollowUpInputSerializer(serializers.Serializer):
    reached = serializers.BooleanField(default=True)
    satisfied = serializers.BooleanField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, help_text="what the enterprise said")
    satisfaction = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="回访满意度 1–5 the enterprise stated on the call, recorded by staff; never its 好差评",
    )

    def validate(self, attrs):
        # A follow-up never carries the enterprise's rating: refuse it loudly rather than drop it.
        if "rating" in self.initial_data:
            raise serializers.ValidationError(
                {
                    "rating": [
                        _(
                            "好差评只能由企业本人提交，回访不能代为评价；"
                            "企业在电话中表示的满意度请记入 satisfaction（回访满意度）。"
                        )
                    ]
                }
            )
        return attrs


class IssueOpinionInputSerializer(serializers.Serializer):
    opinion = serializers.CharField(allow_blank=True)


class IssueMinutesInputSerializer(serializers.Serializer):
    minutes = serializers.CharField(allow_blank=True)


class IssueRateInputSerializer(serializers.Serializer):
    rating = serializers.IntegerField(help_text="1 非常不满意 … 5 非常满意")
    comment = serializers.CharField(required=False, allow_blank=True)


class IssueNoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)


class IssueClassifyInputSerializer(serializers.Serializer):
    category = serializers.CharField(required=False)
    tier = serializers.ChoiceField(choices=Tier.choices, required=False)
    ownerless_kind = serializers.CharField(required=False, allow_blank=True)


class IssueExtensionInputSerializer(serializers.Serializer):
    requested_due = serializers.DateField()
    reason = serializers.CharField(allow_blank=True)


class DecisionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True)


class ExtensionRequestSerializer(ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)
    issue = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = ExtensionRequest
        fields = ["id", "issue", "department", "reason", "previous_due", "requested_due", "status", "requested_at"]


class AppealSerializer(ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)
    issue = serializers.PrimaryKeyRelatedField(read_only=True)
    score = serializers.IntegerField(source="rating.score", read_only=True)

    class Meta:
        model = Appeal
        fields = ["id", "issue", "department", "score", "reason", "status", "requested_at", "decision_note"]
