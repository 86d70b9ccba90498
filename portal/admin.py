"""Back office (Django admin) for administrators: users, regions, departments, enterprises,
calendar overrides, and the audit log (read-only). Every edit writes an audit row."""

from contextvars import ContextVar

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django_q.models import Failure, OrmQ, Schedule, Success

from portal import lockout
from portal.actions import (
    api_tokens_revoke,
    calendar_year_confirm,
    enterprise_admin_save,
    record_delete,
    record_save,
    user_password_set,
)
from portal.admin_a11y import LabelledTabularInline
from portal.choices import PRIVILEGED_ROLES, Role
from portal.exceptions import PermissionDeniedError, TransitionNotAllowed
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


class ActionAdminMixin:
    """A ModelAdmin whose every write calls one declared action (DESIGN.md rules 1 and 10).

    Declare ``save_action`` — called once per save of the change form (the object with its inline rows,
    the list's editable columns too) as ``save_action(actor=, instance=, form=, formsets=, change=)`` — and
    ``delete_action`` (``delete_action(actor=, instance=)``), or leave it None: then nothing is deleted
    here. The forms only validate; the action saves, audits and runs the side effects (a re-check, a push).
    ``tests/portal/test_admin_walk.py`` walks every registered admin and holds each to this.
    """

    save_action = None
    delete_action = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # declared as plain functions (``save_action = actions.policy_admin_save``): never bind them
        for name in ("save_action", "delete_action"):
            declared = cls.__dict__.get(name)
            if declared is not None and not isinstance(declared, staticmethod):
                setattr(cls, name, staticmethod(declared))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The action may refuse what the form accepted (a rule across rows, a permission): the whole save is
        # rolled back (the admin's view is atomic) and the refusal shown, in the user's language.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            text = " ".join(exc.messages)
        except (PermissionDeniedError, TransitionNotAllowed) as exc:
            text = str(exc.message)
        messages.error(request, text)
        return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        """Nothing here: the action saves the object together with its inline rows (``save_related``)."""

    def save_related(self, request, form, formsets, change):
        formsets = list(formsets or [])
        result = self.save_action(
            actor=request.user, instance=form.instance, form=form, formsets=formsets, change=change
        )
        for formset in formsets:  # rows the action saved itself (from the data): the admin's history says nothing
            if not hasattr(formset, "new_objects"):
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        self.action_done(request, form.instance, result)

    def save_formset(self, request, form, formset, change):
        raise NotImplementedError("inline rows are saved by the admin's save_action")

    def action_done(self, request, obj, result) -> None:
        """After the action: e.g. show a one-time secret it returned. Nothing by default."""

    def has_delete_permission(self, request, obj=None):
        return self.delete_action is not None and super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        self.delete_action(actor=request.user, instance=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ActionModelAdmin(ActionAdminMixin, admin.ModelAdmin):
    pass


class AuditedModelAdmin(ActionModelAdmin):
    """A configuration record without side effects: saved and deleted by the generic audited actions."""

    save_action = record_save
    delete_action = record_delete


# Who sets a password in the back office: the change-password view's form saves through the action.
_password_actor: ContextVar = ContextVar("admin_password_actor", default=None)


class AdminPasswordSetForm(AdminPasswordChangeForm):
    def save(self, commit=True):
        usable = self.cleaned_data.get("set_usable_password", True)
        password = self.cleaned_data.get("password1") if usable else None
        return user_password_set(actor=_password_actor.get(), user=self.user, password=password)


@admin.register(User)
class PortalUserAdmin(ActionAdminMixin, UserAdmin):
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
    save_action = record_save
    delete_action = record_delete
    change_password_form = AdminPasswordSetForm

    def user_change_password(self, request, id, form_url=""):
        token = _password_actor.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _password_actor.reset(token)

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
    list_display = ["code", "name", "name_en", "kind", "board", "region", "phone", "is_active"]
    list_filter = ["kind", "board", "region__level", "is_active"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["region"]


class CertificationInline(LabelledTabularInline):
    model = EnterpriseCertification
    extra = 0


class LicenseInline(LabelledTabularInline):
    model = EnterpriseLicense
    extra = 0


class MembershipInline(LabelledTabularInline):
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
    # facts through enterprise_update_facts: audited, and the 免申即享 re-check runs
    save_action = enterprise_admin_save
    delete_action = None

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
    save_action = calendar_year_confirm


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


# --- Registered by the frameworks, read-only here -------------------------------------------------------
# Groups and permissions are not how this platform grants powers (roles are, set on the server for the three
# administrators): the Group admin goes. django-q2's schedules are written by ``setup_schedules`` and its task
# rows by the workers; the back office shows them (a failed task's error, when a schedule next runs) and
# changes none of them — a schedule edited by hand would be overwritten, unaudited, at the next deployment.

admin.site.unregister(Group)


class _ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for _model in (Schedule, Success, Failure, OrmQ):
    if admin.site.is_registered(_model):
        _base = type(admin.site._registry[_model])
        admin.site.unregister(_model)
        admin.site.register(_model, type(f"ReadOnly{_base.__name__}", (_ReadOnlyMixin, _base), {"actions": None}))
