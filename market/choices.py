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
