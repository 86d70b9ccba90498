from django.conf import settings
from django.db import DatabaseError

from portal import display
from portal.models import Notification


def portal(request):
    """Site name, the text size and the unread count in the header (one query). Templates ask roles
    through the ``is_a`` filter (portal/permissions.py), not by comparing role values."""
    user = getattr(request, "user", None)
    context = {
        "SITE_NAME": settings.PORTAL_SITE_NAME,
        "TEXT_SIZE": display.text_size(request),
        "TEXT_SIZES": display.SIZES,
    }
    if user is not None and user.is_authenticated:
        try:
            context["unread_count"] = Notification.objects.unread_for(user).count()
        except DatabaseError:  # the 500 page must render even when the database is the problem
            context["unread_count"] = 0
    return context
