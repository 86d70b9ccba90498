"""A walk-in problem at the window: ``?enterprise=<id>`` chooses the enterprise and fills in its contact,
the cursor waits in the first field the clerk types, and the enterprise list links to it."""

import pytest

from issues.models import Issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def walk_in(enterprise):
    enterprise.legal_representative, enterprise.contact_phone = "李四", "0572-2211333"
    enterprise.save()
    return enterprise


def _field(page, name):
    start = page.index(f'name="{name}"')
    return page[page.rindex("<", 0, start) : page.index(">", start) + 1]


def test_the_enterprise_chosen_and_its_contact_filled_in(client_for, clerk, walk_in):
    page = client_for(clerk).get(f"/issues/intake/?enterprise={walk_in.pk}").content.decode()
    assert f'<option value="{walk_in.pk}" selected>' in page
    assert 'value="李四"' in _field(page, "contact_name") and 'value="0572-2211333"' in _field(page, "contact_phone")
    # the first thing to type is the title: the cursor is there, nowhere else
    assert "autofocus" in _field(page, "title") and page.count("autofocus") == 1


def test_without_an_enterprise_the_cursor_waits_on_the_enterprise(client_for, clerk, walk_in, other_enterprise):
    for query in ("", "?enterprise=abc", "?enterprise=999999"):
        page = client_for(clerk).get(f"/issues/intake/{query}").content.decode()
        assert "autofocus" in _field(page, "enterprise") and page.count("autofocus") == 1
        assert 'value="李四"' not in page and " selected>" not in _field(page, "enterprise")


def test_submitting_the_prefilled_form_registers_the_walk_in(client_for, clerk, walk_in):
    r = client_for(clerk).post(
        "/issues/intake/",
        {
            "enterprise": walk_in.pk,
            "channel": "window",
            "discovery": "passive",
            "category": "approval",
            "tier": "general",
            "title": "厂房消防验收咨询",
            "description": "新厂房的消防验收找不到受理窗口。",
            "contact_name": "李四",
            "contact_phone": "0572-2211333",
        },
    )
    issue = Issue.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/issues/{issue.pk}/"
    assert (issue.enterprise, issue.contact_name, issue.contact_phone) == (walk_in, "李四", "0572-2211333")


def test_the_enterprise_list_links_clerks_to_a_walk_in(client_for, clerk, walk_in):
    page = client_for(clerk).get("/workbench/enterprises/").content.decode()
    assert f'href="/issues/intake/?enterprise={walk_in.pk}"' in page
