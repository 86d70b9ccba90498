"""Filters shared by every app's FilterSets."""

import django_filters as filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

MAX_ID = 2**63 - 1  # a bigint primary key


class IdField(forms.IntegerField):
    """A positive id that fits a bigint: 1.5, -1 or 10**30 are a 400 naming the field, not a 500 from
    the database (SQLite cannot even bind an integer beyond 64 bits)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class IdFilter(filters.NumberFilter):
    """Filter by the id of a related row (``?policy=12``)."""

    field_class = IdField


class ListedChoiceIterator(ModelChoiceIterator):
    """A filter's choice list read in one statement. Django reads it through ``QuerySet.iterator()``, on
    PostgreSQL a server-side cursor (DECLARE … WITH HOLD, FETCH, CLOSE: three round trips and the rows
    copied server-side) for a list of a few dozen rows: the staff list's three lists cost it about 14 ms a
    request at 10k problems (docs/performance.md, "Pages near the limit, third pass"). Same choices, in order."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedModelChoiceField(ModelChoiceField):
    iterator = ListedChoiceIterator


class ListedModelChoiceFilter(filters.ModelChoiceFilter):
    """``ModelChoiceFilter`` whose choices are read as a list (:class:`ListedChoiceIterator`)."""

    field_class = ListedModelChoiceField


class InboxFilterSet(filters.FilterSet):
    """The inbox's filters: unread or all, and which part of the portal a message comes from (the first
    part of its dotted ``kind``, named by that app)."""

    show = filters.ChoiceFilter(
        label=_("显示"),
        choices=[("unread", _("仅未读"))],
        empty_label=_("全部消息"),
        method="filter_show",
    )
    source = filters.ChoiceFilter(label=_("来源"), choices=[], empty_label=_("全部来源"), method="filter_source")

    def __init__(self, *args, sources: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["source"].extra["choices"] = [(label, _source_name(label)) for label in sources]

    def filter_show(self, queryset, name, value):
        return queryset.filter(read_at__isnull=True) if value == "unread" else queryset

    def filter_source(self, queryset, name, value):
        return queryset.filter(kind__startswith=f"{value}.")


def _source_name(label: str) -> str:
    from django.apps import apps

    try:
        return str(apps.get_app_config(label).verbose_name)
    except LookupError:
        return label
