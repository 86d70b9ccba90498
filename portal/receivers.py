"""Receivers of Django's sign-in signals (connected in ``PortalConfig.ready``)."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from portal.middleware import IdleSessionTimeoutMiddleware


@receiver(user_logged_in, dispatch_uid="portal.idle_clock_starts_at_login")
def start_idle_clock(sender, request, user, **kwargs):
    """The idle-logout clock starts at the login itself, not at the first request after it."""
    if request is not None and hasattr(request, "session"):
        request.session[IdleSessionTimeoutMiddleware.KEY] = int(time.time())


@receiver(user_logged_out, dispatch_uid="portal.logout_revokes_api_tokens")
def revoke_tokens_on_logout(sender, request, user, **kwargs):
    """Logging out ends the user's API tokens as well (finding 8 of issue 12)."""
    if user is not None and getattr(user, "pk", None) and not getattr(request, "portal_idle_logout", False):
        from portal.actions import api_tokens_revoke

        api_tokens_revoke(actor=user, user=user, reason="logout")
