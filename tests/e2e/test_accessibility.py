"""Every role's pages at 200 % zoom and in the large-text mode (适老化), and the admin, each audited by
axe (tests/e2e/conftest.py fails a test on any serious or critical violation).

200 % zoom of a 1280 × 900 window is a 640 × 450 CSS-pixel viewport at twice the pixel density: the
page must keep working there without scrolling sideways.
"""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["member", "clerk", "handler", "supervisor", "admin_user"]
# Same-origin pages a role reaches from its navigation and its workbench (not the logout, the admin, the
# API's own pages or a file download).
SKIPPED = r"/logout|\/admin\/|\/api\/|\.(svg|xlsx|csv|pdf)$/"
LINKS = f"""() => [...new Set([...document.querySelectorAll('[data-testid=main-nav] a[href], main a[href]')]
  .map(a => a.href).filter(href => href.startsWith(location.origin) && !{SKIPPED}.test(href)))]"""
SIDEWAYS = "() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"


def zoomed(new_page):
    return new_page(width=640, height=450, device_scale_factor=2)


def visit_everything(page, live_server, start: str) -> list[str]:
    page.goto(live_server.url + start)
    urls = page.evaluate(LINKS)
    visited = []
    for url in urls[:25]:
        response = page.goto(url)
        assert response.status == 200, (url, response.status)
        assert page.evaluate(SIDEWAYS) <= 1, f"{url} scrolls sideways at this size"
        visited.append(url)
    return visited


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_role_at_200_percent_zoom(request, new_page, live_server, login, screenshot, role):
    user = request.getfixturevalue(role)
    page = zoomed(new_page)
    login(page, user.username)
    start = "/" if role == "member" else "/workbench/"
    visited = visit_everything(page, live_server, start)
    assert len(visited) >= 3, visited
    screenshot(page, f"a11y-zoom-200-{role}")


def test_large_text_mode_keeps_every_page_usable(new_page, live_server, login, clerk, screenshot):
    page = zoomed(new_page)
    page.goto(live_server.url + "/")
    page.click("[data-testid=text-size-large]")
    assert page.evaluate("() => document.documentElement.className") == "text-large"
    assert page.evaluate("() => getComputedStyle(document.body).fontSize") == "18.75px"  # 15 px × 125 %
    login(page, clerk.username)
    visited = visit_everything(page, live_server, "/workbench/")
    assert len(visited) >= 3, visited
    screenshot(page, "a11y-large-text-workbench")
    # and back to the standard size, by keyboard
    page.focus("[data-testid=text-size-standard]")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.documentElement.className === 'text-standard'")


def test_the_admin_pages_have_no_serious_problems(page, live_server, login, admin_user):
    login(page, admin_user.username)
    page.goto(live_server.url + "/admin/")
    models = page.evaluate(
        "() => [...document.querySelectorAll('#content-main a[href]')].map(a => a.href)"
        ".filter(href => /\\/admin\\/\\w+\\/\\w+\\/(add\\/)?$/.test(href))"
    )
    assert len(models) >= 10, models
    for url in sorted(set(models)):
        response = page.goto(url)
        assert response.status == 200, (url, response.status)
