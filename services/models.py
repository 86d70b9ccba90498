"""Models of the services app: service items (事项), 一类事 bundles and their published versions,
applications and their fulfilment tasks, and the automatic reminders of value-added items."""

import datetime as dt
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from portal.choices import Board, SizeClass
from portal.permissions import is_admin, is_enterprise_user, is_handler, reads_all_cases

from .choices import (
    ApplicationStatus,
    Automation,
    BundleKind,
    Channel,
    ItemKind,
    ItemType,
    LifecycleStage,
    MaterialForm,
    ProviderSide,
    TaskStatus,
)
from .workflow import CLOCK_STOPPED, FINAL_TASK_STATUSES, TASK


class ServiceItemQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class ServiceItem(models.Model):
    """One government or value-added service (事项) as described by its 办事指南."""

    code = models.CharField(_("事项编码"), max_length=40, unique=True)
    name = models.CharField(_("事项名称"), max_length=120)
    item_type = models.CharField(_("事项类型"), max_length=20, choices=ItemType.choices)
    kind = models.CharField(_("服务类别"), max_length=20, choices=ItemKind.choices, default=ItemKind.BASIC)
    department = models.ForeignKey(
        "portal.Department", verbose_name=_("实施部门"), on_delete=models.PROTECT, related_name="service_items"
    )
    provider_side = models.CharField(
        _("提供方"), max_length=20, choices=ProviderSide.choices, default=ProviderSide.GOVERNMENT
    )
    board = models.CharField(_("板块"), max_length=20, choices=Board.choices, blank=True)
    automation = models.CharField(_("办理方式"), max_length=20, choices=Automation.choices, default=Automation.MANUAL)
    target = models.CharField(_("服务对象"), max_length=100, blank=True, default="企业法人")
    conditions = models.TextField(_("受理条件"), blank=True)
    legal_days = models.PositiveSmallIntegerField(_("法定办结时限（工作日）"), default=20)
    promised_days = models.PositiveSmallIntegerField(
        _("承诺办结时限（工作日）"), default=5, help_text=_("0 表示即办件（当日办结）。")
    )
    fee = models.DecimalField(
        _("收费（元）"), max_digits=10, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    fee_note = models.CharField(_("收费说明"), max_length=200, blank=True)
    online = models.BooleanField(_("可网办"), default=True)
    visits = models.PositiveSmallIntegerField(_("到现场次数"), default=0)
    guide = models.TextField(_("办事指南"), blank=True)
    description = models.CharField(_("简介"), max_length=300, blank=True)
    contact_phone = models.CharField(_("咨询电话"), max_length=30, blank=True)
    complaint_phone = models.CharField(_("投诉电话"), max_length=30, blank=True, default="12345")
    version = models.PositiveIntegerField(_("版本"), default=1)
    effective_from = models.DateField(_("生效日期"), default=dt.date(2025, 1, 1))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    objects = ServiceItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")
        ordering = ["code"]
        indexes = [models.Index(fields=["department", "active"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def is_free(self) -> bool:
        return not self.fee

    @property
    def is_instant(self) -> bool:
        return self.promised_days == 0

    @property
    def is_automatic(self) -> bool:
        return self.automation != Automation.MANUAL


class ServiceMaterial(models.Model):
    """One material (申请材料) an applicant hands in for a service item."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("材料名称"), max_length=150)
    form = models.CharField(_("材料形式"), max_length=20, choices=MaterialForm.choices, default=MaterialForm.ELECTRONIC)
    count = models.PositiveSmallIntegerField(_("份数"), default=1)
    required = models.BooleanField(_("必需"), default=True)
    source = models.CharField(_("来源"), max_length=100, blank=True, help_text=_("如：申请人自备、数据共享免提交"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class BundleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def visible_to(self, user):
        """Everyone sees published bundles; catalogue administrators also see drafts (preview)."""
        return self if drafts_visible_to(user) else self.published()


def drafts_visible_to(user) -> bool:
    """Whether ``user`` sees unpublished bundles too (the catalogue's two audiences)."""
    return is_admin(user)


class Bundle(models.Model):
    """One 一类事 bundle: basic services always included plus optional value-added items."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=BundleKind.choices)
    stage = models.CharField(_("生命周期阶段"), max_length=20, choices=LifecycleStage.choices, blank=True)
    chain = models.CharField(_("产业链"), max_length=50, blank=True, help_text=_("如：美妆、民宿、新能源"))
    board = models.CharField(_("牵头板块"), max_length=20, choices=Board.choices, blank=True)
    region = models.ForeignKey(
        "portal.Region", verbose_name=_("适用区划"), on_delete=models.PROTECT, null=True, blank=True
    )
    summary = models.CharField(_("一句话简介"), max_length=200, blank=True)
    description = models.TextField(_("说明"), blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    published = models.BooleanField(_("已发布"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=0, help_text=_("每次发布加一。"))

    objects = BundleQuerySet.as_manager()

    class Meta:
        verbose_name = _("一类事")
        verbose_name_plural = _("一类事")
        ordering = ["order", "code"]
        indexes = [models.Index(fields=["published", "kind", "order"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("services:bundle_detail", args=[self.code])

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.kind == BundleKind.LIFECYCLE and not self.stage:
            raise ValidationError({"stage": _("生命周期类一类事请选择阶段。")})
        if self.kind == BundleKind.INDUSTRY_CHAIN and not self.chain:
            raise ValidationError({"chain": _("产业链类一类事请填写产业链。")})

    @property
    def group_label(self) -> str:
        return self.get_stage_display() if self.kind == BundleKind.LIFECYCLE else self.chain

    @cached_property
    def region_full_name(self) -> str:
        """The scope's full name (湖州市吴兴区…); kept with a cached bundle (services.catalogue_cache)."""
        return self.region.full_name if self.region_id else ""


class BundleItem(models.Model):
    """One service item offered in a bundle: basic (always included) or value-added (tickable)."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="items")
    service = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=20, choices=ItemKind.choices, default=ItemKind.BASIC)
    default_selected = models.BooleanField(_("默认勾选"), default=False)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    requires = models.ManyToManyField(
        "self", verbose_name=_("依赖（须同时勾选）"), symmetrical=False, blank=True, related_name="required_by"
    )
    excludes = models.ManyToManyField("self", verbose_name=_("互斥（不能同时勾选）"), symmetrical=True, blank=True)
    recommend_industries = models.CharField(
        _("推荐行业"), max_length=200, blank=True, help_text=_("国民经济行业代码前缀，逗号分隔，如 C26,C38")
    )
    recommend_sizes = models.CharField(
        _("推荐规模"), max_length=60, blank=True, help_text=_("逗号分隔：large, medium, small, micro")
    )
    recommend_max_age_years = models.PositiveSmallIntegerField(
        _("推荐成立年限以内"), null=True, blank=True, help_text=_("成立不满若干年的企业推荐勾选")
    )

    class Meta:
        verbose_name = _("一类事事项")
        verbose_name_plural = _("一类事事项")
        ordering = ["bundle", "kind", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["bundle", "service"], name="uniq_bundle_service")]

    def __str__(self) -> str:
        return self.service.name

    @property
    def is_basic(self) -> bool:
        return self.kind == ItemKind.BASIC

    def has_recommendation(self) -> bool:
        return bool(self.recommend_industries or self.recommend_sizes or self.recommend_max_age_years)

    def recommended_for(self, enterprise, today: dt.date | None = None) -> bool:
        """True when every recommendation criterion set on this item fits the enterprise's profile."""
        if enterprise is None or not self.has_recommendation():
            return False
        if self.recommend_industries:
            prefixes = [p.strip() for p in self.recommend_industries.split(",") if p.strip()]
            if not any(enterprise.industry.startswith(p) for p in prefixes):
                return False
        if self.recommend_sizes:
            sizes = {s.strip() for s in self.recommend_sizes.split(",") if s.strip()}
            if enterprise.size_class not in sizes:
                return False
        if self.recommend_max_age_years:
            today = today or timezone.localdate()
            age_days = (today - enterprise.established).days
            if age_days > self.recommend_max_age_years * 365:
                return False
        return True

    def clean(self):
        from django.core.exceptions import ValidationError

        valid_sizes = set(SizeClass.values)
        sizes = {s.strip() for s in self.recommend_sizes.split(",") if s.strip()}
        if sizes - valid_sizes:
            raise ValidationError({"recommend_sizes": _("未知的企业规模：%s") % "、".join(sorted(sizes - valid_sizes))})


class BundleVersion(models.Model):
    """One frozen offering of a bundle (what was listed, with items, departments, time limits).

    A new row is written when the bundle is published and whenever an application is submitted
    against an offering that differs from the last one, so an application always points at
    exactly what it was offered, however the catalogue changes later.
    """

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    digest = models.CharField(_("内容摘要"), max_length=64)
    snapshot = models.JSONField(_("内容快照"))
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    created_by = models.ForeignKey("portal.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("一类事版本")
        verbose_name_plural = _("一类事版本")
        ordering = ["bundle", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "number"], name="uniq_bundle_version_number"),
            models.UniqueConstraint(fields=["bundle", "digest"], name="uniq_bundle_version_digest"),
        ]

    def __str__(self) -> str:
        return f"{self.bundle} v{self.number}"


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


__all__ = [
    "Application",
    "ApplicationItem",
    "Bundle",
    "BundleItem",
    "BundleVersion",
    "Reminder",
    "ServiceItem",
    "ServiceMaterial",
]


class CatalogueVersion(models.Model):
    """The one row counting changes to the published catalogue (bundles, their items, service items and
    materials, and the names of departments and regions they show). Pages cache what is a pure function of
    the catalogue under this number (``services.catalogue_cache``); every change moves it."""

    number = models.PositiveBigIntegerField(_("版本号"), default=0)
    # A new random stamp with every change: a number moved in a transaction that then rolled back is
    # reused by the next change, a stamp never is (so nothing cached under it is ever read again).
    stamp = models.CharField(_("版本标记"), max_length=32, default="")

    class Meta:
        verbose_name = _("目录版本")
        verbose_name_plural = _("目录版本")

    def __str__(self) -> str:
        return str(self.number)
