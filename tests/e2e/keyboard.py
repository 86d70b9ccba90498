"""What the walk-in browser tests count and check: page loads, and which field has the focus."""


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
