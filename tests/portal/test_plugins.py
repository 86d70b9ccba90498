"""Apps plug in (issue 14, item 3): the core (``portal``) names no feature app. Each app's ``AppConfig``
declares its demo data, schedules, navigation entries, workbench panels and routes (portal/plugins.py),
and the core iterates over the installed apps."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings

from portal import plugins

ROOT = Path(settings.BASE_DIR)
CORE = ROOT / "portal"
# Where the core's own pages live: the layout, the shared partials and the core app's templates.
CORE_TEMPLATES = ("layouts", "partials", "portal", "registration", "errors", "bench")
# The project's wiring, where installing an app is what one does: the list of apps itself.
WIRING = {CORE / "settings"}


def feature_apps() -> set[str]:
    """The project's own apps other than the core: every installed app whose code lives in the repository."""
    return {
        config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT and config.name != "portal"
    }


def core_modules():
    for path in sorted(CORE.rglob("*.py")):
        if "migrations" in path.parts or any(path.is_relative_to(w) for w in WIRING):
            continue
        yield path


def names_used(tree: ast.AST):
    """Every module the code imports or hands to ``include()``/``import_module()`` by name."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in {"include", "import_module", "__import__"}:
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        yield arg.value


def test_the_feature_apps_are_found():
    # the walk below means something only if it knows which apps to look for
    assert {"services", "issues", "policies", "insights", "voice", "market", "open311"} <= feature_apps()


def test_no_core_module_imports_a_feature_app():
    features = feature_apps()
    offenders = []
    for path in core_modules():
        for name in names_used(ast.parse(path.read_text(encoding="utf-8"))):
            if name.split(".")[0] in features:
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_no_core_template_includes_or_links_a_feature_app():
    features = "|".join(sorted(feature_apps()))
    pattern = re.compile(
        r"\{%\s*(?:include|extends)\s+[\"'](?:" + features + r")/|\{%\s*url\s+[\"'](?:" + features + r"):"
    )
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for folder in CORE_TEMPLATES
        for path in sorted((ROOT / "templates" / folder).rglob("*.html"))
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_declarations_are_collected_in_installed_apps_order():
    assert [config.name for config in plugins.demo_providers()] == [
        "services", "issues", "policies", "insights", "voice", "market"
    ]  # fmt: skip
    assert [config.name for config in plugins.schedule_providers()] == [
        "portal", "services", "issues", "policies", "insights", "market"
    ]  # fmt: skip
    assert plugins.nav_templates() == (
        "services/_nav.html", "issues/_nav.html", "policies/_nav.html", "insights/_nav.html",
        "voice/_nav.html", "market/_nav.html",
    )  # fmt: skip
    assert plugins.workbench_templates() == (
        "services/_workbench.html", "issues/_workbench.html", "policies/_workbench.html",
        "insights/_workbench.html",
    )  # fmt: skip


WITHOUT_LEAF_APPS = """
import django
from portal.settings import test as configured
for name in ("market", "voice", "open311"):
    configured.INSTALLED_APPS.remove(name)
django.setup()
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from portal import plugins
call_command("check")
print("demo", [c.name for c in plugins.demo_providers()])
print("schedules", [c.name for c in plugins.schedule_providers()])
print("nav", render_to_string("partials/nav.html", {"user": AnonymousUser()}).count("<li>"))
print("catalogue", reverse("services:catalogue"))
for name in ("market:facilities", "voice:meetings", "open311:root"):
    try:
        reverse(name)
        print("still routed", name)
    except NoReverseMatch:
        pass
"""


def test_the_portal_runs_with_leaf_apps_left_out():
    # given the settings without market, voice and open311 (nothing else depends on them)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    # when Django starts, checks itself, renders the navigation and resolves routes
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_LEAF_APPS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    # then it runs, and the apps left out are gone from the demo, the menus and the routes
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "demo ['services', 'issues', 'policies', 'insights']" in lines
    assert "schedules ['portal', 'services', 'issues', 'policies', 'insights']" in lines
    assert "catalogue /services/" in lines
    assert not [line for line in lines if line.startswith("still routed")]
    with_all = int(next(line for line in lines if line.startswith("nav ")).split()[1])
    assert with_all == NAV_ITEMS_FOR_ANONYMOUS - MARKET_AND_VOICE_NAV_ITEMS_FOR_ANONYMOUS


# An anonymous visitor's menu: home, catalogue, calculator, policy library, rankings, library, meetings,
# facilities, intermediaries, log in, register; market and voice bring three of them.
NAV_ITEMS_FOR_ANONYMOUS = 11
MARKET_AND_VOICE_NAV_ITEMS_FOR_ANONYMOUS = 3


def test_an_anonymous_visitors_menu_has_every_apps_entries():
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    html = render_to_string("partials/nav.html", {"user": AnonymousUser()})
    assert html.count("<li>") == NAV_ITEMS_FOR_ANONYMOUS
