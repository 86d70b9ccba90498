"""Catalogue back office: service items with materials, bundles with their items, publish /
unpublish (through the actions), preview, Excel import and export. Applications and tasks are
read-only here: their status changes only through the workbench and the API."""

import datetime as dt
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.admin import ActionModelAdmin, AuditedModelAdmin, ReadOnlyAdmin
from portal.admin_a11y import LabelledTabularInline
from portal.audit import audit_record
from portal.exceptions import PermissionDeniedError, TransitionNotAllowed

from . import actions, selectors
from .catalogue_cache import catalogue_version
from .excel import read_workbook, write_workbook
from .forms import ImportForm
from .models import (
    Application,
    ApplicationItem,
    Bundle,
    BundleItem,
    BundleVersion,
    Reminder,
    ServiceItem,
    ServiceMaterial,
)

IMPORT_DIR = "catalogue-imports"  # under MEDIA_ROOT: uploaded workbooks waiting for confirmation
IMPORT_SESSION_KEY = "services.catalogue_import"  # token -> the catalogue version its preview was computed on
IMPORT_KEEP = dt.timedelta(days=1)  # an abandoned preview's file is removed at the next upload after this


def _import_path(token: str) -> Path:
    return Path(settings.MEDIA_ROOT) / IMPORT_DIR / f"{token}.xlsx"


def _import_sweep() -> None:
    folder = Path(settings.MEDIA_ROOT) / IMPORT_DIR
    cutoff = (timezone.now() - IMPORT_KEEP).timestamp()
    for old in folder.glob("*.xlsx") if folder.is_dir() else ():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


class CatalogueExcelMixin:
    """Adds 导入 Excel / 导出 Excel pages to a changelist. An import is upload → preview → confirm: the upload
    is checked and dry-run (``catalogue_load(dry_run=True)``, the same code rolled back), the file waits
    under MEDIA_ROOT with a random name while the administrator reads what would change, and only the
    confirmation loads it — refused if the catalogue changed since the preview. Cancel discards it."""

    change_list_template = "services/admin/catalogue_change_list.html"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="{}_{}_import".format(*info)),
            path(
                "import/confirm/",
                self.admin_site.admin_view(self.import_confirm_view),
                name="{}_{}_import_confirm".format(*info),
            ),
            path("export/", self.admin_site.admin_view(self.export_view), name="{}_{}_export".format(*info)),
            *super().get_urls(),
        ]

    def _may_import(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def _changelist(self):
        return redirect(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist")

    def _import_page(self, request, *, form=None, errors=(), preview=None, token="", stale=False):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form if form is not None else ImportForm(),
            "errors": list(errors),
            "preview": preview,
            "token": token,
            "stale": stale,
            "title": _("导入预览：确认后才会写入") if preview else _("从 Excel 导入事项和一类事"),
        }
        template = "services/admin/catalogue_import_preview.html" if preview else "services/admin/catalogue_import.html"
        return TemplateResponse(request, template, context, status=400 if errors or stale else 200)

    def _preview(self, request, data: bytes, *, token: str, stale=False):
        """Dry-run ``data`` and show what it would change (or its errors, with nothing kept)."""
        try:
            preview = actions.catalogue_load(actor=request.user, **read_workbook(data), dry_run=True)
        except ValidationError as exc:
            self._import_discard(request, token)
            return self._import_page(request, errors=exc.messages)
        # tokens whose file is gone (swept, or left by a form sent twice) are dropped with the new one kept
        pending = {t: v for t, v in request.session.get(IMPORT_SESSION_KEY, {}).items() if _import_path(t).is_file()}
        pending[token] = preview["version"]
        request.session[IMPORT_SESSION_KEY] = pending
        return self._import_page(request, preview=preview, token=token, stale=stale)

    def _import_discard(self, request, token: str) -> None:
        pending = request.session.get(IMPORT_SESSION_KEY, {})
        if pending.pop(token, None) is not None:
            request.session[IMPORT_SESSION_KEY] = pending
        _import_path(token).unlink(missing_ok=True)

    def import_view(self, request):
        if not self._may_import(request):
            return redirect("admin:index")
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method != "POST" or not form.is_valid():
            return self._import_page(request, form=form)
        data = form.cleaned_data["file"].read()
        try:
            read_workbook(data)
        except ValidationError as exc:
            return self._import_page(request, form=form, errors=exc.messages)
        _import_sweep()
        token = secrets.token_hex(16)
        target = _import_path(token)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return self._preview(request, data, token=token)

    def import_confirm_view(self, request):
        """POST only: ``confirm`` loads the previewed file, ``cancel`` discards it."""
        if not self._may_import(request):
            return redirect("admin:index")
        if request.method != "POST":
            return redirect(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_import")
        token = request.POST.get("token", "")
        pending = request.session.get(IMPORT_SESSION_KEY, {})
        path_ = _import_path(token) if token in pending else None
        if path_ is None or not path_.is_file():
            if token in pending:
                self._import_discard(request, token)
            messages.error(request, gettext("这次导入的预览已失效（已确认、已取消或已过期），请重新上传文件。"))
            return redirect(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_import")
        if "cancel" in request.POST:
            self._import_discard(request, token)
            messages.info(request, gettext("已取消导入，目录没有任何改动。"))
            return self._changelist()
        data = path_.read_bytes()
        try:
            counts = actions.catalogue_load(actor=request.user, **read_workbook(data), expected_version=pending[token])
        except ValidationError as exc:
            if catalogue_version() != pending[token]:  # changed since the preview: show the new one
                messages.error(request, " ".join(exc.messages))
                return self._preview(request, data, token=token, stale=True)
            self._import_discard(request, token)
            return self._import_page(request, errors=exc.messages)
        self._import_discard(request, token)
        messages.success(
            request,
            gettext("导入完成：事项 %(items)d 项，一类事 %(bundles)d 个，一类事事项 %(bundle_items)d 条。") % counts,
        )
        return self._changelist()

    def export_view(self, request):
        if not self.has_view_permission(request):
            return redirect("admin:index")
        data = write_workbook(**selectors.catalogue_export_querysets())
        audit_record(actor=request.user, action="services.catalogue.exported")
        response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="catalogue-{stamp}.xlsx"'
        return response


class ServiceMaterialInline(LabelledTabularInline):
    model = ServiceMaterial
    extra = 0
    fields = ["order", "name", "form", "count", "required", "source"]


@admin.register(ServiceItem)
class ServiceItemAdmin(CatalogueExcelMixin, AuditedModelAdmin):
    list_display = ["code", "name", "kind", "item_type", "department", "promised_days", "automation", "active"]
    list_filter = ["kind", "item_type", "provider_side", "board", "automation", "active", "department"]
    search_fields = ["code", "name"]
    list_select_related = ["department"]
    inlines = [ServiceMaterialInline]
    fieldsets = (
        (None, {"fields": ("code", "name", "item_type", "kind", "department", "provider_side", "board", "automation")}),
        (_("办事指南"), {"fields": ("target", "conditions", "guide", "description")}),
        (
            _("时限与收费"),
            {"fields": ("legal_days", "promised_days", "fee", "fee_note", "online", "visits")},
        ),
        (_("联系方式"), {"fields": ("contact_phone", "complaint_phone")}),
        (_("版本"), {"fields": ("version", "effective_from", "effective_to", "active")}),
    )


class BundleItemInline(LabelledTabularInline):
    model = BundleItem
    extra = 0
    fields = [
        "order",
        "service",
        "kind",
        "default_selected",
        "recommend_industries",
        "recommend_sizes",
        "recommend_max_age_years",
    ]
    show_change_link = True


@admin.register(Bundle)
class BundleAdmin(CatalogueExcelMixin, ActionModelAdmin):
    list_display = ["name", "code", "kind", "stage", "chain", "published", "version", "preview"]
    list_filter = ["kind", "stage", "published", "board"]
    search_fields = ["code", "name", "chain"]
    readonly_fields = ["published", "published_at", "version"]
    inlines = [BundleItemInline]
    save_action = actions.bundle_admin_save  # publication only through the publish / unpublish actions
    actions = ["publish", "unpublish"]
    fields = [
        "code", "name", "kind", "stage", "chain", "board", "region", "summary", "description", "order",
        "published", "published_at", "version",
    ]  # fmt: skip

    @admin.display(description=_("预览"))
    def preview(self, obj):
        return format_html('<a href="{}" target="_blank">{}</a>', obj.get_absolute_url(), gettext("按企业视角预览"))

    @admin.action(description=_("发布所选一类事（生成新版本）"))
    def publish(self, request, queryset):
        done = 0
        for bundle in queryset:
            try:
                actions.bundle_publish(actor=request.user, bundle=bundle)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{bundle.name}：{' '.join(exc.messages)}", messages.ERROR)
            except PermissionDeniedError as exc:
                self.message_user(request, f"{bundle.name}：{exc.message}", messages.ERROR)
        self.message_user(request, gettext("已发布 %(n)d 个一类事。") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("下架所选一类事"))
    def unpublish(self, request, queryset):
        done = 0
        for bundle in queryset:
            try:
                actions.bundle_unpublish(actor=request.user, bundle=bundle)
                done += 1
            except (TransitionNotAllowed, PermissionDeniedError) as exc:
                self.message_user(request, f"{bundle.name}：{exc.message}", messages.ERROR)
        self.message_user(request, gettext("已下架 %(n)d 个一类事。") % {"n": done}, messages.SUCCESS)


@admin.register(BundleItem)
class BundleItemAdmin(AuditedModelAdmin):
    """Where ``requires`` and ``excludes`` are edited (limited to items of the same bundle)."""

    list_display = ["bundle", "service", "kind", "default_selected", "order"]
    list_filter = ["bundle", "kind"]
    list_select_related = ["bundle", "service"]
    search_fields = ["service__name", "service__code", "bundle__name"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in {"requires", "excludes"}:
            object_id = request.resolver_match.kwargs.get("object_id")
            current = BundleItem.objects.filter(pk=object_id).first() if object_id else None
            qs = BundleItem.objects.select_related("service")
            kwargs["queryset"] = qs.filter(bundle_id=current.bundle_id).exclude(pk=current.pk) if current else qs.none()
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(BundleVersion)
class BundleVersionAdmin(ReadOnlyAdmin):
    list_display = ["bundle", "number", "created_at", "created_by"]
    list_filter = ["bundle"]
    readonly_fields = ["bundle", "number", "digest", "snapshot", "created_at", "created_by"]


class ApplicationItemInline(LabelledTabularInline):
    model = ApplicationItem
    extra = 0
    can_delete = False
    fields = ["name", "department", "status", "handler", "due_date", "result", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["reference", "bundle", "enterprise", "channel", "status", "submitted_at"]
    list_filter = ["status", "channel", "bundle"]
    search_fields = ["reference", "enterprise__name", "enterprise__uscc"]
    list_select_related = ["bundle", "enterprise"]
    inlines = [ApplicationItemInline]
    readonly_fields = [f.name for f in Application._meta.fields]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "kind", "subject", "due_on", "created_at"]
    list_filter = ["kind"]
