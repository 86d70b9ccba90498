"""Wrong input on a list row's form comes back on that row's own page (issue 15): the membership decision,
a booking's decline, a finding turned into a problem, an officer appointment, and a ballot on the inquiry
page — each with the error summary focused, the page title starting 「错误：」 and what was typed kept.
Every page is audited by axe (conftest) in its error state; screenshots are test artifacts."""

import pytest

from market import actions as market_actions
from portal import actions as portal_actions
from portal.choices import MembershipKind, Role
from tests.e2e.keyboard import focused, tab_to
from tests.issues.conftest import ensure_issue_configuration
from tests.market.factories import FacilityFactory, day
from tests.portal.factories import UserFactory
from tests.voice.factories import common_issue, inquiry, officer_finding
from voice import actions as voice_actions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def came_back(page, name, screenshot):
    """The page came back with its error summary focused and 「错误：」 in its title."""
    page.wait_for_selector("[data-testid=error-summary]")
    assert page.evaluate("document.activeElement.dataset.testid") == "error-summary"
    assert page.title().startswith("错误：")
    screenshot(page, name)


def test_clerk_rows(page, live_server, login, clerk, enterprise, department, screenshot):
    ensure_issue_configuration()
    claim = portal_actions.membership_request(
        user=UserFactory(username="claimant"), enterprise=enterprise, kind=MembershipKind.AGENT
    )
    review = officer_finding(department)
    login(page, clerk.username)
    # 驳回 from the queue without a reason → the claim's page, the choice kept
    page.goto(f"{live_server.url}/workbench/memberships/")
    page.click("button[value=reject]")
    came_back(page, "row-membership-reject-without-reason", screenshot)
    assert page.is_checked(f"#id_membership-{claim.pk}-decision_1")
    page.fill(f"#id_membership-{claim.pk}-reason", "非本企业人员")
    page.click("[data-testid=row-form-submit]")
    page.wait_for_selector("text=已处理成员申请")
    # 转为问题 without a category → the finding's page, the enterprise chosen kept
    page.goto(f"{live_server.url}/voice/findings/")
    page.select_option(f"#id_raise-{review.pk}-enterprise", str(enterprise.pk))
    page.click("[data-testid=raise-problem]")
    came_back(page, "row-finding-without-category", screenshot)
    assert page.input_value(f"#id_raise-{review.pk}-enterprise") == str(enterprise.pk)


def test_owner_declines_a_booking_without_a_reason(page, live_server, login, member, handler, department, screenshot):
    facility = FacilityFactory(name="新材料中试线", owner_department=department, capacity=2)
    booking = market_actions.booking_create(
        actor=member, facility=facility, start=day(2036, 12, 10), end=day(2036, 12, 11)
    )
    login(page, handler.username)
    page.goto(f"{live_server.url}/market/bookings/")
    page.click("[data-testid=move-decline]")
    came_back(page, "row-booking-decline-without-reason", screenshot)
    page.fill(f"#id_decline-{booking.pk}-reason", "设备检修")
    page.click("[data-testid=booking-move-submit]")
    page.wait_for_selector("[data-testid=booking-table]")
    assert "已拒绝" in page.inner_text("[data-testid=booking-status]")


def test_administrator_appoints_without_a_decision(page, live_server, login, screenshot):
    application = voice_actions.officer_apply(actor=UserFactory(username="applicant"), background="journalist")
    admin = UserFactory(username="admin-v", role=Role.ADMIN)
    login(page, admin.username)
    page.goto(f"{live_server.url}/voice/officers/applications/")
    page.fill(f"#id_decide-{application.pk}-term_start", "2026-12-01")
    page.click("[data-testid=officer-application] button[type=submit]")
    came_back(page, "row-officer-without-decision", screenshot)
    assert page.input_value(f"#id_decide-{application.pk}-term_start") == "2026-12-01"


def test_code_holder_votes_by_keyboard_alone_and_without_a_choice_first(
    page, live_server, supervisor, department, screenshot
):
    ensure_issue_configuration()
    the_inquiry = inquiry(supervisor, [department], [common_issue(supervisor, department)])
    voice_actions.inquiry_move(actor=supervisor, inquiry=the_inquiry, move="open")
    code = voice_actions.inquiry_issue_codes(actor=supervisor, inquiry=the_inquiry, count=1)[0]
    page.goto(f"{live_server.url}/voice/inquiries/{the_inquiry.pk}/")
    # 跳到正文, Tab to the code, typed, Enter — no choice made yet
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    tab_to(page, "code")
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    came_back(page, "row-ballot-without-choice", screenshot)
    assert page.input_value(f"#id_ballot-{department.pk}-code") == code
    # the summary's link (Tab, Enter) puts the cursor on the first choice; Down picks the next; Enter sends
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page, "id") == f"id_ballot-{department.pk}-choice_0"
    page.keyboard.press("ArrowDown")
    assert page.is_checked(f"#id_ballot-{department.pk}-choice_1")
    page.keyboard.press("Enter")
    page.wait_for_selector(".alert")
    assert "投票是匿名的" in page.inner_text("main")
