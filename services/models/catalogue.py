"""The catalogue: service items (事项) and their materials, 一类事 bundles, their items and published
versions, and the catalogue's version counter."""

import datetime as dt
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from portal.choices import Board, SizeClass
from portal.permissions import is_admin

from ..choices import (
    Automation,
    BundleKind,
    ItemKind,
    ItemType,
    LifecycleStage,
    MaterialForm,
    ProviderSide,
)


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
