"""Back office of the market app: every save goes through the entity's action (audited)."""

from django.contrib import admin

from market import actions
from market.models import Facility


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "owner_department", "owner_enterprise", "capacity", "unit", "is_active"]
    list_filter = ["kind", "unit", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = []
    raw_id_fields = ["owner_department", "owner_enterprise", "region", "eligible_region"]

    def save_model(self, request, obj, form, change):
        actions.facility_save(actor=request.user, facility=obj)
