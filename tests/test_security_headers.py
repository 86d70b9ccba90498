"""Security headers on every URL pattern (issue 12, finding 2): the patterns are generated from the URL
resolver, ids point at real objects, and every response — pages, API, admin, errors, redirects — carries
the Content-Security-Policy, HSTS (production values, over HTTPS) and the other headers."""

import importlib
import os
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from issues.models import Issue
from policies.models import Policy
from services.models import Application
from tests.issues.conftest import _issue_configuration  # noqa: F401  (fixture)
from tests.issues.factories import issue_in
from tests.policies.factories import PolicyFactory
from tests.services.conftest import opening, submit  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def production_settings() -> dict:
    """The header and cookie settings of portal.settings.prod, read with a throw-away secret key."""
    saved = os.environ.get("DJANGO_SECRET_KEY")
    os.environ["DJANGO_SECRET_KEY"] = "x" * 60
    try:
        importlib.reload(importlib.import_module("portal.settings.base"))
        prod = importlib.reload(importlib.import_module("portal.settings.prod"))
    finally:
        if saved is None:
            os.environ.pop("DJANGO_SECRET_KEY")
        else:
            os.environ["DJANGO_SECRET_KEY"] = saved
    names = [n for n in dir(prod) if n.startswith(("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_", "LANGUAGE_COOKIE_"))]
    return {name: getattr(prod, name) for name in names} | {"X_FRAME_OPTIONS": prod.X_FRAME_OPTIONS}


@pytest.fixture
def prod_headers(settings):
    for name, value in production_settings().items():
        setattr(settings, name, value)
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks HTTPS itself (secure=True)
    return settings


def url_patterns(patterns=None, namespace="", prefix=""):
    """(full name or None, full pattern text, callback) of every URL pattern of the project."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else None), prefix + str(entry.pattern), entry.callback


def build_path(name, pattern, kwargs) -> str:
    """Reverse a named pattern; fill an unnamed one's parameters into its text."""
    if name:
        return reverse(name, kwargs=kwargs)
    text = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), pattern)
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), text)
    return "/" + text.replace("^", "").replace("$", "")


def model_of(callback, name):
    if getattr(callback, "model_admin", None) is not None:
        return callback.model_admin.model
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    for attr in ("queryset", "model"):
        value = getattr(cls, attr, None)
        if value is not None:
            return getattr(value, "model", value)
    serializer = getattr(cls, "serializer_class", None)
    if serializer is not None and hasattr(serializer, "Meta"):
        return serializer.Meta.model
    for word, model in (("issue", Issue), ("application", Application), ("polic", Policy)):
        if word in name:
            return model
    return None


def kwargs_for(name, pattern, callback, world):
    names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", str(pattern))
    kwargs = {}
    for plain, regex in names:
        key = plain or regex
        if key in ("pk", "object_id", "id"):
            model = model_of(callback, name)
            row = model.objects.order_by("pk").first() if model is not None else None
            kwargs[key] = row.pk if row is not None else 999999
        else:
            kwargs[key] = world.get(key, "x")
    return kwargs


INLINE_CODE = [
    re.compile(r"<script(?![^>]*\b(?:src|nonce)=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    re.compile(r"<style(?![^>]*\bnonce=)[^>]*>", re.I),
    re.compile(r"<[a-z][^>]*\sstyle=", re.I),
    re.compile(r"<[a-z][^>]*\son[a-z]+=", re.I),
    re.compile(r"javascript:", re.I),
]


def inline_code(html: str) -> list[str]:
    """Inline scripts, styles, style attributes and event handlers the Content-Security-Policy refuses."""
    return [match.group(0)[:80] for pattern in INLINE_CODE for match in pattern.finditer(html)]


def test_every_url_pattern_answers_with_the_security_headers(
    request, prod_headers, admin_user, member, enterprise, clerk, handler, supervisor
):
    # given one real object of each kind, and the system administrator (who may open the most)
    request.getfixturevalue("submit")()
    issue_in("closed", member=member, clerk=clerk, handler=handler, supervisor=supervisor)
    PolicyFactory()
    world = {
        "enterprise_pk": enterprise.pk,
        "attachment_pk": 1,
        "code": "qykb",
        "event": "accept",
        "move": "accept",
        "token": "not-a-token",
        "content_type_id": ContentType.objects.get_for_model(type(admin_user)).pk,
        "app_label": "portal",
        "url": "nowhere/",
        "fmt": "json",
        "request_id": "SQ20260101000001",
        "path": "nowhere",
    }
    client = Client()
    client.force_login(admin_user)
    checked, missing, inline = [], [], []
    for name, pattern, callback in url_patterns():
        try:
            path = build_path(name, pattern, kwargs_for(name or "", pattern, callback, world))
        except Exception:  # a pattern with arguments we cannot build is a test bug: fail loudly
            pytest.fail(f"cannot build a URL for {name} ({pattern})")
        response = client.get(path, secure=True)
        csp = response.get("Content-Security-Policy", "")
        ok = (
            "default-src 'self'" in csp
            and "frame-ancestors 'none'" in csp
            and "object-src 'none'" in csp
            and "unsafe-inline" not in csp.split("script-src", 1)[-1].split(";", 1)[0]
            and response.get("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload"
            and response.get("X-Content-Type-Options") == "nosniff"
            and response.get("Referrer-Policy") == "same-origin"
            and response.get("X-Frame-Options") == "DENY"
            and response.get("Cross-Origin-Opener-Policy") == "same-origin"
        )
        checked.append((name, path, response.status_code))
        if not ok:
            missing.append((name, path, response.status_code, dict(response.headers)))
        if response.get("Content-Type", "").startswith("text/html") and name != "api-docs":
            inline += [(name, path, found) for found in inline_code(response.content.decode())]
    # then every response carries them, and no page has inline code the policy would refuse
    assert not missing, missing
    assert not inline, inline
    assert len(checked) == len(list(url_patterns())) > 300
    print(f"security headers on {len(checked) - len(missing)} of {len(checked)} URL patterns")
    statuses = {status for _name, _path, status in checked}
    assert 200 in statuses and 302 in statuses  # real pages rendered, not only errors


def directive(csp: str, name: str) -> str:
    return next(part.strip() for part in csp.split(";") if part.strip().startswith(name + " "))


def test_pages_allow_no_inline_script_or_style(client):
    csp = client.get("/accounts/login/")["Content-Security-Policy"]
    assert directive(csp, "script-src") == "script-src 'self'"
    assert directive(csp, "style-src") == "style-src 'self'"


def test_the_one_inline_style_block_carries_the_nonce_of_its_response(request, client_for, member):
    application = request.getfixturevalue("submit")()
    response = client_for(member).get(f"/services/applications/{application.pk}/receipt/")
    nonce = re.search(r"'nonce-([^']+)'", directive(response["Content-Security-Policy"], "style-src")).group(1)
    body = response.content.decode()
    assert f'<style nonce="{nonce}">' in body
    assert "onclick" not in body and 'style="' not in body


def test_swagger_ui_has_its_own_policy_and_no_inline_script(client):
    response = client.get("/api/docs/")
    body = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in csp and "script-src 'self';" in csp + ";"
    assert re.search(r"<script>\s*\S", body) is None  # every script is a file (the split view)
    assert client.get("/api/docs/?script=").status_code == 200


def test_production_cookie_flags(prod_headers, member):
    client = Client()
    response = client.post("/accounts/login/", {"username": "ent-a", "password": "Test-pass-123!"}, secure=True)
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    csrf = client.get("/accounts/login/", secure=True).cookies.get("csrftoken") or response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"


def test_cookie_flags_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SESSION_COOKIE_SAMESITE", "Strict")
    monkeypatch.setenv("DJANGO_CSRF_COOKIE_HTTPONLY", "1")
    monkeypatch.setenv("DJANGO_HSTS_PRELOAD", "0")
    values = production_settings()
    assert values["SESSION_COOKIE_SAMESITE"] == "Strict" and values["CSRF_COOKIE_HTTPONLY"] is True
    assert values["SECURE_HSTS_PRELOAD"] is False and values["SESSION_COOKIE_SECURE"] is True


def test_a_page_with_a_form_puts_no_nonce_in_its_policy_unless_it_uses_one(client, member):
    # the error check of the page title looks at every value of the context: it must not evaluate the lazy nonce
    client.force_login(member)
    for url in ("/accounts/login/", "/issues/new/"):
        client.post(url, {})
        csp = client.get(url)["Content-Security-Policy"]
        assert directive(csp, "script-src") == "script-src 'self'", url
