"""Back office of the insights app: common problems readable and their record editable through
``common_issue_update`` (audited; a recorded mechanism moves the status); links and answers change only
through the pages (actions)."""

from django.contrib import admin

from portal.admin import ActionModelAdmin
from portal.admin_a11y import LabelledTabularInline

from . import actions
from .models import CommonIssue, CommonIssueReuse


class CommonIssueReuseInline(LabelledTabularInline):
    model = CommonIssueReuse
    extra = 0
    fields = ["region", "department", "reused_on", "note", "recorded_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CommonIssue)
class CommonIssueAdmin(ActionModelAdmin):
    save_action = actions.common_issue_admin_save
    list_display = ["reference", "title", "lead_department", "status", "is_public", "is_exemplary", "created_at"]
    list_filter = ["status", "is_public", "is_exemplary", "mechanism_kind"]
    search_fields = ["reference", "title", "summary"]
    list_select_related = ["lead_department"]
    readonly_fields = ["reference", "status", "created_by", "created_at", "answered_at", "lead_department", "version"]
    fields = [
        "reference",
        "title",
        "summary",
        "root_cause",
        "lead_department",
        "category",
        "solution",
        "mechanism_kind",
        "mechanism",
        "mechanism_adopted_on",
        "status",
        "is_public",
        "is_exemplary",
        "internal_note",
        "created_by",
        "created_at",
        "answered_at",
        "version",
    ]
    inlines = [CommonIssueReuseInline]

    def has_add_permission(self, request):
        return False  # created from clusters on the supervisor's page (links and dispatches)

    def has_delete_permission(self, request, obj=None):
        return False
