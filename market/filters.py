"""One FilterSet per list, shared by the pages and the API (DESIGN.md rule 2)."""

import django_filters as filters
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from market.choices import BookingStatus, PurchaseStatus, ServiceType
from market.models import FacilityBooking, Intermediary, Purchase


def with_service_type(queryset, service_type: str):
    """Intermediaries offering ``service_type``. JSON ``contains`` is not available on SQLite, so the list
    is matched as text: the values are fixed slugs, and ``"eia"`` with its quotes matches only itself."""
    if service_type not in ServiceType.values:
        return queryset
    return queryset.annotate(_types=Cast("service_types", CharField())).filter(_types__contains=f'"{service_type}"')


class IntermediaryFilterSet(filters.FilterSet):
    service_type = filters.ChoiceFilter(choices=ServiceType.choices, method="filter_service_type", label=_("服务类型"))

    class Meta:
        model = Intermediary
        fields = ["service_type"]

    def filter_service_type(self, queryset, name, value):
        return with_service_type(queryset, value)


class PurchaseFilterSet(filters.FilterSet):
    status = filters.ChoiceFilter(choices=PurchaseStatus.choices, label=_("状态"))
    service_type = filters.ChoiceFilter(choices=ServiceType.choices, label=_("服务类型"))

    class Meta:
        model = Purchase
        fields = ["status", "service_type"]


class FacilityBookingFilterSet(filters.FilterSet):
    status = filters.ChoiceFilter(choices=BookingStatus.choices, label=_("状态"))

    class Meta:
        model = FacilityBooking
        fields = ["status", "facility"]
