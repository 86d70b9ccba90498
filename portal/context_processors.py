from django.conf import settings

from portal import counts, display


def portal(request):
    """Site name, the text size and the counts in the header (unread messages, the user's work queues:
    ``portal.counts``, one query). Templates ask roles
    through the ``is_a`` filter (portal/permissions.py), not by comparing role values."""
    user = getattr(request, "user", None)
    context = {
        "SITE_NAME": settings.PORTAL_SITE_NAME,
        "TEXT_SIZE": display.text_size(request),
        "TEXT_SIZES": display.SIZES,
    }
    if user is not None and user.is_authenticated:
        context["nav_counts"] = counts.counts_for(user)
        context["unread_count"] = context["nav_counts"].get("unread", 0)
    return context
