"""Models of the market app: shared facilities and their bookings; the intermediary marketplace."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from market.choices import BookingStatus, BookingUnit, FacilityKind
from portal.choices import Certification
from portal.models.enterprises import member_filter


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
        from portal.permissions import CLERK_ROLES, user_has_role

        if user_has_role(user, CLERK_ROLES):
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
