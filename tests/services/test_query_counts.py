"""Lists run the same number of queries for 3 rows as for 30 (no N+1)."""

import pytest
from django.urls import reverse

from services.choices import ItemKind
from tests.services.factories import BundleFactory, BundleItemFactory, ServiceItemFactory, ServiceMaterialFactory

pytestmark = pytest.mark.django_db


def _bundles(n, department):
    for _ in range(n):
        bundle = BundleFactory()
        BundleItemFactory(bundle=bundle, service=ServiceItemFactory(department=department))


def _items(bundle, n, department):
    for i in range(n):
        kind = ItemKind.BASIC if i % 2 else ItemKind.VALUE_ADDED
        service = ServiceItemFactory(department=department, kind=kind)
        ServiceMaterialFactory(item=service)
        item = BundleItemFactory(bundle=bundle, service=service, kind=kind, order=i)
        if i and kind == ItemKind.VALUE_ADDED:
            item.requires.add(bundle.items.exclude(pk=item.pk).first())


def test_catalogue_home(client, department, num_queries):
    _bundles(3, department)
    url = reverse("services:catalogue")
    few = num_queries.get(client, url)
    searched = num_queries.get(client, url, {"q": "测试", "board": "policy"})
    _bundles(27, department)
    # the catalogue version, then (once per version) the bundles; a search reads the bundles only
    assert num_queries.get(client, url) == few == 2
    assert num_queries.get(client, url) == 1  # services.catalogue_cache
    assert num_queries.get(client, url, {"q": "测试", "board": "policy"}) == searched == 1


def test_bundle_page(client_for, member, department, num_queries):
    bundle = BundleFactory(code="big")
    _items(bundle, 3, department)
    url = reverse("services:bundle_detail", args=["big"])
    few = num_queries.get(client_for(member), url)
    _items(bundle, 27, department)
    # the first visit after a change reads the bundle and its items (6); later ones the version only
    assert num_queries.get(client_for(member), url) == few == 11
    assert num_queries.get(client_for(member), url) == 5


def _applications(n, submit, opening):
    for _ in range(n):
        submit(selected_ids=[*opening.basic_ids, opening.free_seal.pk, opening.bank_booking.pk])


def test_my_applications(client_for, member, submit, opening, handler, num_queries):
    _applications(3, submit, opening)
    url = reverse("services:application_list")
    few = num_queries.get(client_for(member), url)
    _applications(27, submit, opening)
    # one query more once the list is longer than its first page: the count (portal.pagination)
    assert (few, num_queries.get(client_for(member), url)) == (5, 6)


def test_department_inbox(client_for, handler, submit, opening, num_queries):
    _applications(3, submit, opening)
    url = reverse("services:task_inbox")
    few = num_queries.get(client_for(handler), url)
    overdue = num_queries.get(client_for(handler), url, {"due": "overdue"})
    _applications(27, submit, opening)
    # one query more once the list is longer than its first page: the count (portal.pagination)
    assert (few, num_queries.get(client_for(handler), url)) == (7, 8)
    assert (overdue, num_queries.get(client_for(handler), url, {"due": "overdue"})) == (7, 7)


def test_clerk_application_list(client_for, clerk, submit, opening, num_queries):
    _applications(3, submit, opening)
    url = reverse("services:application_list")
    few = num_queries.get(client_for(clerk), url)
    _applications(27, submit, opening)
    assert (few, num_queries.get(client_for(clerk), url)) == (5, 6)  # the count, as above
