"""Catalogue import in two steps (issue 15): the upload is dry-run and previewed (added, changed with old →
new, removed, errors by row) with nothing written; only the confirmation loads exactly that file, and it is
refused when the catalogue changed since the preview. Real .xlsx files, built with openpyxl."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from portal.models import AuditLog
from services import actions, selectors
from services.catalogue_cache import catalogue_version
from services.excel import read_workbook, write_workbook
from services.models import Bundle, BundleItem, BundleVersion, ServiceItem, ServiceMaterial
from tests.services.test_catalogue_admin import _item, _workbook

pytestmark = pytest.mark.django_db

IMPORT = "admin:services_serviceitem_import"
CONFIRM = "admin:services_serviceitem_import_confirm"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def english():
    """Requests in English (each request's language is its own: portal.middleware.LocaleMiddleware)."""
    return "en"


def _counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (ServiceItem, ServiceMaterial, Bundle, BundleItem, BundleVersion, AuditLog)
    } | {"version": catalogue_version()}


def _edited_export(opening) -> bytes:
    """The catalogue as exported, then: 企业设立登记 renamed with 5 promised days, a new item, and the
    bundle without 自费加急刻章."""
    wb = load_workbook(io.BytesIO(write_workbook(**selectors.catalogue_export_querysets())))
    items = wb["事项"]
    for row in items.iter_rows(min_row=2):
        if row[0].value == "330000-AMR-001":
            row[1].value, row[5].value = "企业设立登记（新）", 5
    items.append(_item("NEW-001", "印章刻制备案"))
    links = wb["一类事事项"]
    for index, row in enumerate(links.iter_rows(min_row=2), start=2):
        if row[1].value == opening.reminder.service.code:
            links.delete_rows(index)
            break
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_a_dry_run_reports_added_changed_removed_and_writes_nothing(admin_user, opening):
    data = _edited_export(opening)
    before = _counts()
    preview = actions.catalogue_load(actor=admin_user, **read_workbook(data), dry_run=True)
    assert _counts() == before  # rows, audit rows and the catalogue version untouched
    assert [(r["kind"], r["code"], r["name"]) for r in preview["added"]] == [("事项", "NEW-001", "印章刻制备案")]
    changed = {r["code"]: r["fields"] for r in preview["changed"]}
    assert changed == {
        "330000-AMR-001": [
            {"label": "事项名称", "old": "企业设立登记", "new": "企业设立登记（新）"},
            {"label": "承诺办结时限（工作日）", "old": "1", "new": "5"},
        ]
    }
    assert [(r["kind"], r["code"]) for r in preview["removed"]] == [
        ("一类事事项", f"qykb / {opening.reminder.service.code}")
    ]
    assert preview["version"] == before["version"]
    assert ServiceItem.objects.get(code="330000-AMR-001").name == "企业设立登记"


def test_a_dry_run_with_bad_rows_raises_them_by_row_and_writes_nothing(admin_user, department):
    before = _counts()
    data = _workbook(items=[_item("A-1", "好的"), _item("A-2", "部门不存在", dept="nowhere")])
    with pytest.raises(Exception) as exc_info:
        actions.catalogue_load(actor=admin_user, **read_workbook(data), dry_run=True)
    assert "「事项」第 3 行：实施部门“nowhere”不存在" in exc_info.value.messages
    assert _counts() == before


def test_upload_previews_then_confirm_applies_exactly_that_file(client_for, admin_user, opening, media):
    client = client_for(admin_user)
    before = _counts()
    response = client.post(reverse(IMPORT), {"file": SimpleUploadedFile("c.xlsx", _edited_export(opening))})
    assert response.status_code == 200
    html = response.content.decode()
    assert "印章刻制备案" in html and "企业设立登记（新）" in html and "确认导入" in html
    assert _counts() == before
    [kept] = list((media / "catalogue-imports").iterdir())
    assert kept.name != "c.xlsx" and len(kept.stem) == 32  # a random name, not the uploader's
    token = response.context["token"]
    response = client.post(reverse(CONFIRM), {"token": token, "confirm": "1"})
    assert response.status_code == 302
    assert ServiceItem.objects.get(code="330000-AMR-001").promised_days == 5
    assert ServiceItem.objects.filter(code="NEW-001").exists()
    assert not BundleItem.objects.filter(pk=opening.reminder.pk).exists()
    assert AuditLog.objects.filter(action="services.catalogue.imported").count() == 1
    assert not kept.exists()
    # the same token again: gone, nothing loaded twice
    response = client.post(reverse(CONFIRM), {"token": token, "confirm": "1"}, follow=True)
    assert "预览已失效" in response.content.decode()
    assert AuditLog.objects.filter(action="services.catalogue.imported").count() == 1


def test_confirm_is_refused_when_the_catalogue_changed_since_the_preview(client_for, admin_user, opening):
    client = client_for(admin_user)
    response = client.post(reverse(IMPORT), {"file": SimpleUploadedFile("c.xlsx", _edited_export(opening))})
    token = response.context["token"]
    # someone edits an item meanwhile
    ServiceItem.objects.filter(code="330000-TAX-001").update(name="发票申领（改）")
    item = ServiceItem.objects.get(code="330000-TAX-001")
    item.save()  # moves the catalogue version
    before = _counts()
    response = client.post(reverse(CONFIRM), {"token": token, "confirm": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "预览之后目录已被修改" in html and 'data-testid="import-stale"' in html
    assert _counts() == before
    assert not ServiceItem.objects.filter(code="NEW-001").exists()
    # the re-computed preview (the export's old name of 发票申领 now reads as a change) can be confirmed
    assert "发票申领（改）" in html
    response = client.post(reverse(CONFIRM), {"token": response.context["token"], "confirm": "1"})
    assert response.status_code == 302
    assert ServiceItem.objects.filter(code="NEW-001").exists()


def test_cancel_discards_the_file_and_changes_nothing(client_for, admin_user, opening, media):
    client = client_for(admin_user)
    before = _counts()
    response = client.post(reverse(IMPORT), {"file": SimpleUploadedFile("c.xlsx", _edited_export(opening))})
    response = client.post(reverse(CONFIRM), {"token": response.context["token"], "cancel": "1"})
    assert response.status_code == 302
    assert _counts() == before
    assert not list((media / "catalogue-imports").iterdir())


def test_a_bad_file_shows_its_errors_by_row_keeps_nothing_and_offers_no_confirm(
    client_for, admin_user, department, media
):
    client = client_for(admin_user)
    before = _counts()
    data = _workbook(items=[_item("B-1", "好的"), _item("B-2", "类型不对", item_type="行政审批")])
    response = client.post(reverse(IMPORT), {"file": SimpleUploadedFile("c.xlsx", data)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "「事项」第 3 行" in html and "行政审批" in html and "确认导入" not in html
    assert _counts() == before
    assert not list((media / "catalogue-imports").glob("*")) if (media / "catalogue-imports").exists() else True
    not_excel = client.post(reverse(IMPORT), {"file": SimpleUploadedFile("c.xlsx", b"hello")})
    assert not_excel.status_code == 200 and "不是允许的类型（Excel）" in not_excel.content.decode()


def test_confirm_takes_only_a_token_of_this_session(client_for, admin_user, opening, media):
    # a token that was never issued to this session (a guessed name or a path) is refused
    for token in ["0" * 32, "../../etc/passwd", ""]:
        response = client_for(admin_user).post(reverse(CONFIRM), {"token": token, "confirm": "1"}, follow=True)
        assert "预览已失效" in response.content.decode()
    assert client_for(admin_user).get(reverse(CONFIRM)).status_code == 302
    assert not AuditLog.objects.filter(action="services.catalogue.imported").exists()


def test_staff_without_admin_cannot_confirm(client_for, clerk):
    response = client_for(clerk).post(reverse(CONFIRM), {"token": "x", "confirm": "1"})
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_the_preview_and_row_errors_read_in_english(client_for, admin_user, opening, english):
    client = client_for(admin_user)
    client.cookies["django_language"] = english
    response = client.post(reverse(IMPORT), {"file": SimpleUploadedFile("c.xlsx", _edited_export(opening))})
    html = response.content.decode()
    assert "Import preview: nothing is saved until you confirm" in html
    assert "Confirm import" in html and "Old value" in html and "Added" in html and "Removed" in html
    assert "确认导入" not in html
    bad = _workbook(items=[_item("B-2", "部门不存在", dept="nowhere")])
    response = client.post(reverse(IMPORT), {"file": SimpleUploadedFile("c.xlsx", bad)})
    assert response.status_code == 400
    assert "第 2 行" not in response.content.decode()


def test_an_export_made_in_english_reads_back_as_no_change(client_for, admin_user, opening, english):
    # the file format is one (Chinese labels) whatever the administrator's language
    client = client_for(admin_user)
    client.cookies["django_language"] = english
    exported = client.get(reverse("admin:services_bundle_export")).content
    assert "行政许可" in {c.value for c in load_workbook(io.BytesIO(exported))["事项"]["C"]}
    response = client.post(reverse(IMPORT), {"file": SimpleUploadedFile("c.xlsx", exported)})
    assert response.status_code == 200
    assert "This file matches the current catalogue" in response.content.decode()


def test_a_dry_run_reads_what_the_rows_touch_plus_the_load_itself(admin_user, department, django_assert_num_queries):
    """Two new items, no bundles: the load's own 24 queries, plus the version (1), the state before (1: the
    items named; no bundle is named, so neither bundles nor links are read), the state after (2: items and
    their materials) and the dry run's savepoint and its rollback (3). PostgreSQL adds the audit chain's lock."""
    rows = read_workbook(_workbook(items=[_item("Q-1", "一"), _item("Q-2", "二")]))
    with django_assert_num_queries(32 if connection.vendor == "postgresql" else 31):
        actions.catalogue_load(actor=admin_user, **rows, dry_run=True)
    assert not ServiceItem.objects.exists()
