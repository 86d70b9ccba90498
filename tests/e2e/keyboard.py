"""Keyboard-alone browser tests (issue 15): page loads counted, which element has the focus, and the moves a
person makes without the mouse: Tab to an element, Enter on it, an option picked with the arrow keys."""


def count_loads(page) -> list[str]:
    """The URLs of the page loads from now on (the list grows as the test goes)."""
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    return loads


def focused(page, attribute="name") -> str:
    """An attribute of the element that has the focus (its name by default)."""
    return page.evaluate(f"() => document.activeElement && document.activeElement.getAttribute('{attribute}')")


def tab_to(page, value: str, attribute="name", limit=60) -> int:
    """Press Tab until the focused element's ``attribute`` is ``value``; how many presses it took (fails
    after ``limit``: the element is not reachable by keyboard)."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if focused(page, attribute) == value:
            return presses
    raise AssertionError(f"{attribute}={value!r} not reached in {limit} Tab presses")


def tab_to_selector(page, selector: str, limit: int = 80, key: str = "Tab") -> int:
    """Press Tab (or ``key``, e.g. Shift+Tab) until the element ``selector`` has the focus; the number of
    presses. The focus must be visible there (see ``assert_focus_visible``)."""
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            assert_focus_visible(page)
            return presses
    raise AssertionError(f"{selector} is not reachable by {key} ({limit} presses)")


def assert_focus_visible(page) -> None:
    """The focused element shows it: it matches :focus-visible, has an outline or a box shadow, and is on
    screen (not hidden, not clipped to nothing)."""
    state = page.evaluate(
        """() => {
          const e = document.activeElement;
          if (!e || e === document.body) return {tag: 'body'};
          const s = getComputedStyle(e), r = e.getBoundingClientRect();
          return {tag: e.tagName, visible: e.matches(':focus-visible'), outline: s.outlineStyle,
                  width: parseFloat(s.outlineWidth), shadow: s.boxShadow, w: r.width, h: r.height};
        }"""
    )
    assert state["tag"] != "body", "nothing has the focus"
    assert state["visible"], f"the focus is not visible: {state}"
    assert (state["outline"] != "none" and state["width"] > 0) or state["shadow"] != "none", state
    assert state["w"] > 0 and state["h"] > 0, f"the focused element takes no space: {state}"


def follow(page, selector: str, limit: int = 80) -> int:
    """Tab to a link or button and press Enter, waiting for the page it opens; the Tab presses."""
    presses = tab_to_selector(page, selector, limit)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    return presses


def skip_to_main(page) -> None:
    """跳到正文: the first Tab stop of a page, Enter on it moves past the navigation."""
    page.keyboard.press("Tab")
    assert focused(page, "class") == "skip-link"
    assert_focus_visible(page)
    page.keyboard.press("Enter")


def pick(page, text: str) -> None:
    """In the focused <select>, move with the arrow keys to the option whose value or label is ``text`` (else
    the first whose label contains it)."""
    options, current = page.evaluate(
        "() => [[...document.activeElement.options].map(o => [o.value, o.label]), document.activeElement.selectedIndex]"
    )
    exact = [i for i, (value, label) in enumerate(options) if text in (value, label)]
    target = (exact or [i for i, (_value, label) in enumerate(options) if text in label])[0]
    key = "ArrowDown" if target > current else "ArrowUp"
    for _ in range(abs(target - current)):
        page.keyboard.press(key)
    assert page.evaluate("() => document.activeElement.selectedIndex") == target


def log_in_by_keyboard(page, url: str, username: str, password: str = "Test-pass-123!") -> None:
    """The login form, by keyboard: Tab to the user name, type, Tab, type the password, Enter."""
    page.goto(f"{url}/accounts/login/")
    tab_to_selector(page, "input[name=username]")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=nav-user]", state="attached")
    page.wait_for_load_state("load")


def type_date(page, iso: str) -> None:
    """Type an ISO date or date-time (``2036-12-10`` or ``2036-12-10T17:00``) into the focused date field the
    way a person does, segment by segment in the order the field shows them: this headless Chromium draws
    its date fields en-US (month/day/year, then Tab to the time, 12-hour clock with A/P), whatever the page's
    language. The field's value is checked, so another order fails here rather than later."""
    date, _, time = iso.partition("T")
    year, month, day = date.split("-")
    page.keyboard.type(month + day + year)
    if time:
        hour, minute = (int(part) for part in time.split(":"))
        page.keyboard.press("Tab")  # the year takes up to six digits: Tab moves on to the hour
        page.keyboard.type(f"{hour % 12 or 12:02d}{minute:02d}{'P' if hour >= 12 else 'A'}")
    assert page.evaluate("() => document.activeElement.value") == iso
