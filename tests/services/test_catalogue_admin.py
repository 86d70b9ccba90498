"""The catalogue back office: Excel import/export (all or nothing, errors by row number),
publish/unpublish through the actions, preview."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from portal.models import AuditLog
from services import actions, selectors
from services.excel import BUNDLE_COLUMNS, ITEM_COLUMNS, LINK_COLUMNS, read_workbook, write_workbook
from services.models import Bundle, BundleItem, BundleVersion, ServiceItem

pytestmark = pytest.mark.django_db


def _workbook(items=(), bundles=(), links=(), *, item_header=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "事项"
    ws.append(item_header or [label for _f, label in ITEM_COLUMNS])
    for row in items:
        ws.append(row)
    ws2 = wb.create_sheet("一类事")
    ws2.append([label for _f, label in BUNDLE_COLUMNS])
    for row in bundles:
        ws2.append(row)
    ws3 = wb.create_sheet("一类事事项")
    ws3.append([label for _f, label in LINK_COLUMNS])
    for row in links:
        ws3.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _item(code, name, dept="hz-amr", kind="基本服务", item_type="行政许可", promised=3):
    return [
        code,
        name,
        item_type,
        kind,
        dept,
        promised,
        20,
        "政府侧",
        "",
        "人工办理",
        0,
        "是",
        0,
        "",
        "",
        "",
        "营业执照|电子材料|1|是|共享",
    ]


def test_valid_workbook_loads_items_bundles_and_publishes(admin_user, department, other_department):
    data = _workbook(
        items=[_item("X-001", "企业设立登记"), _item("X-002", "免费刻章", kind="增值服务", item_type="增值服务")],
        bundles=[["kb", "企业开办一类事", "企业生命周期", "企业开办", "", "商事登记", "", "简介", "", 1, "是"]],
        links=[
            ["kb", "X-001", "基本服务", "是", 1, "", "", "", "", None],
            ["kb", "X-002", "增值服务", "否", 2, "X-001", "", "C", "small", 3],
        ],
    )
    counts = actions.catalogue_load(actor=admin_user, **read_workbook(data))
    assert counts == {"items": 2, "bundles": 1, "bundle_items": 2, "published": 1}
    item = ServiceItem.objects.get(code="X-002")
    assert item.kind == "value_added" and item.materials.get().name == "营业执照"
    bundle = Bundle.objects.get(code="kb")
    assert bundle.published and bundle.version == 1
    seal = BundleItem.objects.get(bundle=bundle, service=item)
    assert [r.service.code for r in seal.requires.all()] == ["X-001"]
    assert seal.recommend_sizes == "small" and seal.recommend_max_age_years == 3


def test_bad_rows_are_reported_by_row_number_and_nothing_is_imported(admin_user, department):
    data = _workbook(
        items=[
            _item("Y-001", "好的一行"),
            _item("Y-002", "部门不存在", dept="hz-nowhere"),
            _item("Y-003", "类型不对", item_type="行政审批"),
            _item("Y-001", "编码重复"),
            [*_item("Y-005", "时限倒挂", promised=30)],
        ],
        bundles=[["kb", "没有阶段", "企业生命周期", "", "", "", "", "", "", 1, "是"]],
        links=[
            ["kb", "Y-001", "基本服务", "是", 1, "Y-404", "", "", "", None],
            ["kb", "NOPE", "基本服务", "是", 2, "", "", "", "huge", None],
        ],
    )
    with pytest.raises(Exception) as exc_info:
        actions.catalogue_load(actor=admin_user, **read_workbook(data))
    messages = exc_info.value.messages
    text = "\n".join(messages)
    assert "「事项」第 3 行：实施部门“hz-nowhere”不存在" in text
    assert "「事项」第 4 行" in text and "行政审批" in text
    assert "「事项」第 5 行：事项编码 Y-001 重复" in text
    assert "「事项」第 6 行：承诺时限不能超过法定时限" in text
    assert "「一类事」第 2 行" in text and "请选择阶段" in text
    assert "「一类事事项」第 3 行：事项“NOPE”不存在" in text
    assert "Y-404" in text
    # nothing, not even the good row, was written
    assert not ServiceItem.objects.exists()
    assert not Bundle.objects.exists()


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"PK\x03\x04not really a zip", "不是有效的 Excel"),
        (b"plain text", "不是有效的 Excel"),
    ],
)
def test_malformed_files_are_refused(payload, expected):
    with pytest.raises(Exception) as exc_info:
        read_workbook(payload)
    assert expected in " ".join(exc_info.value.messages)


def test_missing_header_is_refused():
    data = _workbook(item_header=["名称"])
    with pytest.raises(Exception) as exc_info:
        read_workbook(data)
    assert "「事项」缺少列：事项编码" in " ".join(exc_info.value.messages)


def test_export_then_import_is_a_no_op(admin_user, opening):
    actions.bundle_publish(actor=admin_user, bundle=opening.bundle)
    versions = BundleVersion.objects.count()
    data = write_workbook(**selectors.catalogue_export_querysets())
    sheets = load_workbook(io.BytesIO(data)).sheetnames
    assert sheets == ["事项", "一类事", "一类事事项"]
    counts = actions.catalogue_load(actor=admin_user, **read_workbook(data))
    assert counts["items"] == ServiceItem.objects.count()
    # the same offering: no new version, the rules survived the round trip
    assert BundleVersion.objects.count() == versions
    assert [x.pk for x in opening.free_seal.excludes.all()] == [opening.paid_seal.pk]
    assert [r.pk for r in opening.bank_contact.requires.all()] == [opening.bank_booking.pk]


def test_admin_import_page_shows_errors_and_saves_nothing(client_for, admin_user, department):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(admin_user)
    url = reverse("admin:services_serviceitem_import")
    assert client.get(url).status_code == 200
    bad = SimpleUploadedFile("c.xlsx", _workbook(items=[_item("Z-1", "x", dept="nope")]))
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert "第 2 行" in response.content.decode()
    assert not ServiceItem.objects.exists()
    not_excel = SimpleUploadedFile("c.xlsx", b"hello")
    assert "不是允许的类型（Excel）" in client.post(url, {"file": not_excel}).content.decode()
    good = SimpleUploadedFile("c.xlsx", _workbook(items=[_item("Z-1", "企业设立登记")]))
    response = client.post(url, {"file": good})
    assert response.status_code == 200  # the preview (tests/services/test_catalogue_import_preview.py)
    assert not ServiceItem.objects.exists()
    confirm = reverse("admin:services_serviceitem_import_confirm")
    response = client.post(confirm, {"token": response.context["token"], "confirm": "1"})
    assert response.status_code == 302
    assert ServiceItem.objects.filter(code="Z-1").exists()
    assert AuditLog.objects.filter(action="services.catalogue.imported").exists()


def test_admin_export_downloads_xlsx(client_for, admin_user, opening):
    response = client_for(admin_user).get(reverse("admin:services_bundle_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(response.content))["事项"].max_row == ServiceItem.objects.count() + 1


def test_staff_without_admin_cannot_import(client_for, clerk):
    response = client_for(clerk).get(reverse("admin:services_serviceitem_import"))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_publish_and_unpublish_actions_and_preview(client_for, admin_user, member, opening):
    client = client_for(admin_user)
    changelist = reverse("admin:services_bundle_changelist")
    client.post(changelist, {"action": "unpublish", "_selected_action": [opening.bundle.pk]})
    opening.bundle.refresh_from_db()
    assert not opening.bundle.published
    # the administrator previews it as an enterprise would see it; enterprises get a 404
    url = reverse("services:bundle_detail", args=["qykb"])
    assert "预览" in client.get(url).content.decode()
    assert client_for(member).get(url).status_code == 404
    client.post(changelist, {"action": "publish", "_selected_action": [opening.bundle.pk]})
    opening.bundle.refresh_from_db()
    assert opening.bundle.published and opening.bundle.version == 1
    assert AuditLog.objects.filter(action="services.bundle.published").exists()
    assert client.get(changelist).status_code == 200
    assert client.get(reverse("admin:services_bundle_change", args=[opening.bundle.pk])).status_code == 200
    assert client.get(reverse("admin:services_bundleitem_change", args=[opening.free_seal.pk])).status_code == 200
