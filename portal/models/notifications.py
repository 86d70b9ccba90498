from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.choices import NotificationChannel, NotificationStatus


class NotificationQuerySet(models.QuerySet):
    def inbox_for(self, user):
        return self.filter(recipient=user, channel=NotificationChannel.INBOX, status=NotificationStatus.SENT)

    def unread_for(self, user):
        return self.inbox_for(user).filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one person on one channel. Written in the same transaction as the change that
    causes it (the outbox); a django-q2 task delivers it after commit. Inbox rows become visible once
    delivered."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField(_("渠道"), max_length=10, choices=NotificationChannel.choices)
    kind = models.CharField(_("类型"), max_length=100)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最后错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    claimed_at = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "channel", "status", "read_at"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def idempotency_key(self) -> str:
        """The same for every attempt at this row: gateways and mail clients drop repeats of it."""
        return f"portal-notification-{self.pk}"
