"""The three voice pages in a browser: a clerk registers a session's problems in the batch form, a
People's Congress member votes on an inquiry (a second vote is refused), an officer rates a service."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from portal.choices import Role
from services.models import ServiceItem
from tests.portal.factories import UserFactory
from tests.voice.factories import common_issue, inquiry, session
from voice import actions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def issue_configuration(db):
    importlib.import_module("issues.migrations.0002_seed_configuration").seed(apps, None)


def test_clerk_registers_a_sessions_problems(page, live_server, login, clerk, enterprise, other_enterprise):
    meeting = session(clerk, [enterprise, other_enterprise])
    login(page, "clerk")
    page.goto(f"{live_server.url}/voice/meetings/{meeting.pk}/")
    for i in range(2):
        page.select_option(f"select[name=p-{i}-enterprise]", str(enterprise.pk))
        page.fill(f"input[name=p-{i}-title]", f"园区路灯不亮{i}")
        page.fill(f"textarea[name=p-{i}-description]", "夜班员工出行不安全。")
        page.select_option(f"select[name=p-{i}-category]", "infrastructure")
    page.click("[data-testid=problem-batch-submit]")
    page.wait_for_selector("[data-testid=session-problem]")
    assert page.locator("[data-testid=session-problem]").count() == 2
    assert page.inner_text("[data-testid=problem-count]") == "2"


def test_deputy_votes_once_and_sees_the_tally(page, live_server, login, supervisor, department):
    the_inquiry = inquiry(supervisor, [department], [common_issue(supervisor, department)])
    actions.inquiry_move(actor=supervisor, inquiry=the_inquiry, move="open")
    UserFactory(username="deputy-1", role=Role.DEPUTY)
    login(page, "deputy-1")
    url = f"{live_server.url}/voice/inquiries/{the_inquiry.pk}/"
    page.goto(url)
    page.check("[data-testid=ballot-form] input[value=good]")
    page.click("[data-testid=ballot-submit]")
    page.wait_for_selector(".alert")
    page.check("[data-testid=ballot-form] input[value=poor]")
    page.click("[data-testid=ballot-submit]")
    assert "已对该部门投过票" in page.inner_text("main")
    actions.inquiry_move(actor=supervisor, inquiry=the_inquiry, move="close")
    page.goto(url)
    assert "100.0%" in page.inner_text("[data-testid=tally]")


def test_officer_rates_a_service(page, live_server, login, department):
    item = ServiceItem.objects.create(code="QY-001", name="企业开办", item_type="admin", department=department)
    officer = UserFactory(username="officer-1")
    application = actions.officer_apply(actor=officer, background="journalist")
    today = timezone.localdate()
    actions.officer_decide(
        actor=UserFactory(username="admin-1", role=Role.ADMIN),
        application=application,
        approve=True,
        term_start=today - dt.timedelta(days=1),
        term_end=today + dt.timedelta(days=30),
    )
    login(page, "officer-1")
    page.goto(f"{live_server.url}/voice/services/")
    page.select_option("select[name=service_item]", str(item.pk))
    for field in ("efficiency", "clarity", "convenience", "attitude"):
        page.select_option(f"select[name={field}]", "4")
    page.fill("textarea[name=findings]", "指南材料清单与窗口要求不一致。")
    page.click("[data-testid=review-submit]")
    page.wait_for_selector("[data-testid=service-score]")
    assert "企业开办" in page.inner_text("[data-testid=service-scores]")
    assert "待转办" in page.inner_text("[data-testid=my-reviews]")
