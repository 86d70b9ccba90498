"""Back office of the market app: every save goes through the entity's action (audited); intermediaries and
purchases are read-only, their statuses change only through the actions (verification here, the rest in the
pages and API)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from market import actions
from market.choices import IntermediaryStatus
from market.models import Facility, Intermediary, Purchase, Qualification
from portal.admin import ActionModelAdmin, ReadOnlyAdmin
from portal.admin_a11y import LabelledTabularInline
from portal.exceptions import PermissionDeniedError, TransitionNotAllowed


@admin.register(Facility)
class FacilityAdmin(ActionModelAdmin):
    """Facilities are created and edited here (audited); withdrawn with 停用, never deleted (bookings)."""

    save_action = actions.facility_admin_save
    list_display = ["name", "kind", "owner_department", "owner_enterprise", "capacity", "unit", "is_active"]
    list_filter = ["kind", "unit", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["owner_department", "owner_enterprise", "region", "eligible_region"]


class QualificationInline(LabelledTabularInline):
    model = Qualification
    extra = 0
    can_delete = False
    readonly_fields = ["service_type", "name", "number", "expires_on"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Intermediary)
class IntermediaryAdmin(ReadOnlyAdmin):
    """Read-only, except that registrations are verified here (action "核验通过", through
    ``intermediary_verify``); the register itself is the intermediary's act."""

    list_display = ["name", "uscc", "status", "credit_score", "rating", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "uscc"]
    inlines = [QualificationInline]
    actions = ["verify_selected"]
    readonly_fields = [
        "uscc",
        "name",
        "region",
        "service_types",
        "service_regions",
        "fee_standard",
        "contact_phone",
        "status",
        "decided_by",
        "decided_at",
        "reason",
        "credit_score",
        "rating",
        "rating_count",
        "created_at",
    ]
    exclude = ["members"]

    @admin.action(description=_("核验通过所选中介机构"))
    def verify_selected(self, request, queryset):
        done = 0
        for intermediary in queryset.filter(status=IntermediaryStatus.PENDING):
            try:
                actions.intermediary_verify(actor=request.user, intermediary=intermediary, approve=True)
                done += 1
            except (PermissionDeniedError, TransitionNotAllowed) as exc:
                self.message_user(request, str(exc.message), messages.ERROR)
                return
        self.message_user(request, _("已核验 %(n)d 家。") % {"n": done}, messages.SUCCESS)


@admin.register(Purchase)
class PurchaseAdmin(ReadOnlyAdmin):
    """Read-only: purchases move only through the enterprise's and the intermediaries' actions."""

    list_display = ["reference", "title", "service_type", "budget", "selection_method", "status", "contract_price"]
    list_filter = ["status", "service_type", "selection_method"]
    search_fields = ["reference", "title"]
