"""A newcomer opens the home page and logs in as each demo role; the navigation fits the role."""

import pytest

from portal.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_for_a_newcomer(page, live_server, screenshot):
    page.goto(live_server.url + "/")
    assert page.locator("h1").first.inner_text() == "企业综合服务平台"
    assert page.locator("[data-testid=nav-login]").is_visible()
    screenshot(page, "home-anonymous")


@pytest.mark.parametrize(
    ("role_fixture", "visible", "hidden"),
    [
        ("member", ["nav-my-enterprises", "nav-inbox"], ["nav-workbench", "nav-admin", "nav-staff-enterprises"]),
        ("clerk", ["nav-workbench", "nav-staff-enterprises", "nav-inbox"], ["nav-my-enterprises", "nav-admin"]),
        ("handler", ["nav-workbench", "nav-inbox"], ["nav-my-enterprises", "nav-staff-enterprises", "nav-admin"]),
        ("supervisor", ["nav-workbench", "nav-staff-enterprises"], ["nav-my-enterprises", "nav-admin"]),
        ("admin_user", ["nav-workbench", "nav-admin"], ["nav-my-enterprises"]),
    ],
)
def test_each_role_sees_its_navigation(request, page, live_server, login, screenshot, role_fixture, visible, hidden):
    user = request.getfixturevalue(role_fixture)
    login(page, user.username)
    assert user.get_role_display() in page.locator("[data-testid=nav-user]").inner_text()
    for testid in visible:
        assert page.locator(f"[data-testid={testid}]").count() == 1, testid
    for testid in hidden:
        assert page.locator(f"[data-testid={testid}]").count() == 0, testid
    if user.role != Role.ENTERPRISE:
        page.click("[data-testid=nav-workbench]")
        page.wait_for_selector("[data-testid=workbench-cards]", state="attached")
    screenshot(page, f"nav-{role_fixture}")


def test_phone_sized_screen_has_a_menu_toggle(phone_page, live_server, member, login, screenshot):
    login_page = phone_page
    login_page.goto(live_server.url + "/")
    assert not login_page.locator("[data-testid=main-nav]").is_visible()
    login_page.click("label.nav-toggle-label")
    assert login_page.locator("[data-testid=main-nav]").is_visible()
    screenshot(login_page, "home-phone")
