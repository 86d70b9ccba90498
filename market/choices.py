"""Choice lists of the market app. Values are readable English slugs; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FacilityKind(models.TextChoices):
    PILOT_LINE = "pilot_line", _("中试线")
    INSTRUMENT = "instrument", _("仪器设备")
    LAB = "lab", _("实验室")


class BookingUnit(models.TextChoices):
    DAY = "day", _("按天")
    HALF_DAY = "half_day", _("按半天")


class BookingStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    CONFIRMED = "confirmed", _("已确认（待审核）")
    APPROVED = "approved", _("已批准")
    DECLINED = "declined", _("已拒绝")
    CANCELLED = "cancelled", _("已取消")


# Bookings that hold one of the facility's parallel slots.
HOLDING_STATUSES = frozenset({BookingStatus.CONFIRMED, BookingStatus.APPROVED})


class ServiceType(models.TextChoices):
    EIA = "eia", _("环境影响评价")
    SAFETY = "safety", _("安全评价")
    ENERGY = "energy", _("节能评估")
    SURVEY = "survey", _("测绘")
    COST = "cost", _("工程造价")
    AUDIT = "audit", _("审计")
    TESTING = "testing", _("检验检测")
    LEGAL = "legal", _("法律服务")


class IntermediaryStatus(models.TextChoices):
    PENDING = "pending", _("待核验")
    VERIFIED = "verified", _("已核验")
    REJECTED = "rejected", _("未通过")


class SelectionMethod(models.TextChoices):
    LOWEST_PRICE = "lowest_price", _("最低价中选")
    RANDOM_DRAW = "random_draw", _("随机抽取")
    DIRECT = "direct", _("直接选取")


class PurchaseStatus(models.TextChoices):
    OPEN = "open", _("报价中")
    SELECTED = "selected", _("已选定")
    CONTRACTED = "contracted", _("已签约")
    DELIVERED = "delivered", _("已交付")
    RATED = "rated", _("已评价")
    FAILED = "failed", _("流标")
    CANCELLED = "cancelled", _("已撤销")


# Purchases whose result is published (a winner was chosen).
RESULT_STATUSES = frozenset(
    {PurchaseStatus.SELECTED, PurchaseStatus.CONTRACTED, PurchaseStatus.DELIVERED, PurchaseStatus.RATED}
)
