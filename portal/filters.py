"""Filters shared by every app's FilterSets."""

import django_filters as filters
from django import forms

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
