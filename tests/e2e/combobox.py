"""Choosing in a type-ahead picker (static/js/window.js) the way a person does: type, then pick the offer."""


def combobox(page, select_name: str, scope: str = ""):
    """The text box that stands for ``select[name=select_name]`` (inside ``scope``, a CSS selector)."""
    return page.locator(f"{scope} .combobox:has(select[name={select_name}]) input[role=combobox]".strip())


def choose(page, select_name: str, typed: str, *, scope: str = "", option: str | None = None) -> list[str]:
    """Type ``typed`` into the picker, wait for the offers, click the one containing ``option`` (default:
    ``typed``); returns the offers' texts as they were shown."""
    box = combobox(page, select_name, scope)
    box.fill(typed)
    listbox = page.locator("#" + box.get_attribute("aria-controls"))
    listbox.locator("[role=option]").first.wait_for()
    offers = listbox.locator("[role=option]").all_inner_texts()
    listbox.locator("[role=option]", has_text=option or typed).first.click()
    return offers
