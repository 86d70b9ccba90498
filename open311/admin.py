"""Back office: administrators issue, change and revoke the calling systems' Open311 keys. Every save
calls an action (audited); the key is shown once, right after it is issued."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from issues.models import Channel
from portal.admin import ActionModelAdmin
from portal.permissions import can_manage_tokens

from . import actions
from .models import ApiKey


class ApiKeyAddForm(forms.ModelForm):
    channel = forms.ModelChoiceField(queryset=Channel.objects.active(), label=_("受理渠道"))

    class Meta:
        model = ApiKey
        fields = ["name", "channel", "read_all_channels"]


@admin.register(ApiKey)
class ApiKeyAdmin(ActionModelAdmin):
    list_display = ["name", "channel", "prefix", "read_all_channels", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["channel", "read_all_channels"]
    search_fields = ["name", "prefix"]
    list_select_related = ["channel"]
    readonly_fields = ["prefix", "account", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by"]
    save_action = actions.api_key_admin_save
    actions = ["revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "channel", "read_all_channels"]
        return ["name", "channel", "read_all_channels", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        # the channel of an issued key never changes: the problems it created belong to that channel
        return [*self.readonly_fields, "channel"] if obj is not None else []

    def has_module_permission(self, request):
        return can_manage_tokens(request.user)

    def has_view_permission(self, request, obj=None):
        return can_manage_tokens(request.user)

    def has_add_permission(self, request):
        return can_manage_tokens(request.user)

    def has_change_permission(self, request, obj=None):
        return can_manage_tokens(request.user) and (obj is None or obj.revoked_at is None)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return can_manage_tokens(request.user)

    def action_done(self, request, obj, key):
        if key:
            messages.warning(
                request,
                _("新密钥（只显示这一次，请立即复制并安全地交给对接系统）：%(key)s") % {"key": key},
            )

    @admin.action(description=_("吊销所选密钥"), permissions=["revoke"])
    def revoke(self, request, queryset):
        count = sum(actions.api_key_revoke(actor=request.user, api_key=key) for key in queryset)
        messages.success(request, _("已吊销 %(count)d 个密钥。") % {"count": count})
