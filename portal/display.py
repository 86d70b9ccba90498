"""Large-text mode (适老化): a visitor's text size, kept in a cookie of its own (no personal data; it
works before login, as the language does). The sizes and their CSS class are said here only; the CSS
scales everything through ``rem`` (``html.text-large``)."""

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View

COOKIE = "portal_text_size"
SIZES = {"standard": _("标准字号"), "large": _("大字版")}
DEFAULT = "standard"
ONE_YEAR = 365 * 24 * 3600


def text_size(request) -> str:
    size = request.COOKIES.get(COOKIE, DEFAULT)
    return size if size in SIZES else DEFAULT


class TextSizeView(View):
    """POST ``size`` (one of SIZES) and ``next``: sets the cookie and returns to the page. An unknown
    size changes nothing."""

    def post(self, request):
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = "/"
        response = HttpResponseRedirect(target)
        size = request.POST.get("size", "")
        if size in SIZES:
            response.set_cookie(
                COOKIE, size, max_age=ONE_YEAR, samesite="Lax", secure=request.is_secure(), httponly=True
            )
        return response
