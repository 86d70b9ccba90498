"""FilterSets shared by the HTML lists and the API lists (DESIGN.md rule 2)."""

import datetime as dt

import django_filters as filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.choices import Board
from portal.filters import IdFilter, ListedModelChoiceFilter
from portal.workdays import add_working_days

from .choices import ApplicationStatus, BundleKind, Channel, LifecycleStage, TaskStatus
from .models import Application, ApplicationItem, Bundle


class BundleFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("搜索"), method="filter_q")
    kind = filters.ChoiceFilter(label=_("类型"), choices=BundleKind.choices, empty_label=_("全部类型"))
    stage = filters.ChoiceFilter(label=_("生命周期阶段"), choices=LifecycleStage.choices, empty_label=_("全部阶段"))
    board = filters.ChoiceFilter(
        label=_("板块"), choices=Board.choices, method="filter_board", empty_label=_("全部板块")
    )

    class Meta:
        model = Bundle
        fields = ["q", "kind", "stage", "board"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        matching = Bundle.objects.filter(
            Q(name__icontains=value)
            | Q(summary__icontains=value)
            | Q(description__icontains=value)
            | Q(chain__icontains=value)
            | Q(items__service__name__icontains=value)
        ).values("pk")
        return queryset.filter(pk__in=matching)

    def filter_board(self, queryset, name, value):
        matching = Bundle.objects.filter(Q(board=value) | Q(items__service__board=value)).values("pk")
        return queryset.filter(pk__in=matching)


class ApplicationFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("申请编号或企业"), method="filter_q")
    status = filters.ChoiceFilter(label=_("状态"), choices=ApplicationStatus.choices, empty_label=_("全部状态"))
    channel = filters.ChoiceFilter(label=_("渠道"), choices=Channel.choices, empty_label=_("全部渠道"))
    bundle = filters.CharFilter(label=_("一类事编码"), field_name="bundle__code")
    enterprise = IdFilter(label=_("企业"), field_name="enterprise_id")

    class Meta:
        model = Application
        fields = ["q", "status", "channel", "bundle", "enterprise"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__iexact=value) | Q(enterprise__name__icontains=value) | Q(enterprise__uscc__iexact=value)
        )


TASK_SORTS = [
    ("due", _("按应办结日期（最紧迫在前）")),
    ("-due", _("按应办结日期（最晚在前）")),
    ("-submitted", _("按提交时间（最新在前）")),
]
TASK_SORT_ORDER = {
    "due": ("due_date", "id"),
    "-due": ("-due_date", "-id"),
    "-submitted": ("-application__submitted_at", "-id"),
}


class TaskFilterSet(filters.FilterSet):
    DUE_CHOICES = (("due_soon", _("即将到期（1个工作日内）")), ("overdue", _("已超期")))

    status = filters.ChoiceFilter(label=_("状态"), choices=TaskStatus.choices, empty_label=_("全部状态"))
    bundle = ListedModelChoiceFilter(
        label=_("一类事"),
        field_name="application__bundle",
        queryset=Bundle.objects.order_by("order", "code"),
        empty_label=_("全部一类事"),
    )
    due = filters.ChoiceFilter(label=_("期限"), choices=DUE_CHOICES, method="filter_due", empty_label=_("全部"))
    q = filters.CharFilter(label=_("申请编号或企业"), method="filter_q")
    sort = filters.ChoiceFilter(label=_("排序"), choices=TASK_SORTS, method="filter_sort", empty_label=_("默认排序"))

    class Meta:
        model = ApplicationItem
        fields = ["status", "bundle", "due", "q", "sort"]

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*TASK_SORT_ORDER[value])

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.overdue(today)
        if value == "due_soon":
            return queryset.clock_running().filter(due_date__gte=today, due_date__lte=add_working_days(today, 1))
        return queryset

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(application__reference__iexact=value) | Q(application__enterprise__name__icontains=value)
        )


__all__ = ["ApplicationFilterSet", "BundleFilterSet", "TaskFilterSet", "dt"]
