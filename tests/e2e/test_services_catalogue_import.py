"""An administrator imports a catalogue workbook in two steps (issue 15): the upload shows what will be
added, changed (old → new) and which rows are wrong, nothing is saved until they confirm."""

import io

import pytest
from openpyxl import Workbook

from services.excel import ITEM_COLUMNS
from services.models import ServiceItem
from tests.portal.factories import DepartmentFactory
from tests.services.factories import ServiceItemFactory
from tests.services.test_catalogue_admin import _item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _xlsx(*rows) -> dict:
    wb = Workbook()
    ws = wb.active
    ws.title = "事项"
    ws.append([label for _f, label in ITEM_COLUMNS])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return {"name": "catalogue.xlsx", "mimeType": mime, "buffer": buffer.getvalue()}


def test_admin_uploads_sees_the_preview_and_confirms(
    page, live_server, login, admin_user, screenshot, settings, tmp_path
):
    # given a catalogue with one item and an administrator on the import page
    settings.MEDIA_ROOT = tmp_path
    department = DepartmentFactory(code="hz-amr", name="湖州市市场监督管理局")
    ServiceItemFactory(code="E2E-001", name="企业设立登记", department=department, promised_days=3)
    login(page, admin_user.username)
    page.goto(f"{live_server.url}/admin/services/serviceitem/")
    page.click("[data-testid=catalogue-import]")
    # when they upload a workbook with a wrong row, they see it by row number and nothing is kept
    page.set_input_files("input[name=file]", _xlsx(_item("E2E-002", "部门写错", dept="hz-nowhere")))
    page.click("[data-testid=import-upload]")
    errors = page.locator("[data-testid=import-errors]")
    errors.filter(has_text="「事项」第 2 行：实施部门“hz-nowhere”不存在").wait_for()
    screenshot(page, "services-catalogue-import-errors")
    assert not page.locator("[data-testid=import-confirm]").count()
    # when they upload a corrected workbook: one item renamed, one new
    page.set_input_files(
        "input[name=file]", _xlsx(_item("E2E-001", "企业设立登记（一件事）"), _item("E2E-002", "印章刻制备案"))
    )
    page.click("[data-testid=import-upload]")
    # then the preview lists the new item and the renamed one, old → new, and nothing has changed yet
    page.locator("[data-testid=import-added]").filter(has_text="印章刻制备案").wait_for()
    changed = page.locator("[data-testid=import-changed]")
    assert "企业设立登记（一件事）" in changed.inner_text() and "企业设立登记" in changed.inner_text()
    screenshot(page, "services-catalogue-import-preview")
    assert not ServiceItem.objects.filter(code="E2E-002").exists()
    assert ServiceItem.objects.get(code="E2E-001").name == "企业设立登记"
    # when they confirm by keyboard alone (Tab until the button, Enter), the catalogue is loaded
    page.keyboard.press("Tab")  # the admin's first stop: "skip to main content", past the sidebar's links
    assert "skip-to-content-link" in page.evaluate("document.activeElement.className")
    page.keyboard.press("Enter")
    presses = 0
    while page.evaluate("document.activeElement.dataset.testid || ''") != "import-confirm":
        page.keyboard.press("Tab")
        presses += 1
        assert presses < 60, "the confirm button is not reachable by Tab"
    page.keyboard.press("Enter")
    page.locator(".messagelist").filter(has_text="导入完成").wait_for()
    screenshot(page, "services-catalogue-import-done")
    assert ServiceItem.objects.get(code="E2E-001").name == "企业设立登记（一件事）"
    assert ServiceItem.objects.filter(code="E2E-002").exists()
    assert not list((tmp_path / "catalogue-imports").iterdir())
