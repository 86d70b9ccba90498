"""Lists run the same number of queries for 3 rows as for 30 (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services.choices import ItemKind
from tests.services.factories import BundleFactory, BundleItemFactory, ServiceItemFactory, ServiceMaterialFactory

pytestmark = pytest.mark.django_db


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


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


def test_catalogue_home(client, department):
    _bundles(3, department)
    few = _count(client, reverse("services:catalogue"))
    _bundles(27, department)
    assert _count(client, reverse("services:catalogue")) == few
    assert _count(client, reverse("services:catalogue"), {"q": "测试", "board": "policy"}) <= few + 1


def test_bundle_page(client_for, member, department):
    bundle = BundleFactory(code="big")
    _items(bundle, 3, department)
    url = reverse("services:bundle_detail", args=["big"])
    few = _count(client_for(member), url)
    _items(bundle, 27, department)
    assert _count(client_for(member), url) == few


def _applications(n, submit, opening):
    for _ in range(n):
        submit(selected_ids=[*opening.basic_ids, opening.free_seal.pk, opening.bank_booking.pk])


def test_my_applications(client_for, member, submit, opening, handler):
    _applications(3, submit, opening)
    url = reverse("services:application_list")
    few = _count(client_for(member), url)
    _applications(27, submit, opening)
    assert _count(client_for(member), url) == few


def test_department_inbox(client_for, handler, submit, opening):
    _applications(3, submit, opening)
    url = reverse("services:task_inbox")
    few = _count(client_for(handler), url)
    _applications(27, submit, opening)
    assert _count(client_for(handler), url) == few
    assert _count(client_for(handler), url, {"due": "overdue"}) <= few + 1


def test_clerk_application_list(client_for, clerk, submit, opening):
    _applications(3, submit, opening)
    url = reverse("services:application_list")
    few = _count(client_for(clerk), url)
    _applications(27, submit, opening)
    assert _count(client_for(clerk), url) == few
