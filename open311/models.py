"""Keys of the systems that call the Open311 GeoReport v2 endpoint."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def key_digest(key: str) -> str:
    """The SHA-256 of a key: what is stored and looked up (the key itself is shown once, never kept)."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """One calling system's Open311 key (a 12345 hotline, a city app, a data platform).

    Problems it posts are registered on ``channel`` by its own service ``account`` (role 对接系统), so the
    audit trail and the timeline name the system. It reads the problems its channel created, or every
    problem when ``read_all_channels`` is granted. Only the digest of the key is kept.
    """

    name = models.CharField(_("对接系统名称"), max_length=100)
    channel = models.ForeignKey(
        "issues.Channel", verbose_name=_("受理渠道"), on_delete=models.PROTECT, related_name="open311_keys"
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("服务账号"),
        on_delete=models.PROTECT,
        related_name="open311_key",
        editable=False,
    )
    read_all_channels = models.BooleanField(
        _("可读取全部渠道的问题"),
        default=False,
        help_text=_("默认只能读取本渠道登记的问题；勾选后可读取所有渠道的问题（仍不含任何个人信息）。"),
    )
    prefix = models.CharField(_("密钥前缀"), max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("签发时间"), editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("吊销人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 密钥")
        verbose_name_plural = _("Open311 密钥")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
