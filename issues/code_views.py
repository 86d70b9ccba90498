"""企业码: each enterprise's QR code leads to its status page — who is responsible, which step, until when.

The page needs the enterprise's login, or a signed, expiring link (django.core.signing) that shows no
personal data (no handler names, phones or contacts; only departments and their public phone).
"""

import io

import segno
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from portal.models import Enterprise
from portal.permissions import LinkHolder

from . import selectors
from .choices import IssueStatus
from .models import Issue
from .workflow import ISSUE

SALT = "issues.enterprise-code"
LINK_MAX_AGE = 30 * 24 * 3600  # a printed code is renewed monthly


def signed_token(enterprise: Enterprise) -> str:
    return signing.dumps({"e": enterprise.pk}, salt=SALT)


def link_holder_from_token(token: str) -> LinkHolder:
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        raise Http404 from None
    if not isinstance(data, dict) or not isinstance(data.get("e"), int):
        raise Http404
    return LinkHolder(data["e"])


def status_issues(enterprise: Enterprise, viewer):
    """The enterprise's problems that ``viewer`` may see (visible_to, as on every other page): open
    ones first, then the latest closed. A handler sees only the problems of the departments they
    work for; a signed link's holder sees the enterprise's problems."""
    qs = (
        Issue.objects.visible_to(viewer)
        .filter(enterprise=enterprise)
        .exclude(status=IssueStatus.WITHDRAWN)
        .select_related("lead_department", "handler", "category")
        .prefetch_related("ratings")
        .order_by("closed_at", "-registered_at", "-id")
    )
    return selectors.attach_lights(qs[:50])


class EnterpriseCodeView(LoginRequiredMixin, TemplateView):
    """The enterprise's own 企业码 and status page (login: with handler names and office phones)."""

    template_name = "issues/enterprise_status.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        enterprise = get_object_or_404(Enterprise.objects.visible_to(self.request.user), pk=kwargs["enterprise_pk"])
        token = signed_token(enterprise)
        ctx.update(
            enterprise=enterprise,
            issues=status_issues(enterprise, self.request.user),
            signed=False,
            signed_url=self.request.build_absolute_uri(reverse("issues:enterprise_status_signed", args=[token])),
        )
        for issue in ctx["issues"]:
            # the 去评价 button: the move's one predicate (ISSUE), as on the problem's page
            issue.rate_open = ISSUE.allowed(self.request.user, issue, "rate")
        return ctx


class SignedEnterpriseStatusView(TemplateView):
    """The same page through a signed, expiring link: no personal data."""

    template_name = "issues/enterprise_status.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # The link's holder, not whoever is logged in: the page is the same for everyone holding it.
        holder = link_holder_from_token(kwargs["token"])
        enterprise = get_object_or_404(Enterprise.objects.visible_to(holder), pk=holder.link_enterprise_id)
        ctx.update(enterprise=enterprise, issues=status_issues(enterprise, holder), signed=True)
        return ctx


class EnterpriseCodeSvgView(LoginRequiredMixin, View):
    """The QR code (SVG, made by segno) pointing at the signed status link."""

    def get(self, request, enterprise_pk):
        enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=enterprise_pk)
        url = request.build_absolute_uri(reverse("issues:enterprise_status_signed", args=[signed_token(enterprise)]))
        buffer = io.BytesIO()
        segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, title=enterprise.name)
        response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
        response["Cache-Control"] = "private, no-store"
        return response
