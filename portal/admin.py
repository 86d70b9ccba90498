"""Back office (Django admin) for administrators: users, regions, departments, enterprises,
calendar overrides, and the audit log (read-only). Every edit writes an audit row."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from portal import lockout
from portal.actions import api_tokens_revoke
from portal.audit import audit_record
from portal.choices import PRIVILEGED_ROLES, Role
from portal.forms import PortalAdminAuthenticationForm
from portal.models import (
    ApiToken,
    AuditAnchor,
    AuditLog,
    CalendarOverride,
    CalendarYear,
    Department,
    Enterprise,
    EnterpriseCertification,
    EnterpriseLicense,
    LoginThrottle,
    Membership,
    Notification,
    Region,
    User,
)
from portal.permissions import (
    can_edit_account,
    can_manage_accounts,
    can_manage_tokens,
    can_read_audit_log,
    can_unlock_accounts,
)

admin.site.site_header = _("企业综合服务平台 · 管理后台")
# The admin login goes through the same lock-out as every other way in (portal.lockout).
admin.site.login_form = PortalAdminAuthenticationForm
admin.site.site_title = _("管理后台")
admin.site.index_title = _("配置与管理")


def _snapshot(obj) -> dict:
    return {k: v for k, v in model_to_dict(obj).items() if k not in {"password"}}


class AuditedAdminMixin:
    """Writes ``<app>.<model>.admin_created|admin_changed|admin_deleted`` audit rows for admin edits."""

    def _action(self, obj, event: str) -> str:
        return f"{obj._meta.app_label}.{obj._meta.model_name}.admin_{event}"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = list(form.changed_data) if form is not None else []
        audit_record(
            actor=request.user,
            action=self._action(obj, "changed" if change else "created"),
            target=obj,
            data={"fields": changed, "values": {k: v for k, v in _snapshot(obj).items() if k in changed}},
        )

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            audit_record(actor=request.user, action=self._action(deleted, "deleted"), target=deleted)
            deleted.delete()
        for instance in instances:
            is_new = instance.pk is None
            instance.save()
            audit_record(
                actor=request.user, action=self._action(instance, "created" if is_new else "changed"), target=instance
            )
        formset.save_m2m()

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action=self._action(obj, "deleted"), target=obj, data=_snapshot(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class AuditedModelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    pass


@admin.register(User)
class PortalUserAdmin(AuditedAdminMixin, UserAdmin):
    """Accounts, under 三员分立: the system administrator edits ordinary accounts only (never its own, nor the
    security or audit administrator's: not even their passwords), the security administrator lifts
    sign-in pauses and revokes tokens, and a superuser flag adds none of these powers."""

    list_display = ["username", "display_name", "role", "department", "is_active"]
    list_filter = ["role", "is_active", "department__kind"]
    search_fields = ["username", "display_name", "email"]
    list_select_related = ["department"]
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("平台角色"), {"fields": ["role", "department", "display_name", "phone", "office_phone"]}),
    )
    actions = ["unlock", "revoke_tokens"]

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return can_manage_accounts(request.user) or can_unlock_accounts(request.user)

    def has_add_permission(self, request):
        return can_manage_accounts(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return can_manage_accounts(request.user)
        return can_edit_account(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_unlock_permission(self, request):
        return can_unlock_accounts(request.user)

    def has_revoke_tokens_permission(self, request):
        return can_manage_tokens(request.user)

    def get_readonly_fields(self, request, obj=None):
        # Privileges are not the system administrator's to hand out: roles of the three administrators
        # are assigned on the server (manage.py set_role).
        return ["is_superuser", "groups", "user_permissions", "last_login", "date_joined"]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["choices"] = [(v, label) for v, label in Role.choices if v not in PRIVILEGED_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @admin.action(description=_("解除登录限制"), permissions=["unlock"])
    def unlock(self, request, queryset):
        for user in queryset:
            lockout.unlock(actor=request.user, user=user)
        messages.success(request, _("已解除登录限制。"))

    @admin.action(description=_("吊销全部 API 令牌"), permissions=["revoke_tokens"])
    def revoke_tokens(self, request, queryset):
        count = sum(api_tokens_revoke(actor=request.user, user=user, reason="admin") for user in queryset)
        messages.success(request, _("已吊销 %(count)d 个令牌。") % {"count": count})


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Everyone's API tokens, for the system and security administrators: list and revoke."""

    list_display = ["prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at", "revoked_reason"]
    list_filter = ["revoked_reason"]
    search_fields = ["user__username", "prefix"]
    list_select_related = ["user"]
    fields = [*list_display, "created_ip"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_module_permission(self, request):
        return can_manage_tokens(request.user)

    def has_view_permission(self, request, obj=None):
        return can_manage_tokens(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return can_manage_tokens(request.user)

    @admin.action(description=_("吊销所选令牌"), permissions=["revoke"])
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.select_related("user"):
            count += api_tokens_revoke(actor=request.user, user=token.user, reason="admin", token_ids=[token.pk])
        messages.success(request, _("已吊销 %(count)d 个令牌。") % {"count": count})


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    """Sign-in counters and pauses, read-only, for the security administrator."""

    list_display = ["scope", "username", "ip", "attempts", "level", "blocked_until", "last_attempt_at"]
    list_filter = ["scope"]
    search_fields = ["username", "ip"]
    actions = None

    def has_module_permission(self, request):
        return can_unlock_accounts(request.user)

    def has_view_permission(self, request, obj=None):
        return can_unlock_accounts(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "kind", "board", "region", "phone", "is_active"]
    list_filter = ["kind", "board", "region__level", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["region"]


class CertificationInline(admin.TabularInline):
    model = EnterpriseCertification
    extra = 0


class LicenseInline(admin.TabularInline):
    model = EnterpriseLicense
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "enterprise"
    extra = 0
    fields = ["user", "kind", "status", "decided_by", "decided_at"]
    readonly_fields = ["user", "kind", "status", "decided_by", "decided_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedModelAdmin):
    list_display = ["name", "uscc", "region", "industry", "size_class", "established"]
    list_filter = ["size_class", "region", "certifications__code"]
    search_fields = ["name", "uscc", "legal_representative"]
    list_select_related = ["region"]
    readonly_fields = ["uscc", "uscc_override", "created_at", "updated_at"]
    inlines = [CertificationInline, LicenseInline, MembershipInline]

    def has_add_permission(self, request):
        # Registration validates the USCC and records overrides: use the workbench form.
        return False


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(AuditedModelAdmin):
    list_display = ["date", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedModelAdmin):
    """An administrator confirms, year by year, that the year's holidays and make-up working days have
    been entered; the calendar warning stays until then (portal.workdays.unknown_years)."""

    list_display = ["year", "confirmed_by", "confirmed_at", "note"]
    readonly_fields = ["confirmed_by", "confirmed_at"]

    def save_model(self, request, obj, form, change):
        from django.utils import timezone

        obj.confirmed_by = request.user
        obj.confirmed_at = timezone.now()
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "target_type", "target_repr", "ip"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_repr", "target_id", "actor__username"]
    list_select_related = ["actor"]
    date_hierarchy = "at"
    actions = None

    def has_view_permission(self, request, obj=None):
        return can_read_audit_log(request.user)  # the audit administrator only (三员分立)

    def has_module_permission(self, request):
        return self.has_view_permission(request)


@admin.register(AuditAnchor)
class AuditAnchorAdmin(ReadOnlyAdmin):
    """Where each retention purge cut the chain (audit_purge), for the audit administrator."""

    list_display = ["created_at", "last_id", "purged_rows", "before", "operator", "last_hash"]
    actions = None

    def has_view_permission(self, request, obj=None):
        return can_read_audit_log(request.user)

    def has_module_permission(self, request):
        return self.has_view_permission(request)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "channel", "kind", "title", "status", "attempts"]
    list_filter = ["channel", "status", "kind"]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]
