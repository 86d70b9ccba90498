"""Applications (一类事 申请), their fulfilment tasks (one per chosen item) and the automatic reminders of
value-added items."""

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.permissions import is_enterprise_user, is_handler, reads_all_cases

from ..choices import (
    ApplicationStatus,
    Automation,
    Channel,
    ItemKind,
    TaskStatus,
)
from ..workflow import CLOCK_STOPPED, FINAL_TASK_STATUSES, TASK
from .catalogue import Bundle, BundleItem, BundleVersion, ServiceItem


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Members see their enterprises' applications, departments those with one of their tasks,
        window staff and auditors all; everyone else nothing."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if reads_all_cases(user):
            return self
        if is_handler(user):
            if not user.department_id:
                return self.none()
            return self.filter(
                pk__in=ApplicationItem.objects.filter(department_id=user.department_id).values("application_id")
            )
        if is_enterprise_user(user):
            return self.filter(enterprise_id__in=models.Subquery(_verified_enterprise_ids(user)))
        return self.none()


def _verified_enterprise_ids(user):
    from portal.models import Membership

    return Membership.objects.verified().filter(user=user).values("enterprise_id")


class Application(models.Model):
    """One submission of a bundle by (or on behalf of) an enterprise; its status rolls up its tasks."""

    reference = models.CharField(_("申请编号"), max_length=30, unique=True)
    bundle = models.ForeignKey(Bundle, verbose_name=_("一类事"), on_delete=models.PROTECT, related_name="applications")
    bundle_version = models.ForeignKey(
        BundleVersion, verbose_name=_("申请时版本"), on_delete=models.PROTECT, related_name="applications"
    )
    enterprise = models.ForeignKey(
        "portal.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="applications"
    )
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    submitted_by = models.ForeignKey(
        "portal.User", verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="submitted_applications"
    )
    on_behalf = models.BooleanField(_("窗口代办"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=20)
    address = models.CharField(_("联系地址"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    offered = models.JSONField(_("勾选情况"), default=dict, help_text=_("提交时提供的增值服务及是否勾选"))
    idempotency_key = models.CharField(_("提交令牌"), max_length=64, unique=True, null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(default=0)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("一类事申请")
        verbose_name_plural = _("一类事申请")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "-submitted_at"]),
            models.Index(fields=["status", "-submitted_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("services:application_detail", args=[self.pk])


class ApplicationItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if reads_all_cases(user):
            return self
        if is_handler(user):
            return self.filter(department_id=user.department_id) if user.department_id else self.none()
        if is_enterprise_user(user):
            return self.filter(application__enterprise_id__in=models.Subquery(_verified_enterprise_ids(user)))
        return self.none()

    def actionable_by(self, user):
        """Tasks the user may move: a handler's own department's tasks only."""
        if not is_handler(user) or not user.department_id:
            return self.none()
        return self.filter(department_id=user.department_id)

    def clock_running(self):
        """Tasks whose clock runs: open and not paused for 补正 (``ApplicationItem.clock_running``)."""
        return self.exclude(status__in=CLOCK_STOPPED)

    def overdue(self, today: dt.date | None = None):
        """Past their due date now, derived from ``due_date`` when read (``ApplicationItem.is_overdue``);
        the (status, due_date) index serves it."""
        return self.clock_running().filter(due_date__lt=today or timezone.localdate())


class ApplicationItem(models.Model):
    """One chosen item of an application: the fulfilment task of its department, with its own status."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="items")
    bundle_item = models.ForeignKey(BundleItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    service = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="tasks")
    service_code = models.CharField(_("事项编码"), max_length=40)
    name = models.CharField(_("事项名称"), max_length=120)
    kind = models.CharField(_("类别"), max_length=20, choices=ItemKind.choices)
    department = models.ForeignKey(
        "portal.Department", verbose_name=_("承办部门"), on_delete=models.PROTECT, related_name="service_tasks"
    )
    status = models.CharField(_("状态"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.PENDING)
    handler = models.ForeignKey(
        "portal.User", verbose_name=_("承办人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    promised_days = models.PositiveSmallIntegerField(_("承诺时限（工作日）"))
    due_date = models.DateField(_("应办结日期"))
    paused_on = models.DateField(_("暂停计时日期"), null=True, blank=True)
    paused_days = models.PositiveSmallIntegerField(_("已暂停工作日"), default=0)
    answers = models.JSONField(_("共享信息"), default=dict)
    note = models.CharField(_("补正说明"), max_length=500, blank=True)
    result = models.CharField(_("办理结果"), max_length=500, blank=True)
    reason = models.CharField(_("不予受理理由"), max_length=500, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    version = models.PositiveIntegerField(default=0)

    objects = ApplicationItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("办理任务")
        verbose_name_plural = _("办理任务")
        ordering = ["application", "order", "id"]
        indexes = [
            models.Index(fields=["department", "status", "due_date"]),
            models.Index(fields=["status", "due_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} · {self.name}"

    @property
    def is_open(self) -> bool:
        return self.status not in FINAL_TASK_STATUSES

    @property
    def clock_running(self) -> bool:
        return self.status not in CLOCK_STOPPED

    @property
    def is_overdue(self) -> bool:
        """Past the due date now (``ApplicationItemQuerySet.overdue()`` in SQL); computed when read."""
        return self.clock_running and self.due_date < timezone.localdate()

    @property
    def light(self) -> str:
        """on-time / due-soon (due today or tomorrow) / overdue, for the traffic-light CSS classes."""
        if not self.is_open:
            return ""
        if self.is_overdue:
            return "overdue"
        if (self.due_date - timezone.localdate()).days <= 1:
            return "duesoon"
        return "ontime"

    def can(self, event: str) -> bool:
        """Whether the task's state allows the move (who may is ``TASK.allowed``)."""
        return TASK.can(self, event)


class Reminder(models.Model):
    """One automatic reminder sent to an enterprise (证照到期提醒, 年报提醒); unique per subject so a
    scheduled run delivered twice reminds once."""

    enterprise = models.ForeignKey("portal.Enterprise", on_delete=models.CASCADE, related_name="service_reminders")
    kind = models.CharField(_("类型"), max_length=20, choices=Automation.choices)
    subject = models.CharField(_("提醒对象"), max_length=100, help_text=_("如 license:12:2026-12-31 或 annual:2026"))
    due_on = models.DateField(_("到期日"))
    task = models.ForeignKey(ApplicationItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)

    class Meta:
        verbose_name = _("自动提醒")
        verbose_name_plural = _("自动提醒")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "kind", "subject"], name="uniq_service_reminder"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_kind_display()} · {self.subject}"
