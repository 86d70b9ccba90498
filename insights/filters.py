"""One FilterSet per list, shared by the HTML page and the API (DESIGN.md rule 2)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from portal.models import Department

from .choices import CommonIssueStatus
from .models import CommonIssue


class CommonIssueFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("关键词"), method="filter_q")
    status = filters.ChoiceFilter(label=_("状态"), choices=CommonIssueStatus.choices)
    lead_department = filters.ModelChoiceFilter(label=_("牵头部门"), queryset=Department.objects.active())
    is_exemplary = filters.BooleanFilter(label=_("典型案例"))

    class Meta:
        model = CommonIssue
        fields = ["q", "status", "lead_department", "is_exemplary"]

    def filter_q(self, queryset, name, value):
        value = value.strip()[:50]
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__iexact=value)
            | Q(title__icontains=value)
            | Q(summary__icontains=value)
            | Q(solution__icontains=value)
            | Q(mechanism__icontains=value)
        )
