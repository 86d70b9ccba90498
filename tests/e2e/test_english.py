"""Issue 15, English complete: configuration data (categories, channels, 三不管 kinds, departments) shows its
English name on English pages, the 兜底办 queue, the 反映问题 form and its attachment help are English, the
admin's headings are translated, and no English leaks into the Chinese pages (django-filter's empty choice)."""

import importlib

import pytest
from django.apps import apps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHINESE = r"[\u4e00-\u9fff]"


@pytest.fixture
def seeded_lists(db):
    importlib.import_module("issues.migrations.0002_seed_configuration").seed(apps, None)
    importlib.import_module("issues.migrations.0007_config_name_en").fill_english(apps, None)


@pytest.fixture
def english_page(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def _chinese_in(text: str) -> list[str]:
    import re

    return re.findall(CHINESE + "+", text)


def test_report_form_is_english_with_english_category_names(
    english_page, live_server, login, screenshot, seeded_lists, member, enterprise
):
    page = english_page
    login(page, member.username)
    page.goto(f"{live_server.url}/issues/new/")
    # then the heading, the labels, the attachment help and the category names are English
    assert page.inner_text("main h1") == "Report a problem"
    options = page.locator("select[name=category] option").all_inner_texts()
    assert "Labour" in options and "Approvals" in options
    assert not _chinese_in(" ".join(options))
    form_text = page.inner_text("[data-testid=issue-form]")
    assert "Up to" in form_text
    # nothing Chinese in the form but the enterprise's own name
    leftovers = [w for w in _chinese_in(form_text) if w not in enterprise.name + member.name]
    assert leftovers == []
    screenshot(page, "english-report-form")
    # and an empty submission is refused in English, with the summary
    page.click("[data-testid=issue-submit]")
    page.wait_for_selector("[data-testid=error-summary]")
    assert "There is a problem" in page.inner_text("[data-testid=error-summary]")
    assert page.title().startswith("Error: ")
    assert "Enter the title" in page.inner_text("[data-testid=error-summary]")
    screenshot(page, "english-report-form-errors")


def test_catch_all_queue_heading_is_english(english_page, live_server, login, screenshot, seeded_lists, clerk):
    page = english_page
    login(page, clerk.username)
    page.goto(f"{live_server.url}/issues/catch-all/")
    heading = page.inner_text("main h1")
    assert not _chinese_in(heading), heading
    screenshot(page, "english-catch-all-queue")


def test_admin_headings_are_translated(english_page, page, live_server, login, screenshot, admin_user):
    # in English the app headings are English words, not the bare app label
    login(english_page, admin_user.username)
    english_page.goto(f"{live_server.url}/admin/")
    text = english_page.inner_text("#content-main")
    # (the admin shows app headings in capitals with CSS)
    assert "ENTERPRISE PROBLEMS AND CATCH-ALL OFFICE" in text.upper()
    assert "ISSUES" not in [line.strip().upper() for line in text.splitlines()]
    screenshot(english_page, "english-admin-index")
    # in Chinese they are Chinese
    login(page, admin_user.username)
    page.goto(f"{live_server.url}/admin/")
    assert "涉企问题与兜底办" in page.inner_text("#content-main")
    screenshot(page, "chinese-admin-index")


def test_chinese_pages_have_no_english_select_prompt(page, live_server, login, screenshot, seeded_lists, clerk):
    login(page, clerk.username)
    for path in ("/services/", "/issues/", "/services/applications/", "/policies/"):
        page.goto(f"{live_server.url}{path}")
        assert "Select an option" not in page.content(), path
    screenshot(page, "chinese-filters-no-english")
