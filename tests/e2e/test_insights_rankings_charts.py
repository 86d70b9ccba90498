"""A visitor opens the 晾晒 rankings: the page opens on the last complete month and says so, another
month can be chosen, the charts are readable (≥ 12 px text, every bar named and valued, a table of the
same figures) on a desktop and a phone, and the printed page keeps the charts and tables but no
navigation or forms. Every page is audited by axe (tests/e2e/conftest.py)."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from insights import rankings
from tests.insights.factories import seed_period

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALLEST_CHART_TEXT = """() => Math.min(...[...document.querySelectorAll('figure.chart svg text')]
  .map(t => t.getBoundingClientRect().height))"""
SIDEWAYS = "() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
SHOWN = "selector => [...document.querySelectorAll(selector)].filter(e => e.offsetParent !== null).length"


@pytest.fixture(autouse=True)
def issue_configuration(db):
    importlib.import_module("issues.migrations.0002_seed_configuration").seed(apps, None)


@pytest.fixture
def april_second(monkeypatch):
    """Today is 2026-04-02 for the live server (same process): March is the last complete month."""
    monkeypatch.setattr(rankings, "local_today", lambda: dt.date(2026, 4, 2))


@pytest.fixture
def march(member, other_member, clerk, handler, other_handler, supervisor):
    seed_period(
        16, members=[member, other_member], clerk=clerk, handlers=[handler, other_handler], supervisor=supervisor
    )


def _check_charts(page, handler, other_handler):
    figures = page.locator("figure.chart")
    assert figures.count() == 2
    for index in range(2):
        figure = figures.nth(index)
        svg = figure.locator("svg")
        assert svg.get_attribute("role") == "img" and svg.get_attribute("aria-label")
        labels = svg.locator("text.chart-label").all_text_contents()
        values = svg.locator("text.chart-value").all_text_contents()
        assert sorted(labels) == sorted([handler.department.name, other_handler.department.name])
        rows = figure.locator("table.chart-data tbody tr")
        assert [(rows.nth(i).locator("th").inner_text(), rows.nth(i).locator("td").inner_text()) for i in range(2)] == (
            list(zip(labels, values, strict=True))
        )
        assert all(value.endswith("%") for value in values)
    # rendered text height in CSS px: a 14 px font draws glyph boxes of at least 12 px
    assert page.evaluate(SMALLEST_CHART_TEXT) >= 12


def test_rankings_open_on_the_last_complete_month_with_readable_printable_charts(
    new_page, live_server, screenshot, april_second, march, handler, other_handler
):
    page = new_page()
    # when a visitor opens the rankings without choosing a period
    page.goto(live_server.url + "/insights/rankings/")
    # then the page shows March 2026 (the last complete month on 2 April) and says so
    assert page.inner_text("[data-testid=ranking-period]").startswith("2026-03")
    note = page.inner_text("[data-testid=ranking-period-note]")
    assert "2026-03-01 至 2026-03-31" in note and "最近一个完整月份" in note
    assert page.input_value("input[name=period]") == "2026-03"
    assert page.locator("[data-testid=ranking-row]").count() == 2
    _check_charts(page, handler, other_handler)
    screenshot(page, "insights-rankings-default-month")

    # when the page is printed: no navigation and no form, the table and both charts with their tables
    page.emulate_media(media="print")
    assert page.evaluate(SHOWN, "header.site-header, nav, form, footer") == 0
    assert page.evaluate(SHOWN, "[data-testid=ranking-table], figure.chart svg, table.chart-data") == 5
    screenshot(page, "insights-rankings-print")
    page.emulate_media(media="screen")

    # when the visitor steps to the previous month: February had no problems, so no chart, no default note
    page.click("[data-testid=period-previous]")
    page.wait_for_selector("[data-testid=ranking-period]")
    assert page.inner_text("[data-testid=ranking-period]").startswith("2026-02")
    assert "默认" not in page.inner_text("[data-testid=ranking-period-note]")
    assert page.locator("figure.chart").count() == 0
    # when the visitor types the first quarter: March's figures and charts again
    page.fill("input[name=period]", "2026-Q1")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("[data-testid=ranking-period]")
    assert page.inner_text("[data-testid=ranking-period]").startswith("2026-Q1")
    _check_charts(page, handler, other_handler)

    # on a phone the charts stay readable and nothing scrolls sideways
    phone = new_page(width=390, height=844, mobile=True)
    phone.goto(live_server.url + "/insights/rankings/?period=2026-03")
    _check_charts(phone, handler, other_handler)
    assert phone.evaluate(SIDEWAYS) <= 1
    screenshot(phone, "insights-rankings-phone")
