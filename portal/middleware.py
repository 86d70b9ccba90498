"""Request middleware: client IP for the audit log, and idle-session logout (等保2.0)."""

import time

from django.conf import settings
from django.contrib.auth import logout

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


class IdleSessionTimeoutMiddleware:
    """Log out a browser session that has been idle longer than ``SESSION_IDLE_SECONDS``."""

    KEY = "_portal_last_seen"

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
            else:
                request.session[self.KEY] = now
        return self.get_response(request)
