"""Back office of the issues app: administrators configure channels, categories, 三不管 kinds and deadline
rules (audited). Problems and their history are read-only here: they change only through the actions."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin import AuditedModelAdmin, ReadOnlyAdmin
from portal.admin_a11y import LabelledTabularInline

from .models import (
    Appeal,
    Category,
    Channel,
    DeadlineRule,
    ExtensionRequest,
    Issue,
    IssueEvent,
    IssueSettings,
    OwnerlessKind,
    Rating,
    overdue_condition,
)


@admin.register(Channel)
class ChannelAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "name_en", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Category)
class CategoryAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "parent", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["code", "name", "name_en"]


@admin.register(OwnerlessKind)
class OwnerlessKindAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "name_en", "order", "is_active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(AuditedModelAdmin):
    list_display = [
        "__str__",
        "dispatch_working_days",
        "reply_days",
        "reply_in_working_days",
        "followup_working_days",
        "redo_working_days",
        "return_working_days",
    ]
    list_select_related = ["category"]
    list_filter = ["tier", "category"]


class IssueEventInline(LabelledTabularInline):
    model = IssueEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "actor", "department", "from_status", "to_status", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IssueSettings)
class IssueSettingsAdmin(AuditedModelAdmin):
    """One row: the 重办 limit and the ranking's minimum sample (audited like every admin edit)."""

    list_display = ["__str__", "max_reopens", "ranking_min_sample"]

    def has_add_permission(self, request):
        return not IssueSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class OverdueListFilter(admin.SimpleListFilter):
    """Overdue now, from the current step's deadline (the same condition as the pages and the API)."""

    title = _("超期")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("仅超期")), ("no", _("未超期"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(overdue_condition())
        if self.value() == "no":
            return queryset.exclude(overdue_condition())
        return queryset


@admin.register(Issue)
class IssueAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "title",
        "enterprise",
        "status",
        "lead_department",
        "level",
        "reply_due",
        "overdue_now",
    ]
    list_filter = ["status", "level", OverdueListFilter, "channel", "category"]
    search_fields = ["reference", "title", "enterprise__name"]
    list_select_related = ["enterprise", "lead_department"]
    inlines = [IssueEventInline]

    @admin.display(boolean=True, description=_("超期"))
    def overdue_now(self, obj):
        return obj.overdue


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["issue", "round", "score", "source", "department", "at"]
    list_filter = ["score", "source"]
    list_select_related = ["issue", "department"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ["issue", "department", "previous_due", "requested_due", "status"]
    list_select_related = ["issue", "department"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["issue", "department", "status", "requested_at"]
    list_select_related = ["issue", "department"]
