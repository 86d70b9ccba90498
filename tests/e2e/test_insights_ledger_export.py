"""A supervisor exports a ledger too large for an immediate download: the button leads to 我的导出,
where the finished file downloads (the worker runs in sync mode here)."""

import importlib
import io

import pytest
from django.apps import apps
from openpyxl import load_workbook

from insights.models import LedgerExport
from tests.insights.factories import seed_period

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def issue_configuration(db):
    importlib.import_module("issues.migrations.0002_seed_configuration").seed(apps, None)


def test_large_ledger_goes_to_my_exports_and_downloads_from_there(
    page, live_server, login, screenshot, settings, tmp_path, member, clerk, handler, supervisor
):
    # given a month of ten problems and a threshold of five rows for an immediate download
    settings.LEDGER_EXPORT_ASYNC_ROWS = 5
    settings.LEDGER_EXPORT_ROOT = tmp_path / "exports"
    seed_period(10, members=[member], clerk=clerk, handlers=[handler], supervisor=supervisor, day="2026-03-10")
    # when the supervisor opens the 台账 of March and presses the export button
    login(page, "supervisor")
    page.goto(f"{live_server.url}/insights/ledger/?period=2026-03")
    page.click("[data-testid=export-issues]")
    # then the supervisor lands on 我的导出, where the finished export is listed with its download
    page.wait_for_selector("[data-testid=export-row][data-status=done]")
    screenshot(page, "insights-my-exports")
    job = LedgerExport.objects.get()
    rows = job.row_count
    assert rows > 5
    with page.expect_download() as download:
        page.click("[data-testid=export-download]")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert book.active.max_row == rows + 1
    assert download.value.suggested_filename == "issues-2026-03.xlsx"
