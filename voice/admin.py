"""Back office: read-only views of the voice app. Every change goes through the pages and their actions
(audited); ballots and voters' markers are not shown at all."""

from django.contrib import admin

from .models import Inquiry, MeetingSeries, MeetingSession, OfficerApplication, ServiceReview


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "organiser"]


@admin.register(MeetingSession)
class MeetingSessionAdmin(ReadOnlyAdmin):
    list_display = ["series", "number", "held_at", "topic", "host"]
    list_select_related = ["series"]


@admin.register(Inquiry)
class InquiryAdmin(ReadOnlyAdmin):
    list_display = ["title", "held_on", "status"]


@admin.register(OfficerApplication)
class OfficerApplicationAdmin(ReadOnlyAdmin):
    list_display = ["user", "background", "status", "term_start", "term_end"]
    list_select_related = ["user"]


@admin.register(ServiceReview)
class ServiceReviewAdmin(ReadOnlyAdmin):
    list_display = ["service_item", "reviewed_at", "efficiency", "clarity", "convenience", "attitude"]
    list_select_related = ["service_item"]
