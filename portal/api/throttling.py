"""DRF throttles (rates in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``, set from the environment).

They sit in front of the database lock-out (``portal.lockout``), which is what counts passwords; these
only cap the request rate per client in each process's cache."""

from rest_framework.throttling import SimpleRateThrottle


class AuthRateThrottle(SimpleRateThrottle):
    """The token endpoint, per client address (``auth`` rate)."""

    scope = "auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class WriteRateThrottle(SimpleRateThrottle):
    """Every state-changing API request, per user (per address when anonymous) (``write`` rate)."""

    scope = "write"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user and request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
