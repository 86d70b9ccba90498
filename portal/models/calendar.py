from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """One date whose working status an administrator sets by hand, overriding chinese-calendar.

    Used for years the library does not know yet, for local holidays and for corrections.
    """

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'工作日' if self.is_working_day else '休息日'}"


class CalendarYear(models.Model):
    """An administrator's confirmation that one year's statutory holidays and make-up working days have
    been entered (in the override table, or known to chinese-calendar and checked). Until a year the
    library does not know is confirmed, the workbench and supervision pages warn about it."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    confirmed_by = models.ForeignKey(
        "portal.User", verbose_name=_("确认人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("年度节假日确认")
        verbose_name_plural = _("年度节假日确认")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}"
