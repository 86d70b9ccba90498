"""The catalogue pages cached under the catalogue version: every change to what they show moves the version,
so a page never shows an old catalogue; and they run a fixed, small number of queries (issue 13, item 4)."""

import pytest
from django.urls import reverse

from services import actions
from services.catalogue_cache import catalogue_version
from tests.services.factories import ServiceMaterialFactory

pytestmark = pytest.mark.django_db


def _get(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_catalogue_home_is_one_query_and_follows_a_renamed_bundle(client, opening, num_queries):
    # given the catalogue home seen once (and so cached)
    url = reverse("services:catalogue")
    html = _get(client, url)
    assert "企业开办一类事" in html
    # when it is shown again: only the version is read
    with num_queries(1):
        _get(client, url)
    # when an administrator renames the bundle
    opening.bundle.name = "企业开办（新）"
    opening.bundle.save()
    # then the next visit shows the new name
    html = _get(client, url)
    assert "企业开办（新）" in html and "企业开办一类事" not in html


def test_bundle_page_is_one_query_for_a_visitor(client, opening, num_queries):
    url = reverse("services:bundle_detail", args=[opening.bundle.code])
    _get(client, url)
    with num_queries(1):
        html = _get(client, url)
    assert "企业设立登记" in html and "公司章程" in html
    # a visitor is asked to sign in; the shared answers are asked of signed-in applicants only
    assert 'name="contact_name"' not in html and "登录后申请" in html


def test_bundle_page_query_count_for_a_member(client_for, member, opening, num_queries):
    client = client_for(member)
    url = reverse("services:bundle_detail", args=[opening.bundle.code])
    _get(client, url)
    # session, user, catalogue version, the member's enterprises (read once), unread count (the idle clock
    # is not saved again within a minute)
    with num_queries(5):
        html = _get(client, url)
    assert 'name="contact_name"' in html


@pytest.mark.parametrize("change", ["material", "department", "requires", "unpublish", "publish"])
def test_every_change_to_what_the_pages_show_moves_the_version(change, opening, admin_user):
    before = catalogue_version()
    if change == "material":
        ServiceMaterialFactory(item=opening.basic[0].service, name="补充材料")
    elif change == "department":
        department = opening.basic[0].service.department
        department.name = "新名称"
        department.save()
    elif change == "requires":
        opening.paid_seal.requires.add(opening.bank_booking)
    elif change == "unpublish":
        actions.bundle_unpublish(actor=admin_user, bundle=opening.bundle)
    else:
        actions.bundle_publish(actor=admin_user, bundle=opening.bundle)
    assert catalogue_version() != before


def test_bundle_page_shows_a_new_material_and_a_withdrawn_bundle_is_gone(client, opening, admin_user):
    url = reverse("services:bundle_detail", args=[opening.bundle.code])
    _get(client, url)
    ServiceMaterialFactory(item=opening.basic[0].service, name="新增的申请材料")
    html = _get(client, url)
    assert "新增的申请材料" in html
    actions.bundle_unpublish(actor=admin_user, bundle=opening.bundle)
    assert client.get(url).status_code == 404


def test_a_draft_is_previewed_by_administrators_only(client, client_for, opening, admin_user, member):
    actions.bundle_unpublish(actor=admin_user, bundle=opening.bundle)
    url = reverse("services:bundle_detail", args=[opening.bundle.code])
    assert client_for(admin_user).get(url).status_code == 200  # cached as the administrator saw it
    assert client_for(member).get(url).status_code == 404
    assert client.get(url).status_code == 404
    home = reverse("services:catalogue")
    assert "企业开办一类事" in client_for(admin_user).get(home).content.decode()
    assert "企业开办一类事" not in client.get(home).content.decode()
