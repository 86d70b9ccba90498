"""API authentication: ``Authorization: Token <key>`` with tokens that expire and can be revoked."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from portal.models import ApiToken
from portal.models.security import token_digest

LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token scheme over :class:`~portal.models.ApiToken`: only a digest of the key is stored;
    an expired or revoked token, or one of a deactivated user, is refused (401)."""

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(digest=token_digest(key)).first()
        if token is None or not token.is_active or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("令牌无效、已过期或已被吊销。"))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
