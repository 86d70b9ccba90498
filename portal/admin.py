"""Back office (Django admin) for administrators: users, regions, departments, enterprises,
calendar overrides, and the audit log (read-only). Every edit writes an audit row."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from portal.audit import audit_record
from portal.models import (
    AuditLog,
    CalendarOverride,
    CalendarYear,
    Department,
    Enterprise,
    EnterpriseCertification,
    EnterpriseLicense,
    Membership,
    Notification,
    Region,
    User,
)

admin.site.site_header = _("企业综合服务平台 · 管理后台")
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
    list_display = ["username", "display_name", "role", "department", "is_active", "locked_until"]
    list_filter = ["role", "is_active", "department__kind"]
    search_fields = ["username", "display_name", "email"]
    list_select_related = ["department"]
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("平台角色"), {"fields": ["role", "department", "display_name", "phone", "office_phone"]}),
        (_("登录安全"), {"fields": ["failed_login_count", "locked_until"]}),
    )
    actions = ["unlock"]

    @admin.action(description=_("解除锁定"))
    def unlock(self, request, queryset):
        for user in queryset:
            User.objects.filter(pk=user.pk).update(locked_until=None, failed_login_count=0)
            audit_record(actor=request.user, action="portal.user.unlocked", target=user)
        messages.success(request, _("已解除锁定。"))


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
        return request.user.is_active and (request.user.is_superuser or request.user.role in {"admin", "auditor"})

    def has_module_permission(self, request):
        return self.has_view_permission(request)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "channel", "kind", "title", "status", "attempts"]
    list_filter = ["channel", "status", "kind"]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]
