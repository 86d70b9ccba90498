"""A filter's choice list read as a list (portal.filters.ListedModelChoiceFilter): the same choices, in
the same order, as django-filter's ModelChoiceFilter, with its empty and null choices, in one statement
that is not a server-side cursor."""

import django_filters as filters
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from issues.filters import IssueFilterSet
from portal.filters import ListedModelChoiceFilter
from portal.models import Department


def _choices(field):
    return [(str(value), str(label)) for value, label in field.choices]


@pytest.mark.django_db
@pytest.mark.parametrize("null_label", [None, "无部门"])
def test_the_same_choices_as_django_filters_own(null_label, department, other_department):
    # given two departments and the two filters over them
    kwargs = {"queryset": Department.objects.active(), "empty_label": "全部部门", "null_label": null_label}

    class Stock(filters.FilterSet):
        department = filters.ModelChoiceFilter(**kwargs)

    class Listed(filters.FilterSet):
        department = ListedModelChoiceFilter(**kwargs)

    stock, listed = (
        Stock(queryset=Department.objects.none()).form.fields["department"],
        Listed(queryset=Department.objects.none()).form.fields["department"],
    )
    # then the choices agree, value for value and label for label
    assert _choices(listed) == _choices(stock)
    # and a bound value is validated as before
    first = Department.objects.active().first()
    assert Listed(data={"department": first.pk}, queryset=Department.objects.none()).form.is_valid()
    assert not Listed(data={"department": 10**9}, queryset=Department.objects.none()).form.is_valid()


@pytest.mark.django_db
def test_the_problem_filters_read_each_list_in_one_plain_statement(department):
    form = IssueFilterSet().form
    with CaptureQueriesContext(connection) as queries:
        for name in ("category", "channel", "department"):
            assert _choices(form.fields[name])
    assert len(queries) == 3
    assert not any("DECLARE" in query["sql"] for query in queries.captured_queries)
