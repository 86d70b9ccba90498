"""Models of the market app: shared facilities and their bookings; the intermediary marketplace."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from market.choices import (
    BookingStatus,
    BookingUnit,
    FacilityKind,
    IntermediaryStatus,
    PurchaseStatus,
    SelectionMethod,
    ServiceType,
)
from portal.choices import Certification
from portal.models.enterprises import member_filter
from portal.permissions import is_portal_staff


class FacilityQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Facility(models.Model):
    """One bookable shared facility (a 中试 pilot line, an instrument, a lab) with its owner, its number of
    parallel slots, the unit it is booked in and who may book it.

    ``lock_version`` is the per-facility lock row: every action that takes or frees a slot first increments
    it with an UPDATE, which serialises those actions per facility on PostgreSQL (row lock) and SQLite
    (immediate transactions) alike; ``select_for_update`` would be a no-op on SQLite.
    """

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=FacilityKind.choices)
    description = models.TextField(_("简介"), blank=True)
    owner_department = models.ForeignKey(
        "portal.Department",
        verbose_name=_("所属部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facilities",
    )
    owner_enterprise = models.ForeignKey(
        "portal.Enterprise",
        verbose_name=_("所属企业/机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facilities",
    )
    region = models.ForeignKey("portal.Region", verbose_name=_("所在地"), on_delete=models.PROTECT)
    capacity = models.PositiveSmallIntegerField(
        _("并行容量"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    unit = models.CharField(_("预约单位"), max_length=10, choices=BookingUnit.choices, default=BookingUnit.DAY)
    max_units = models.PositiveSmallIntegerField(
        _("单次最长（预约单位数）"), default=5, validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    eligible_region = models.ForeignKey(
        "portal.Region",
        verbose_name=_("限本区域企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("留空则不限区域。"),
    )
    eligible_certification = models.CharField(_("须持有资质"), max_length=20, choices=Certification.choices, blank=True)
    eligible_size_classes = models.JSONField(_("限企业规模"), default=list, blank=True, help_text=_("留空则不限规模。"))
    is_active = models.BooleanField(_("开放预约"), default=True)
    lock_version = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("共享设施")
        verbose_name_plural = _("共享设施")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_department__isnull=False, owner_enterprise__isnull=True)
                | Q(owner_department__isnull=True, owner_enterprise__isnull=False),
                name="facility_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owner_name(self) -> str:
        owner = self.owner_department or self.owner_enterprise
        return owner.name if owner else ""


class FacilityBookingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Members see their enterprises' bookings; the owner's staff or members see the facility's; clerks,
        supervisors and administrators see all. Anyone else: nothing."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        from portal.permissions import is_clerk

        if is_clerk(user):
            return self
        owned = member_filter(user, prefix="facility__owner_enterprise")
        if user.department_id:
            owned |= Q(facility__owner_department_id=user.department_id)
        return self.filter(member_filter(user) | owned).distinct()


class FacilityBooking(models.Model):
    """One enterprise's request for one facility over one period: it holds a slot (confirmed, then approved
    by the owner) or waits in the facility's queue until a slot is free for the whole period."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="bookings")
    enterprise = models.ForeignKey("portal.Enterprise", on_delete=models.PROTECT, related_name="facility_bookings")
    booked_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField(_("开始"))
    end = models.DateTimeField(_("结束"))
    units = models.PositiveSmallIntegerField(_("预约单位数"))
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=BookingStatus.choices)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    queued_at = models.DateTimeField(_("排队时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    estimated_start = models.DateTimeField(_("预计可开始"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "portal.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("审核人")
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.CharField(_("理由"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("取消/拒绝时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = FacilityBookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("设施预约")
        verbose_name_plural = _("设施预约")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["facility", "status", "start"]),
            models.Index(fields=["facility", "status", "queued_at"]),
        ]
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="booking_end_after_start")]

    def __str__(self) -> str:
        return f"{self.facility} {self.start:%Y-%m-%d %H:%M}–{self.end:%Y-%m-%d %H:%M}"


class IntermediaryQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(status=IntermediaryStatus.VERIFIED)


class Intermediary(models.Model):
    """One intermediary firm (中介机构) registered in the 网上中介超市: its credit code, the services it offers,
    where and at what fee standard; it quotes only once an administrator has verified it and while it
    holds an unexpired qualification for the service. ``members`` are the people who act for it."""

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("机构名称"), max_length=200, db_index=True)
    region = models.ForeignKey("portal.Region", verbose_name=_("注册地"), on_delete=models.PROTECT)
    service_types = models.JSONField(_("服务类型"), default=list)
    service_regions = models.JSONField(_("服务区域"), default=list, blank=True, help_text=_("区划代码；留空则不限。"))
    fee_standard = models.TextField(_("收费标准"))
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=IntermediaryStatus.choices, default=IntermediaryStatus.PENDING
    )
    decided_by = models.ForeignKey(
        "portal.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("核验人")
    )
    decided_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    reason = models.CharField(_("核验意见"), max_length=300, blank=True)
    members = models.ManyToManyField("portal.User", related_name="intermediaries", blank=True, verbose_name=_("成员"))
    credit_score = models.DecimalField(_("信用分"), max_digits=5, decimal_places=1, default=Decimal("77.5"))
    rating = models.DecimalField(_("平均评分"), max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(_("评价数"), default=0)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = IntermediaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("中介机构")
        verbose_name_plural = _("中介机构")
        ordering = ["-credit_score", "name", "id"]
        indexes = [models.Index(fields=["status", "credit_score"])]

    def __str__(self) -> str:
        return self.name


class Qualification(models.Model):
    """One qualification certificate (资质) an intermediary holds for a service type, with its number and
    expiry date; an expired one no longer allows quoting for that service."""

    intermediary = models.ForeignKey(Intermediary, on_delete=models.CASCADE, related_name="qualifications")
    service_type = models.CharField(_("服务类型"), max_length=20, choices=ServiceType.choices)
    name = models.CharField(_("资质名称"), max_length=100)
    number = models.CharField(_("证书编号"), max_length=60)
    expires_on = models.DateField(_("有效期至"))

    class Meta:
        verbose_name = _("中介资质")
        verbose_name_plural = _("中介资质")
        ordering = ["service_type", "expires_on"]
        indexes = [models.Index(fields=["intermediary", "service_type", "expires_on"])]

    def __str__(self) -> str:
        return f"{self.name} {self.number}"


class PurchaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see all; the purchasing enterprise's members theirs; members of a verified intermediary the
        open purchases of their service types and those they quoted for. Anyone else: nothing."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if is_portal_staff(user):
            return self
        visible = member_filter(user) | Q(quotes__intermediary__members=user)
        types = set()
        for service_types in (
            Intermediary.objects.verified().filter(members=user).values_list("service_types", flat=True)
        ):
            types.update(service_types)
        if types:
            visible |= Q(status=PurchaseStatus.OPEN, service_type__in=types)
        return self.filter(visible).distinct()

    def results(self):
        from market.choices import RESULT_STATUSES

        return self.filter(status__in=RESULT_STATUSES)


class Purchase(models.Model):
    """One enterprise's purchase of an intermediary service (an 中介超市 project): what, for how much at
    most, until when quotes are taken, and how the intermediary is chosen; then the contract, the delivery
    and the enterprise's rating. Money in 元."""

    reference = models.CharField(_("项目编号"), max_length=30, unique=True)
    enterprise = models.ForeignKey("portal.Enterprise", on_delete=models.PROTECT, related_name="purchases")
    created_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("项目名称"), max_length=200)
    service_type = models.CharField(_("服务类型"), max_length=20, choices=ServiceType.choices)
    scope = models.TextField(_("服务范围"))
    budget = models.DecimalField(_("预算（元）"), max_digits=14, decimal_places=2, validators=[MinValueValidator(1)])
    quote_deadline = models.DateTimeField(_("报价截止时间"))
    selection_method = models.CharField(_("选取方式"), max_length=20, choices=SelectionMethod.choices)
    status = models.CharField(_("状态"), max_length=20, choices=PurchaseStatus.choices, default=PurchaseStatus.OPEN)
    created_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    selected_at = models.DateTimeField(_("选定时间"), null=True, blank=True)
    winning_quote = models.OneToOneField(
        "market.Quote", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("中选报价")
    )
    draw_seed = models.CharField(_("抽取种子"), max_length=64, blank=True)
    draw_candidates = models.JSONField(_("抽取候选（报价编号）"), default=list, blank=True)
    contract_price = models.DecimalField(
        _("合同价（元）"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    contracted_at = models.DateTimeField(_("签约时间"), null=True, blank=True)
    delivery_due = models.DateField(_("约定交付日期"), null=True, blank=True)
    delivered_on = models.DateField(_("实际交付日期"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("企业评价"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.CharField(_("评价说明"), max_length=300, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    reason = models.CharField(_("说明"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = PurchaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("中介服务采购")
        verbose_name_plural = _("中介服务采购")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "quote_deadline"]),
            models.Index(fields=["contracted_at", "service_type"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class Quote(models.Model):
    """One intermediary's price for one purchase (one quote each, sealed from other quoters)."""

    purchase = models.ForeignKey(Purchase, on_delete=models.CASCADE, related_name="quotes")
    intermediary = models.ForeignKey(Intermediary, on_delete=models.PROTECT, related_name="quotes")
    price = models.DecimalField(_("报价（元）"), max_digits=14, decimal_places=2, validators=[MinValueValidator(1)])
    note = models.CharField(_("说明"), max_length=300, blank=True)
    submitted_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("报价时间"), default=timezone.now)

    class Meta:
        verbose_name = _("报价")
        verbose_name_plural = _("报价")
        ordering = ["price", "submitted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["purchase", "intermediary"], name="uniq_quote_per_intermediary")]

    def __str__(self) -> str:
        return f"{self.intermediary} {self.price}"


class IntermediaryComplaint(models.Model):
    """An enterprise's complaint about an intermediary, registered as a problem (category 中介/乱收费);
    counts against the intermediary's credit score."""

    intermediary = models.ForeignKey(Intermediary, on_delete=models.PROTECT, related_name="complaints")
    purchase = models.ForeignKey(Purchase, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints")
    issue = models.OneToOneField("issues.Issue", on_delete=models.PROTECT, related_name="intermediary_complaint")
    created_at = models.DateTimeField(_("投诉时间"), default=timezone.now)

    class Meta:
        verbose_name = _("中介投诉")
        verbose_name_plural = _("中介投诉")
        indexes = [models.Index(fields=["intermediary", "created_at"])]

    def __str__(self) -> str:
        return f"{self.intermediary} ← {self.issue_id}"
