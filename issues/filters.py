"""One FilterSet serves the HTML lists and the API list (DESIGN.md rule 2)."""

import datetime as dt

import django_filters as filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.filters import ListedModelChoiceFilter
from portal.models import Department, Enterprise

from .choices import IssueStatus, Level
from .models import Category, Channel, Issue, overdue_condition

SORTS = [
    ("deadline", _("按期限（最紧迫在前）")),
    ("-registered", _("按登记时间（最新在前）")),
    ("registered", _("按登记时间（最早在前）")),
]


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class IssueFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("关键词"))
    # distinct=False: status is a column of the row, no join can repeat it (django-filter's default
    # SELECT DISTINCT over every column made the list and its count sort the whole filtered set).
    status = filters.MultipleChoiceFilter(choices=IssueStatus.choices, label=_("状态"), distinct=False)
    category = ListedModelChoiceFilter(
        queryset=Category.objects.all(), to_field_name="code", label=_("问题分类"), empty_label=_("全部分类")
    )
    channel = ListedModelChoiceFilter(
        queryset=Channel.objects.all(), to_field_name="code", label=_("受理渠道"), empty_label=_("全部渠道")
    )
    level = filters.ChoiceFilter(choices=Level.choices, label=_("办理层级"), empty_label=_("全部层级"))
    department = ListedModelChoiceFilter(
        queryset=Department.objects.active(),
        field_name="lead_department",
        method="filter_department",
        label=_("承办部门"),
        empty_label=_("全部部门"),
    )
    overdue = filters.BooleanFilter(
        method="filter_overdue",
        label=_("超期"),
        widget=forms.Select(choices=[("", _("全部")), ("true", _("仅超期")), ("false", _("未超期"))]),
    )
    date_from = filters.DateFilter(field_name="registered_at", method="filter_date_from", label=_("登记日期起"))
    date_to = filters.DateFilter(field_name="registered_at", method="filter_date_to", label=_("登记日期止"))
    sort = filters.ChoiceFilter(choices=SORTS, method="filter_sort", label=_("排序"), empty_label=_("默认排序"))

    class Meta:
        model = Issue
        fields = ["q", "status", "category", "channel", "level", "department", "overdue", "date_from", "date_to"]

    def filter_q(self, queryset, name, value):
        """The reference (any case), or a part of the title or of the enterprise's name (any case).

        Written for speed, with the same rows as ``reference__iexact | title__icontains |
        enterprise__name__icontains``: references are upper-case, so the exact upper-cased value finds
        them in the unique index; a value without letters that have a case (Chinese, digits) needs no
        UPPER() of every title; and enterprises are searched once in their own table instead of joined
        to every problem. The title is still scanned: a substring search has no index here."""
        value = value.strip()
        if not value:
            return queryset
        lookup = "contains" if value.upper() == value.lower() else "icontains"
        enterprises = Enterprise.objects.filter(**{f"name__{lookup}": value}).values("pk")
        return queryset.filter(
            Q(reference=value.upper() if value.isascii() else value)
            | Q(**{f"title__{lookup}": value})
            | Q(enterprise_id__in=enterprises)
        )

    # Registration dates are local (Asia/Shanghai) days: the same rows as ``registered_at__date``, but as
    # a range of instants, which the index on registered_at serves (a date cast of each row is not).
    def filter_date_from(self, queryset, name, value):
        if value == dt.date.min:  # every row; and its midnight in UTC would fall before year 1
            return queryset
        return queryset.filter(registered_at__gte=_start_of_day(value))

    def filter_date_to(self, queryset, name, value):
        if value == dt.date.max:  # every row; and the day after does not exist
            return queryset
        return queryset.filter(registered_at__lt=_start_of_day(value + dt.timedelta(days=1)))

    def filter_department(self, queryset, name, value):
        co = Issue.co_departments.through.objects.filter(issue=OuterRef("pk"), department=value)
        return queryset.filter(Q(lead_department=value) | Exists(co))

    def filter_overdue(self, queryset, name, value):
        """Overdue now, from the current step's deadline (``overdue_condition``): a due-date comparison
        the deadline index serves, true even when the sweep has not run."""
        if value is None:
            return queryset
        condition = overdue_condition()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_sort(self, queryset, name, value):
        if value == "deadline":
            return queryset.by_deadline()
        if value == "registered":
            return queryset.order_by("registered_at", "id")
        return queryset.order_by("-registered_at", "-id")


class QueueFilterSet(IssueFilterSet):
    """The filters of a work queue (兜底, 部门待办, 回访, the 督办 lists): the list's own statuses decide
    which problems are in it, so status and registration dates are not offered. Without a sort the
    queue keeps its own order, deadline first."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("status", "date_from", "date_to"):
            self.filters.pop(name)


DECISION_SORTS = [("oldest", _("按申请时间（最早在前）")), ("newest", _("按申请时间（最新在前）"))]


class DecisionFilterSet(filters.FilterSet):
    """Extension requests and appeals on the 督办 page: by department, oldest first by default."""

    department = ListedModelChoiceFilter(
        queryset=Department.objects.active(), label=_("申请部门"), empty_label=_("全部部门")
    )
    sort = filters.ChoiceFilter(
        choices=DECISION_SORTS, method="filter_sort", label=_("排序"), empty_label=_("默认排序")
    )

    def filter_sort(self, queryset, name, value):
        return queryset.order_by("-requested_at", "-id") if value == "newest" else queryset
