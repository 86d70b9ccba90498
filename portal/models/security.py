import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LoginThrottle(models.Model):
    """One counter of failed sign-ins for one key: an account name at one address, an account name from
    anywhere, or one address for any account (``portal.lockout``).

    The key is kept whether or not the account exists, so a refusal never tells which names are real.
    ``attempts`` counts password checks reserved in the current window; reaching the scope's limit sets
    ``blocked_until`` for a back-off that doubles with each ``level`` and decays after a quiet day.
    """

    class Scope(models.TextChoices):
        ACCOUNT_AT_ADDRESS = "pair", _("账号 + 地址")
        ACCOUNT = "account", _("账号")
        ADDRESS = "address", _("地址")

    scope = models.CharField(_("范围"), max_length=10, choices=Scope.choices)
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip = models.CharField(_("IP 地址"), max_length=45, blank=True)
    attempts = models.PositiveIntegerField(_("本轮尝试次数"), default=0)
    level = models.PositiveSmallIntegerField(_("退避级别"), default=0)
    blocked_until = models.DateTimeField(_("暂停至"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("最近尝试"), default=timezone.now)

    class Meta:
        verbose_name = _("登录尝试计数")
        verbose_name_plural = _("登录尝试计数")
        constraints = [models.UniqueConstraint(fields=["scope", "username", "ip"], name="portal_login_throttle_key")]
        indexes = [models.Index(fields=["username"])]

    def __str__(self) -> str:
        return f"{self.scope} {self.username} {self.ip}".strip()


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """One API token issued to a user by ``POST /api/v1/auth/token/``.

    Only the SHA-256 digest of the key is stored (the key is shown once, in the response); ``prefix`` is
    the key's first characters, enough for the owner to recognise it in the list. A token stops working
    at ``expires_at`` or when revoked (by its owner, an administrator, a password change or a logout).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("用户")
    )
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    prefix = models.CharField(_("前缀"), max_length=8)
    created_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    created_ip = models.GenericIPAddressField(_("签发地址"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("吊销原因"), max_length=30, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
