from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLogImmutable(Exception):
    """Raised when code tries to change or delete an audit row."""


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogImmutable("audit rows are append-only")

    def delete(self):
        raise AuditLogImmutable("audit rows are append-only")

    def for_target(self, obj):
        return self.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk))


class AuditLog(models.Model):
    """One recorded action: who did what to which object, when, from where. Append-only.

    Rows are hash-chained: ``hash`` is the SHA-256 of the row's content and ``prev_hash``, the hash of
    the row before it (by id), so ``manage.py audit_verify`` finds an edited or a missing row. On
    PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE, and the application's database role owns
    neither the table nor its triggers (``manage.py db_roles``, docs/deployment.md).
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    action = models.CharField(_("动作"), max_length=100, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    target_repr = models.CharField(_("对象"), max_length=200, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    prev_hash = models.CharField(_("前一条摘要"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("摘要"), max_length=64, blank=True, editable=False)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditLogImmutable("audit rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutable("audit rows are append-only")


class AuditAnchor(models.Model):
    """One purge of old audit rows (``manage.py audit_purge``): rows up to ``last_id`` were removed after
    ``AUDIT_RETENTION_DAYS``, and ``last_hash`` was the hash of the last one, so the chain that remains
    still verifies from here. Written only by the purge, which runs as the database owner role."""

    last_id = models.BigIntegerField(_("最后删除的编号"))
    last_hash = models.CharField(_("最后删除的摘要"), max_length=64)
    purged_rows = models.PositiveIntegerField(_("删除行数"))
    before = models.DateTimeField(_("删除早于"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    operator = models.CharField(_("执行者"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("审计日志清理锚点")
        verbose_name_plural = _("审计日志清理锚点")
        ordering = ["-last_id"]

    def __str__(self) -> str:
        return f"≤ {self.last_id} ({self.created_at:%Y-%m-%d})"
