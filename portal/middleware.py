"""Request middleware: client IP for the audit log, idle-session logout (等保2.0), NUL refusal."""

import re
import time

from django.conf import settings
from django.contrib.auth import logout
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from portal.context import current_ip


def client_ip(request) -> str | None:
    # Behind nginx the real address is the first X-Forwarded-For hop; nginx overwrites the header.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, giving the thread its language back after the request.

    Django's activates the reader's language for the thread and leaves it there: whatever ran next on that
    thread outside a request (the next test after a test-client request in English, an after-response
    callback) ran in the last reader's language. The language is given back when the response is made; a
    streamed response's body, written while it is read, is written in the request's language chunk by
    chunk (the language is active only while a chunk is made)."""

    async_capable = False

    def __call__(self, request):
        previous = translation.get_language()
        try:
            response = super().__call__(request)
            if response.streaming and not response.is_async:
                response.streaming_content = _in_language(response.streaming_content, request.LANGUAGE_CODE)
            return response
        finally:
            if previous is None:
                translation.deactivate_all()
            else:
                translation.activate(previous)


def _in_language(chunks, language: str):
    iterator = iter(chunks)
    while True:
        with translation.override(language):
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


class IdleSessionTimeoutMiddleware:
    """Log out a browser session that has been idle longer than ``SESSION_IDLE_SECONDS``.

    The last-seen stamp is written back at most once every ``STAMP_EVERY`` seconds: writing it on every
    request saved the session (a row UPDATE) on every signed-in page. The stamp is therefore at most
    ``STAMP_EVERY`` seconds older than the last request, so an idle session is logged out up to that much
    early, never late."""

    KEY = "_portal_last_seen"
    STAMP_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get(self.KEY)
            if last_seen and now - last_seen > settings.SESSION_IDLE_SECONDS:
                request.portal_idle_logout = True  # an idle browser does not end the user's API tokens
                logout(request)
            elif not last_seen or now - last_seen >= self.STAMP_EVERY:
                request.session[self.KEY] = now
        return self.get_response(request)


# A NUL escape in a JSON string: ``\u0000`` not itself preceded by an escaping backslash.
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def request_has_nul(request) -> bool:
    """Whether anything the client sent as text holds a NUL character: the path, the query string,
    form fields and file names, or a JSON body (raw or as ``\\u0000``). File contents are binary and
    are left to the upload checks (portal.uploads)."""
    if "\x00" in request.path:
        return True
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = (request.content_type or "").lower()
    if content_type.startswith(_FORM_TYPES):
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists()):
            return True
        return any("\x00" in (upload.name or "") for upload in request.FILES.values())
    if "json" in content_type:
        body = request.body
        return b"\x00" in body or _JSON_NUL.search(body) is not None
    return False


class RejectNulMiddleware:
    """Refuse, with a clear 400, any request whose text holds a NUL character.

    PostgreSQL cannot store NUL in text, so such a value would otherwise fail deep inside a query as
    a 500 (or be stored on SQLite and break elsewhere); no legitimate form, filter or JSON field needs
    one. This is the one place that says so, for every page and API endpoint.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_has_nul(request):
            from portal.views import error_400

            return error_400(request, message=_("请求中含有不允许的空字符（NUL，\\u0000），请删除后重试。"))
        return self.get_response(request)
