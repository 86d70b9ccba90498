"""API serializers of the services app (names in docs/api.md are a contract)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api.base import ModelSerializer
from portal.api.serializers import DepartmentRefSerializer, EnterpriseRefSerializer
from services.choices import (
    ApplicationStatus,
    Automation,
    BundleKind,
    Channel,
    ItemKind,
    ItemType,
    ProviderSide,
    TaskStatus,
)
from services.models import Application, ApplicationItem, Bundle, BundleItem, ServiceItem
from services.workflow import TASK


def inline_choice(choices, **kwargs) -> serializers.ChoiceField:
    """A read-only choice field whose enum stays inline in the schema, so the many fields called
    ``kind`` or ``status`` across apps never collide in the component names."""

    @extend_schema_field({"allOf": [{"type": "string", "enum": list(choices.values)}]})
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField(choices=choices.choices, read_only=True, **kwargs)


class ServiceRefSerializer(ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)
    item_type = inline_choice(ItemType)
    provider_side = inline_choice(ProviderSide)
    board = serializers.SerializerMethodField()
    automation = inline_choice(Automation)

    class Meta:
        model = ServiceItem
        fields = [
            "id",
            "code",
            "name",
            "item_type",
            "department",
            "promised_days",
            "legal_days",
            "provider_side",
            "board",
            "fee",
            "online",
            "visits",
            "automation",
        ]

    def get_board(self, obj) -> str:
        return obj.board


class BundleItemSerializer(ModelSerializer):
    required = serializers.SerializerMethodField()
    requires = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    excludes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    service = ServiceRefSerializer(read_only=True)
    kind = inline_choice(ItemKind)

    class Meta:
        model = BundleItem
        fields = ["id", "kind", "required", "default_selected", "order", "requires", "excludes", "service"]

    def get_required(self, obj) -> bool:
        return obj.is_basic


class BundleSerializer(ModelSerializer):
    basic_count = serializers.IntegerField(read_only=True)
    value_added_count = serializers.IntegerField(read_only=True)
    kind = inline_choice(BundleKind)
    stage = serializers.SerializerMethodField()
    board = serializers.SerializerMethodField()

    def get_stage(self, obj) -> str:
        return obj.stage

    def get_board(self, obj) -> str:
        return obj.board

    class Meta:
        model = Bundle
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "stage",
            "chain",
            "board",
            "summary",
            "version",
            "published",
            "basic_count",
            "value_added_count",
        ]


class BundleDetailSerializer(BundleSerializer):
    items = BundleItemSerializer(many=True, read_only=True)

    class Meta(BundleSerializer.Meta):
        fields = [*BundleSerializer.Meta.fields, "description", "items"]


class ApplicationItemSerializer(ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)
    application = serializers.PrimaryKeyRelatedField(read_only=True)
    reference = serializers.CharField(source="application.reference", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    handler = serializers.SerializerMethodField()
    kind = inline_choice(ItemKind)
    status = inline_choice(TaskStatus)
    available_moves = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationItem
        fields = [
            "id",
            "application",
            "reference",
            "service_code",
            "name",
            "kind",
            "department",
            "status",
            "due_date",
            "overdue",
            "paused_days",
            "handler",
            "note",
            "result",
            "reason",
            "version",
            "available_moves",
        ]

    def get_handler(self, obj) -> str | None:
        return obj.handler.name if obj.handler_id else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_moves(self, obj) -> list[str]:
        """The task moves the caller may POST now (``services.workflow.TASK``)."""
        request = self.context.get("request")
        return TASK.available(request.user, obj) if request is not None else []


class ApplicationBundleRefSerializer(ModelSerializer):
    class Meta:
        model = Bundle
        fields = ["id", "code", "name"]


class ApplicationSerializer(ModelSerializer):
    bundle = ApplicationBundleRefSerializer(read_only=True)
    enterprise = EnterpriseRefSerializer(read_only=True)
    bundle_version = serializers.IntegerField(source="bundle_version.number", read_only=True)
    items = ApplicationItemSerializer(many=True, read_only=True)
    status = inline_choice(ApplicationStatus)
    channel = inline_choice(Channel)

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "status",
            "channel",
            "on_behalf",
            "bundle",
            "bundle_version",
            "enterprise",
            "contact_name",
            "submitted_at",
            "items",
        ]


class ApplicationCreateSerializer(serializers.Serializer):
    bundle = serializers.IntegerField(help_text=_("一类事 id"))
    selected = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, help_text=_("勾选的增值服务（一类事事项 id）")
    )
    enterprise = serializers.IntegerField(required=False, help_text=_("窗口人员必填；企业成员有多家企业时必填"))
    contact_name = serializers.CharField(max_length=50)
    contact_phone = serializers.CharField(max_length=20)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    channel = serializers.CharField(required=False, help_text=_("online / window / app；企业成员只能 online 或 app"))
    idempotency_key = serializers.CharField(
        max_length=64, required=False, help_text=_("同一个值重复提交只生成一份申请（返回已有申请）")
    )


class TaskCompleteSerializer(serializers.Serializer):
    result = serializers.CharField(max_length=500)


class TaskRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class TaskRequestMaterialsSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500)
