from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.choices import Board, DepartmentKind, RegionLevel
from portal.i18n import english_name_field, localized_name


class RegionQuerySet(models.QuerySet):
    def current(self):
        return self.filter(valid_to__isnull=True)


class Region(models.Model):
    """One administrative division (GB/T 2260 code; 9 digits for a township) with its period of validity."""

    code = models.CharField(
        _("区划代码"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{6}(\d{3})?$", _("区划代码应为 6 位（乡镇 9 位）数字。"))],
    )
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("层级"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    valid_from = models.DateField(_("启用日期"), null=True, blank=True)
    valid_to = models.DateField(_("停用日期"), null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list["Region"]:
        """This region and every region above it, nearest first."""
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def ancestor_codes(self) -> list[str]:
        return [region.code for region in self.ancestors()]

    @property
    def full_name(self) -> str:
        return "".join(region.name for region in reversed(self.ancestors()))


class DepartmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Department(models.Model):
    """One government department, value-added board (板块), task force (专班), 兜底 office or service centre."""

    code = models.SlugField(_("部门简码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = english_name_field(200)
    kind = models.CharField(_("类型"), max_length=20, choices=DepartmentKind.choices)
    board = models.CharField(_("板块"), max_length=20, choices=Board.choices, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="departments")
    parent = models.ForeignKey(
        "self", verbose_name=_("上级部门"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    phone = models.CharField(_("咨询电话"), max_length=30, blank=True)
    complaint_phone = models.CharField(_("投诉电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["region__code", "code"]

    def __str__(self) -> str:
        return localized_name(self)

    @property
    def level(self) -> str:
        return self.region.level
