"""One FilterSet for the policy library page and the API list (DESIGN.md rule 2)."""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.choices import Board
from portal.filters import IdFilter
from portal.models import Region

from .choices import EntitlementStatus, PolicyMode, PolicyStatus
from .models import Entitlement, Policy


class PolicyFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("关键词"))
    mode = filters.ChoiceFilter(choices=PolicyMode.choices, label=_("兑现方式"))
    board = filters.ChoiceFilter(choices=Board.choices, label=_("板块"))
    region = filters.CharFilter(method="filter_region", label=_("适用地区（区划代码）"))
    department = filters.CharFilter(field_name="department__code", label=_("发布部门（简码）"))
    status = filters.ChoiceFilter(choices=PolicyStatus.choices, label=_("状态"))

    class Meta:
        model = Policy
        fields = ["q", "mode", "board", "region", "department", "status"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(doc_number__icontains=value)
            | Q(summary__icontains=value)
            | Q(benefit__icontains=value)
        )

    def filter_region(self, queryset, name, value):
        """Policies that apply in that region: its own and those of every region above it."""
        region = Region.objects.select_related("parent__parent__parent").filter(code=value.strip()).first()
        if region is None:
            return queryset.none()
        return queryset.filter(region__code__in=region.ancestor_codes())


class EntitlementFilterSet(filters.FilterSet):
    status = filters.ChoiceFilter(choices=EntitlementStatus.choices, label=_("状态"))
    policy = IdFilter(field_name="policy_id", label=_("政策"))

    class Meta:
        model = Entitlement
        fields = ["status", "policy"]
