"""Models of the policies app: policies, their conditions as data, version history, 免申即享 entitlements."""

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.choices import Board
from portal.models.enterprises import member_filter
from portal.permissions import is_clerk, is_portal_staff

from .choices import EntitlementStatus, Operator, PolicyMode, PolicyStatus
from .facts import fact_choices, parse_check
from .wording import describe
from .workflow import ENTITLEMENT, POLICY


class PolicyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status__in=POLICY.group("live"))

    def visible_to(self, user):
        """Published policies for everyone (anonymous too); drafts and expired ones for staff."""
        if is_portal_staff(user):
            return self
        return self.published()


class Policy(models.Model):
    """One enterprise-support policy (惠企政策) as published: who issues it, where it applies, what it gives
    and how it is obtained. Its conditions are :class:`Condition` rows; each publication is a version."""

    title = models.CharField(_("政策名称"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=100, blank=True)
    department = models.ForeignKey(
        "portal.Department", verbose_name=_("发布部门"), on_delete=models.PROTECT, related_name="policies"
    )
    region = models.ForeignKey(
        "portal.Region",
        verbose_name=_("适用区域"),
        on_delete=models.PROTECT,
        related_name="policies",
        help_text=_("含下辖区划：选湖州市即适用于湖州市及其所有区县。"),
    )
    board = models.CharField(_("板块"), max_length=20, choices=Board.choices, blank=True)
    summary = models.TextField(_("政策简介"), blank=True)
    benefit = models.CharField(_("扶持内容"), max_length=300)
    benefit_amount = models.DecimalField(
        _("最高金额（万元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("用于按扶持力度排序；非资金类政策留空。"),
    )
    mode = models.CharField(_("兑现方式"), max_length=10, choices=PolicyMode.choices, default=PolicyMode.APPLY)
    apply_from = models.DateField(_("申报开始"), null=True, blank=True)
    apply_to = models.DateField(_("申报截止"), null=True, blank=True)
    guide_beneficiaries = models.TextField(_("受益对象"), blank=True)
    guide_conditions = models.TextField(_("申报条件"), blank=True)
    guide_timeline = models.CharField(_("兑现时限"), max_length=200, blank=True)
    guide_contact = models.CharField(_("联系方式"), max_length=200, blank=True)
    source_url = models.URLField(_("原文链接"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("修订次数"), default=0)
    # A copy of the conditions, one line each: "group|fact|operator|value|value2|guard_fact|guard_operator|
    # guard_value|guard_value2" (no valid value contains "|" or a newline), refreshed by every action that
    # changes them, so that matching reads a policy and its rules in one row and splits them cheaply (see
    # selectors.match_facts). Condition rows stay the source.
    rules = models.TextField(_("条件（派生）"), blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("政策")
        verbose_name_plural = _("政策")
        ordering = [models.F("benefit_amount").desc(nulls_last=True), "title", "id"]
        indexes = [
            models.Index(fields=["status", "region"]),
            models.Index(fields=["status", "mode"]),
            models.Index(fields=["status", "board"]),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.apply_from and self.apply_to and self.apply_to < self.apply_from:
            raise ValidationError({"apply_to": _("申报截止日期早于开始日期。")})

    @property
    def is_exempt(self) -> bool:
        return self.mode == PolicyMode.EXEMPT

    def can_publish(self) -> bool:
        return POLICY.can(self, "publish")

    def can_expire(self) -> bool:
        return POLICY.can(self, "expire")


# A policy's 办事指南 (guide) fields, as edited, versioned and shown with each match.
GUIDE_FIELDS = ("guide_beneficiaries", "guide_conditions", "guide_timeline", "guide_contact", "source_url")

# The fields of a condition row, in the order ``Policy.rules`` stores them; admin, forms, actions,
# selectors and demo data all use this one list.
CONDITION_KEYS = (
    "group",
    "fact",
    "operator",
    "value",
    "value2",
    "guard_fact",
    "guard_operator",
    "guard_value",
    "guard_value2",
)


def rules_text(rows) -> str:
    """The ``Policy.rules`` copy of condition rows (sequences in ``CONDITION_KEYS`` order)."""
    return "\n".join("|".join(str(part) for part in row) for row in rows)


class Condition(models.Model):
    """One alternative of one condition group of a policy. Rows with the same ``group`` number are
    alternatives (any one suffices); different groups must all hold. An optional guard limits the row to a
    band ("研发费用占比 ≥ 4%" only where "销售收入 > 5000 且 ≤ 20000 万元")."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="conditions")
    group = models.PositiveSmallIntegerField(
        _("条件组"), default=1, help_text=_("同一组内的条件满足其一即可；各组须全部满足。")
    )
    fact = models.CharField(_("事实"), max_length=40, choices=fact_choices)
    operator = models.CharField(_("运算符"), max_length=10, choices=Operator.choices)
    value = models.CharField(_("值"), max_length=300, blank=True, help_text=_("多个值用逗号分隔；比例填百分数。"))
    value2 = models.CharField(_("上限"), max_length=50, blank=True, help_text=_("仅区间条件填写。"))
    guard_fact = models.CharField(_("适用区间·事实"), max_length=40, choices=fact_choices, blank=True)
    guard_operator = models.CharField(_("适用区间·运算符"), max_length=10, choices=Operator.choices, blank=True)
    guard_value = models.CharField(_("适用区间·值"), max_length=300, blank=True)
    guard_value2 = models.CharField(_("适用区间·上限"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("政策条件")
        verbose_name_plural = _("政策条件")
        ordering = ["policy", "group", "id"]

    def __str__(self) -> str:
        try:
            return self.plain_text()
        except ValidationError:
            return f"{self.fact} {self.operator} {self.value}"

    def checks(self, *, region_codes=None):
        """Parse the row: (check, guard or None); ValidationError when it cannot be evaluated."""
        check = parse_check(self.fact, self.operator, self.value, self.value2, region_codes=region_codes)
        guard = None
        if self.guard_fact or self.guard_operator or self.guard_value:
            try:
                guard = parse_check(
                    self.guard_fact,
                    self.guard_operator,
                    self.guard_value,
                    self.guard_value2,
                    region_codes=region_codes,
                )
            except ValidationError as exc:
                raise ValidationError({f"guard_{k}": v for k, v in exc.message_dict.items()}) from None
        return check, guard

    def plain_text(self, *, region_names=None) -> str:
        check, guard = self.checks()
        return describe(check, guard, region_names=region_names)

    def clean(self):
        from portal.models import Region

        codes = None
        if "region" in {self.fact, self.guard_fact}:
            codes = set(Region.objects.values_list("code", flat=True))
        check, guard = self.checks(region_codes=codes)
        # Store the normalised values (labels → codes, "5%" → "5") so matching never parses labels.
        self.value = ",".join(check.value) if isinstance(check.value, tuple) else _raw(check.value)
        self.value2 = _raw(check.value2)
        if guard is not None:
            self.guard_value = ",".join(guard.value) if isinstance(guard.value, tuple) else _raw(guard.value)
            self.guard_value2 = _raw(guard.value2)


def _raw(value) -> str:
    if value is None:
        return ""
    from .facts import fmt_number

    return fmt_number(value) if not isinstance(value, str) else value


class PolicyVersion(models.Model):
    """A snapshot of a policy and its conditions, taken each time it is saved or changes status."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    snapshot = models.JSONField(_("内容"), encoder=DjangoJSONEncoder)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        "portal.User", verbose_name=_("操作人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("政策版本")
        verbose_name_plural = _("政策版本")
        ordering = ["policy", "-number"]
        constraints = [models.UniqueConstraint(fields=["policy", "number"], name="uniq_policy_version")]

    def __str__(self) -> str:
        return f"{self.policy} v{self.number}"


class EntitlementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Clerks, supervisors and admins see all; members their enterprises'; everybody else nothing."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if is_clerk(user):
            return self
        if is_portal_staff(user):
            return self.none()
        return self.filter(member_filter(user)).distinct()


class Entitlement(models.Model):
    """One enterprise's entitlement to one 免申即享 policy, created once when the data show it qualifies;
    a clerk then confirms the payout or withdraws it with a reason."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="entitlements")
    enterprise = models.ForeignKey(
        "portal.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="policy_entitlements"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=EntitlementStatus.choices, default=EntitlementStatus.PENDING
    )
    amount = models.DecimalField(_("金额（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    reason = models.CharField(_("说明"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        "portal.User", verbose_name=_("确认人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    objects = EntitlementQuerySet.as_manager()

    class Meta:
        verbose_name = _("免申即享待遇")
        verbose_name_plural = _("免申即享待遇")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["policy", "enterprise"], name="uniq_entitlement")]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["policy", "notified_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.policy}"

    def can_confirm(self) -> bool:
        return ENTITLEMENT.can(self, "confirm")

    def can_withdraw(self) -> bool:
        return ENTITLEMENT.can(self, "withdraw")
