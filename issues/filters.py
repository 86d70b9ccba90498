"""One FilterSet serves the HTML lists and the API list (DESIGN.md rule 2)."""

import django_filters as filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from portal.models import Department

from .choices import IssueStatus, Level
from .models import Category, Channel, Issue

SORTS = [
    ("deadline", _("按期限（最紧迫在前）")),
    ("-registered", _("按登记时间（最新在前）")),
    ("registered", _("按登记时间（最早在前）")),
]


class IssueFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("关键词"))
    status = filters.MultipleChoiceFilter(choices=IssueStatus.choices, label=_("状态"))
    category = filters.ModelChoiceFilter(
        queryset=Category.objects.all(), to_field_name="code", label=_("问题分类"), empty_label=_("全部分类")
    )
    channel = filters.ModelChoiceFilter(
        queryset=Channel.objects.all(), to_field_name="code", label=_("受理渠道"), empty_label=_("全部渠道")
    )
    level = filters.ChoiceFilter(choices=Level.choices, label=_("办理层级"), empty_label=_("全部层级"))
    department = filters.ModelChoiceFilter(
        queryset=Department.objects.active(),
        field_name="lead_department",
        method="filter_department",
        label=_("承办部门"),
        empty_label=_("全部部门"),
    )
    overdue = filters.BooleanFilter(
        field_name="overdue",
        label=_("超期"),
        widget=forms.Select(choices=[("", _("全部")), ("true", _("仅超期")), ("false", _("未超期"))]),
    )
    date_from = filters.DateFilter(field_name="registered_at", lookup_expr="date__gte", label=_("登记日期起"))
    date_to = filters.DateFilter(field_name="registered_at", lookup_expr="date__lte", label=_("登记日期止"))
    sort = filters.ChoiceFilter(choices=SORTS, method="filter_sort", label=_("排序"), empty_label=_("默认排序"))

    class Meta:
        model = Issue
        fields = ["q", "status", "category", "channel", "level", "department", "overdue", "date_from", "date_to"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__iexact=value) | Q(title__icontains=value) | Q(enterprise__name__icontains=value)
        )

    def filter_department(self, queryset, name, value):
        co = Issue.co_departments.through.objects.filter(issue=OuterRef("pk"), department=value)
        return queryset.filter(Q(lead_department=value) | Exists(co))

    def filter_sort(self, queryset, name, value):
        if value == "deadline":
            return queryset.by_deadline()
        if value == "registered":
            return queryset.order_by("registered_at", "id")
        return queryset.order_by("-registered_at", "-id")
