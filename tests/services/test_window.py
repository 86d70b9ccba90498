"""Window mode (issue 15): a walk-in application in three pages — the window page (enterprise, bundle), the
bundle page in window mode (contact filled in from the enterprise, the cursor in the first field, posted
straight to the one submit), the receipt with the materials checklist."""

import pytest
from django.urls import reverse

from portal.models import AuditLog
from services.choices import Channel
from services.models import Application
from tests.portal.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

WINDOW = "/services/window/"


def test_the_url_is_named():
    assert reverse("services:window") == WINDOW


def test_permission_matrix(client, client_for, member, handler, clerk, supervisor, opening):
    # anonymous → the login page; an enterprise member or a handler → 403; window work → 200
    assert client.get(WINDOW).status_code == 302
    for user in (member, handler):
        assert client_for(user).get(WINDOW).status_code == 403
    for user in (clerk, supervisor):
        assert client_for(user).get(WINDOW).status_code == 200


def test_the_window_page_offers_type_ahead_and_lists_its_shortcuts(client_for, clerk, opening, enterprise):
    body = client_for(clerk).get(WINDOW).content.decode()
    # the enterprise picker is a plain select that window.js turns into a combobox over the lookup
    assert 'data-combobox=""' in body and 'data-lookup="/workbench/lookup/enterprises/"' in body
    assert f"{enterprise.name}（{enterprise.uscc}）" in body
    # the cursor waits in the enterprise picker; the shortcuts are listed and carried by the elements
    assert 'name="enterprise"' in body and "autofocus" in body.split('name="enterprise"')[1].split(">")[0]
    assert "<kbd>Alt+N</kbd>" in body and 'data-shortcut="Alt+N" aria-keyshortcuts="Alt+N"' in body
    assert 'data-shortcut="Alt+K"' in body
    assert "window.js" in body


def test_an_enterprise_from_the_list_is_chosen_the_cursor_in_the_bundle(client_for, clerk, opening, enterprise):
    body = client_for(clerk).get(WINDOW, {"enterprise": enterprise.pk}).content.decode()
    assert f'<option value="{enterprise.pk}" selected>' in body
    assert "autofocus" in body.split('name="bundle"')[1].split(">")[0]
    listing = client_for(clerk).get(reverse("portal:staff_enterprises"), {"q": enterprise.uscc}).content.decode()
    assert f'href="{WINDOW}?enterprise={enterprise.pk}" data-testid="apply-on-behalf-{enterprise.pk}"' in listing


def test_choosing_goes_on_to_the_bundle_page_in_window_mode(client_for, clerk, opening, enterprise):
    # given the enterprise's stored contact
    enterprise.legal_representative, enterprise.contact_phone = "李四", "0572-2211333"
    enterprise.save()
    client = client_for(clerk)
    response = client.get(WINDOW, {"enterprise": enterprise.pk, "bundle": "qykb"})
    assert response.status_code == 302
    assert response.url == f"/services/bundles/qykb/?enterprise={enterprise.pk}"
    body = client.get(response.url).content.decode()
    # the contact filled in, the first value-added box has the cursor, the form posts to the one submit
    assert 'value="李四"' in body and 'value="0572-2211333"' in body
    assert f'value="{opening.free_seal.pk}" data-testid="item-330000-VA-001" checked autofocus>' in body
    assert 'action="/services/bundles/qykb/submit/"' in body and 'data-testid="apply-submit"' in body
    assert "窗口代办" in body


def test_nothing_chosen_is_told_what_to_do(client_for, clerk, opening):
    response = client_for(clerk).get(WINDOW, {"enterprise": "", "bundle": ""})
    body = response.content.decode()
    assert response.status_code == 400
    assert "请选择办事企业" in body and "请选择申请的一类事" in body and "error-summary" in body
    # a bundle that is not published cannot be chosen
    response = client_for(clerk).get(WINDOW, {"enterprise": "", "bundle": "nope"})
    assert response.status_code == 400


def test_the_walk_in_is_submitted_by_the_same_view_and_lands_on_the_receipt(client_for, clerk, opening, enterprise):
    client = client_for(clerk)
    data = {
        "token": "tok-window-1",
        "enterprise": enterprise.pk,
        "selected": [opening.free_seal.pk],
        "contact_name": "李四",
        "contact_phone": "0572-2211333",
        "address": "",
        "note": "",
    }
    response = client.post(reverse("services:apply_submit", args=["qykb"]), data)
    application = Application.objects.get()
    # the same action: channel 综合窗口, the clerk as the one who submitted, on the enterprise's behalf
    assert (application.channel, application.submitted_by, application.on_behalf) == (Channel.WINDOW, clerk, True)
    assert response.status_code == 302 and response.url == f"/services/applications/{application.pk}/receipt/"
    entry = AuditLog.objects.get(action="services.application.submitted")
    assert entry.actor == clerk and entry.data["channel"] == "window"
    # the receipt: a materials checklist with a box per material of the chosen items
    body = client.get(response.url).content.decode()
    assert 'data-testid="checklist"' in body and body.count('data-testid="checklist-row"') == 1
    assert "公司章程" in body and "企业设立登记" in body
    assert 'data-shortcut="Alt+P"' in body and 'data-testid="next-walk-in"' in body


def test_an_enterprise_member_still_checks_answers_first(client_for, member, opening, enterprise):
    body = client_for(member).get(reverse("services:bundle_detail", args=["qykb"])).content.decode()
    assert 'action="/services/bundles/qykb/check/"' in body and "apply-next" in body and "autofocus" not in body
    assert "window.js" not in body


def test_query_counts(client_for, clerk, opening, submit, num_queries):
    client = client_for(clerk)
    for _ in range(3):
        EnterpriseFactory()
    few = num_queries.get(client, WINDOW)
    for _ in range(27):
        EnterpriseFactory()
    # session, user, the nav counts, the enterprises, the bundles (the session's stamp is not rewritten
    # within a minute)
    assert num_queries.get(client, WINDOW) == few == 5
    application = submit(actor=clerk)
    receipt = reverse("services:application_receipt", args=[application.pk])
    # the receipt before the checklist (5), the checklist's materials in one query
    assert num_queries.get(client, receipt) == 6


def test_the_window_pages_in_english(client_for, clerk, opening, enterprise, submit, settings):
    client = client_for(clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    window = client.get(WINDOW).content.decode()
    for text in ("Walk-in: apply for a service bundle", "Keyboard shortcuts", "Next: choose the items", "Enterprise"):
        assert text in window, text
    assert "{n} found" in window and "窗口受理" not in window and "键盘快捷键" not in window
    bundle = client.get(reverse("services:bundle_detail", args=["qykb"]), {"enterprise": enterprise.pk})
    assert "Submit and print the receipt" in bundle.content.decode()
    receipt = client.get(reverse("services:application_receipt", args=[submit(actor=clerk).pk])).content.decode()
    assert "Materials checklist" in receipt and "Next walk-in" in receipt and "材料清单" not in receipt


def test_the_same_page_goes_on_to_a_walk_in_problem(client_for, clerk, opening, enterprise):
    client = client_for(clerk)
    assert 'data-shortcut="Alt+I"' in client.get(WINDOW).content.decode()
    # the enterprise alone is enough for a problem
    response = client.get(WINDOW, {"enterprise": enterprise.pk, "bundle": "", "then": "problem"})
    assert response.status_code == 302 and response.url == f"/issues/intake/?enterprise={enterprise.pk}"
    # without the enterprise: told what to do
    response = client.get(WINDOW, {"enterprise": "", "bundle": "", "then": "problem"})
    assert response.status_code == 400 and "请选择办事企业" in response.content.decode()
    assert "请选择申请的一类事" not in response.content.decode()


def test_the_bundle_page_in_window_mode_query_count(client_for, clerk, enterprise, department, num_queries):
    from tests.services.factories import BundleFactory
    from tests.services.test_query_counts import _items

    bundle = BundleFactory(code="big")
    _items(bundle, 3, department)
    url = reverse("services:bundle_detail", args=["big"]) + f"?enterprise={enterprise.pk}"
    client = client_for(clerk)
    client.get(url)  # the catalogue cache filled
    few = num_queries.get(client, url)
    _items(bundle, 27, department)
    client.get(url)
    # the member's count (5, test_query_counts) and the walk-in enterprise (its contact fills the form)
    assert num_queries.get(client, url) == few == 6


def test_the_select_lists_a_handful_the_lookup_finds_the_rest(client_for, clerk, opening, monkeypatch):
    import portal.lookups

    monkeypatch.setattr(portal.lookups, "RENDERED_OPTIONS", 3)
    enterprises = [EnterpriseFactory(name=f"湖州窗口企业{n}") for n in range(5)]
    client = client_for(clerk)
    body = client.get(WINDOW).content.decode()
    assert body.count("湖州窗口企业") == 3
    # the fifth, chosen from the list page or by the lookup, is listed and accepted
    last = enterprises[-1]
    assert f'<option value="{last.pk}" selected>' in client.get(WINDOW, {"enterprise": last.pk}).content.decode()
    response = client.get(WINDOW, {"enterprise": last.pk, "bundle": "qykb"})
    assert response.status_code == 302
