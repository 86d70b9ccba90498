"""Configuration of the issues app: channels, categories, 三不管 kinds, deadline rules and the 重办/ranking
settings (administrator-edited)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.i18n import english_name_field, localized_name

from ..choices import (
    Tier,
)


class ConfigQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Channel(models.Model):
    """One intake channel (线上门户, 12345热线, 政企恳谈会 …), configured by administrators."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    name_en = english_name_field(100)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ConfigQuerySet.as_manager()

    class Meta:
        verbose_name = _("受理渠道")
        verbose_name_plural = _("受理渠道")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return localized_name(self)


class Category(models.Model):
    """One node of the problem taxonomy (用工, 融资, 用地/厂房 …); ``parent`` allows sub-categories."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    name_en = english_name_field(100)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级分类"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ConfigQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题分类")
        verbose_name_plural = _("问题分类")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return localized_name(self)


class OwnerlessKind(models.Model):
    """One kind of 三不管 case the 兜底 office catches (职责不清, 多头管理, 新业态无主管 …)."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    name_en = english_name_field(100)
    description = models.TextField(_("说明"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ConfigQuerySet.as_manager()

    class Meta:
        verbose_name = _("三不管类型")
        verbose_name_plural = _("三不管类型")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return localized_name(self)


class DeadlineRule(models.Model):
    """The time limits for problems of one category and tier (blank = any); the most specific rule wins.

    Defaults follow Zhejiang practice: 交办 ≤ 2 working days after registration, reply ≤ 14 calendar days
    after dispatch, follow-up ≤ 3 working days after the reply, 重办 ≤ 15 working days, return ≤ 1
    working day after dispatch.
    """

    category = models.ForeignKey(
        Category, verbose_name=_("问题分类"), on_delete=models.CASCADE, null=True, blank=True, related_name="rules"
    )
    tier = models.CharField(_("难易程度"), max_length=10, choices=Tier.choices, blank=True)
    dispatch_working_days = models.PositiveSmallIntegerField(_("交办时限（工作日）"), default=2)
    reply_days = models.PositiveSmallIntegerField(_("答复时限（天）"), default=14)
    reply_in_working_days = models.BooleanField(
        _("答复时限按工作日计"), default=False, help_text=_("不勾选则按自然日计算。")
    )
    followup_working_days = models.PositiveSmallIntegerField(_("回访时限（工作日）"), default=3)
    redo_working_days = models.PositiveSmallIntegerField(_("重办时限（工作日）"), default=15)
    return_working_days = models.PositiveSmallIntegerField(_("退回时限（工作日）"), default=1)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("办理时限规则")
        verbose_name_plural = _("办理时限规则")
        constraints = [models.UniqueConstraint(fields=["category", "tier"], name="uniq_issue_deadline_rule")]

    def __str__(self) -> str:
        return f"{self.category or _('全部分类')} / {self.get_tier_display() or _('全部难度')}"

    def clean(self):
        # The unique constraint treats NULL categories as distinct; one rule per (category, tier) still.
        duplicate = DeadlineRule.objects.filter(category=self.category_id, tier=self.tier).exclude(pk=self.pk)
        if duplicate.exists():
            raise ValidationError(_("该分类和难易程度的时限规则已存在，请直接修改原规则。"))


class IssueSettings(models.Model):
    """The one row of administrator settings for 重办 and the published ranking; without a row the
    defaults apply (DOMAIN.md §3: 重办 at most twice; a department needs 5 problems to be ranked)."""

    max_reopens = models.PositiveSmallIntegerField(
        _("重办次数上限"),
        default=2,
        validators=[MaxValueValidator(10)],
        help_text=_("差评后最多重办几次；再有差评时不再重办，转督办（提级、集中会商或说明理由办结）。"),
    )
    ranking_min_sample = models.PositiveSmallIntegerField(
        _("参与排名的最少问题数"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("统计周期内问题少于此数的部门照常公布数据，但不排名（样本不足）。"),
    )

    class Meta:
        verbose_name = _("问责与排名设置")
        verbose_name_plural = _("问责与排名设置")

    def __str__(self) -> str:
        return str(_("问责与排名设置"))

    @classmethod
    def current(cls) -> "IssueSettings":
        """The saved settings, or an unsaved row with the defaults (one query, no write)."""
        return cls.objects.order_by("pk").first() or cls()
