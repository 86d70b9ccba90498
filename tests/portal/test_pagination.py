"""portal.pagination.Paginator: Django's pages, without the count when the first page holds every row."""

import pytest
from django.core.paginator import Paginator as DjangoPaginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import Department
from portal.pagination import Paginator

NUMBERS = (None, "", "1", 1, 1.0, 1.5, "2", 2, "3", "x", "-1", "0", 0, "999", "1.0", " 1")


def _page(cls, rows, number, **kwargs):
    try:
        page = cls(rows, 10, **kwargs).get_page(number)
    except Exception as error:  # the same error is the expected answer
        return type(error).__name__
    return page.number, list(page), page.paginator.num_pages, page.has_next(), page.has_previous(), page.paginator.count


@pytest.mark.parametrize("orphans", [0, 2])
@pytest.mark.parametrize("allow_empty_first_page", [True, False])
def test_the_same_pages_as_djangos(orphans, allow_empty_first_page):
    for n in range(25):
        for number in NUMBERS:
            kwargs = {"orphans": orphans, "allow_empty_first_page": allow_empty_first_page}
            assert _page(Paginator, list(range(n)), number, **kwargs) == _page(
                DjangoPaginator, list(range(n)), number, **kwargs
            ), (n, number, kwargs)


@pytest.mark.django_db
def test_a_first_page_with_every_row_is_one_query(department, other_department):
    rows = Department.objects.order_by("pk")
    with CaptureQueriesContext(connection) as queries:
        page = Paginator(rows, 10).get_page(None)
        assert [d.pk for d in page] == [department.pk, other_department.pk]
        assert not page.has_other_pages() and page.paginator.num_pages == 1
    assert len(queries) == 1
    # a longer list is counted as before (one more query), and its first page is the same
    with CaptureQueriesContext(connection) as queries:
        page = Paginator(rows, 1).get_page("1")
        assert [d.pk for d in page] == [department.pk] and page.has_next()
    assert len(queries) == 2
