"""Back office for policies: administrators write conditions as data with a live plain-language preview;
a condition that cannot be evaluated is refused on save (Condition.clean). Status changes go through
actions (publish / expire), never through the form."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.admin import ActionModelAdmin, ReadOnlyAdmin
from portal.admin_a11y import LabelledTabularInline
from portal.exceptions import PermissionDeniedError, TransitionNotAllowed

from . import actions
from .forms import ConditionAdminForm
from .models import CONDITION_KEYS, Condition, Entitlement, Policy, PolicyVersion


class ConditionInline(LabelledTabularInline):
    model = Condition
    form = ConditionAdminForm
    extra = 1
    fields = [*CONDITION_KEYS, "preview"]
    readonly_fields = ["preview"]

    @admin.display(description=_("预览"))
    def preview(self, obj):
        if obj is None or not obj.pk:
            return format_html('<span class="condition-preview">{}</span>', "")
        try:
            text = obj.plain_text()
        except ValidationError as exc:
            text = " ".join(exc.messages)
        return format_html('<span class="condition-preview">{}</span>', text)


class PolicyVersionInline(LabelledTabularInline):
    model = PolicyVersion
    extra = 0
    fields = ["number", "note", "created_by", "created_at"]
    readonly_fields = fields
    can_delete = False
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Policy)
class PolicyAdmin(ActionModelAdmin):
    list_display = ["title", "doc_number", "department", "region", "mode", "benefit_amount", "status"]
    list_filter = ["status", "mode", "board", "region"]
    search_fields = ["title", "doc_number", "summary"]
    list_select_related = ["department", "region"]
    readonly_fields = ["status", "published_at", "version", "created_at", "updated_at"]
    inlines = [ConditionInline, PolicyVersionInline]
    # policy_create / policy_update: rules, version, audit and the 免申即享 push; withdrawn, never deleted
    save_action = actions.policy_admin_save
    actions = ["publish", "unpublish", "expire"]
    fieldsets = (
        (None, {"fields": ["title", "doc_number", "department", "region", "board", "summary"]}),
        (_("扶持与兑现"), {"fields": ["benefit", "benefit_amount", "mode", "apply_from", "apply_to"]}),
        (
            _("办事指南"),
            {"fields": ["guide_beneficiaries", "guide_conditions", "guide_timeline", "guide_contact", "source_url"]},
        ),
        (_("状态"), {"fields": ["status", "published_at", "version", "created_at", "updated_at"]}),
    )

    class Media:
        js = ["js/policies_admin.js"]
        css = {"all": ["css/policies_admin.css"]}

    @admin.action(description=_("发布所选政策"))
    def publish(self, request, queryset):
        self._transition(request, queryset, actions.policy_publish, _("已发布 %(n)s 项政策。"))

    @admin.action(description=_("撤回所选政策（回到草稿）"))
    def unpublish(self, request, queryset):
        self._transition(request, queryset, actions.policy_unpublish, _("已撤回 %(n)s 项政策。"))

    @admin.action(description=_("将所选政策设为失效"))
    def expire(self, request, queryset):
        self._transition(request, queryset, actions.policy_expire, _("已将 %(n)s 项政策设为失效。"))

    def _transition(self, request, queryset, action, success):
        done = 0
        for policy in queryset:
            try:
                action(actor=request.user, policy=policy)
                done += 1
            except (TransitionNotAllowed, PermissionDeniedError, ValidationError) as exc:
                text = " ".join(exc.messages) if isinstance(exc, ValidationError) else exc.message
                messages.error(request, f"{policy}: {text}")
        if done:
            messages.success(request, success % {"n": done})


@admin.register(Entitlement)
class EntitlementAdmin(ReadOnlyAdmin):
    """Read-only here: clerks confirm or withdraw on the 免申即享 page (with a reason)."""

    list_display = ["enterprise", "policy", "status", "amount", "created_at", "decided_by"]
    list_filter = ["status", "policy__mode"]
    search_fields = ["enterprise__name", "enterprise__uscc", "policy__title"]
    list_select_related = ["enterprise", "policy", "decided_by"]
