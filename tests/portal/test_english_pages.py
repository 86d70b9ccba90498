"""Every page in English has an English title and heading (issue 15). Strings translated when a module is
imported (``gettext`` in a class body) stayed in the language of the import; this walks every page without
arguments, as each role, in English."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
SKIP_PREFIXES = ("admin/", "api/", "i18n/", "healthz", "__bench__")


def _pages(resolver=None, prefix=""):
    """The paths of every URL pattern that takes no argument (the admin, the API and i18n left out)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(SKIP_PREFIXES) or "<" in route or "(?P" in route:
            continue
        if isinstance(pattern, URLResolver):
            yield from _pages(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield "/" + route.lstrip("^").rstrip("$")


def _title_and_h1(html: str) -> str:
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    headings = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    return " ".join([title[1] if title else "", *headings])


@pytest.fixture
def users(member, clerk, handler, supervisor):
    return {"anonymous": None, "member": member, "clerk": clerk, "handler": handler, "supervisor": supervisor}


def test_every_page_has_an_english_title_and_heading(users, client_for, client):
    pages = sorted(set(_pages()))
    assert len(pages) > 20
    chinese, seen = [], 0
    for name, user in users.items():
        browser = client_for(user) if user else client
        browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        for path in pages:
            response = browser.get(path)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            seen += 1
            found = CJK.findall(_title_and_h1(response.content.decode()))
            if found:
                chinese.append((name, path, found))
    assert seen > 40
    assert translation.get_language() == settings.LANGUAGE_CODE  # every request gave the language back
    assert chinese == [], "\n".join(f"{name} {path}: {found}" for name, path, found in chinese)


EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}


def _translated_at_import(path) -> list[str]:
    """Calls of an eager ``gettext`` outside any function (module level, class bodies): they run once, when
    the module is imported, in whatever language is active then."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.name in EAGER
    }
    found = []

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id in names:
                found.append(f"{path}:{child.lineno}")
            visit(child)

    if names:
        visit(tree)
    return found


def test_no_string_is_translated_when_its_module_is_imported():
    from django.apps import apps

    # the project's apps are the top-level packages of the checkout (a virtualenv inside it is not ours)
    ours = [c for c in apps.get_app_configs() if Path(c.path).parent == Path(settings.BASE_DIR)]
    found = [
        hit
        for config in ours
        for path in sorted(Path(config.path).rglob("*.py"))
        if "migrations" not in path.parts
        for hit in _translated_at_import(path)
    ]
    assert len(ours) >= 4
    assert found == [], "use gettext_lazy for these: " + ", ".join(found)
