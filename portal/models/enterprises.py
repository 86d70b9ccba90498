from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.choices import Certification, MembershipKind, MembershipStatus, Role, SizeClass, TaxCreditGrade
from portal.industry import industry_label, validate_industry_code

NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Deny by default: staff see every enterprise, members only their verified enterprises, the
        holder of a signed status link only that link's enterprise."""
        from portal.permissions import link_enterprise_id

        if link_enterprise_id(user) is not None:
            return self.filter(pk=link_enterprise_id(user))
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_portal_staff:
            return self
        return self.filter(memberships__user=user, memberships__status=MembershipStatus.VERIFIED).distinct()


class Enterprise(models.Model):
    """One market entity (企业/个体工商户) identified by its 统一社会信用代码, with the facts policies need.

    Money is in 万元 (ten-thousand yuan) and refers to the last full year, as in policy texts.
    """

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    uscc_override = models.BooleanField(
        _("代码校验豁免"), default=False, help_text=_("历史试点代码未通过校验位检查，经工作人员核实后豁免。")
    )
    name = models.CharField(_("企业名称"), max_length=200, db_index=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50)
    region = models.ForeignKey("portal.Region", verbose_name=_("注册地"), on_delete=models.PROTECT)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    industry = models.CharField(_("行业代码"), max_length=5, validators=[validate_industry_code])
    size_class = models.CharField(_("企业规模"), max_length=10, choices=SizeClass.choices)
    established = models.DateField(_("成立日期"))
    registered_capital = models.DecimalField(
        _("注册资本（万元）"), max_digits=14, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE
    )
    staff = models.PositiveIntegerField(_("从业人数"), null=True, blank=True)
    tech_staff = models.PositiveIntegerField(_("科技人员数"), null=True, blank=True)
    revenue = models.DecimalField(
        _("上年营业收入（万元）"), max_digits=14, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE
    )
    rd_expense = models.DecimalField(
        _("上年研发费用（万元）"), max_digits=14, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE
    )
    high_tech_revenue = models.DecimalField(
        _("上年高新技术产品收入（万元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    export_revenue = models.DecimalField(
        _("上年出口额（万元）"), max_digits=14, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE
    )
    tax_credit_grade = models.CharField(_("纳税信用等级"), max_length=1, choices=TaxCreditGrade.choices, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]
        indexes = [models.Index(fields=["industry"]), models.Index(fields=["region", "industry"])]

    def __str__(self) -> str:
        return self.name

    def walk_in_contact(self) -> dict[str, str]:
        """Who a walk-in's case names as contact until the clerk types another: the 法定代表人 at the
        enterprise's stored phone. The window's problem intake and its bundle application both start here."""
        return {"contact_name": self.legal_representative, "contact_phone": self.contact_phone}

    @property
    def industry_label(self) -> str:
        return industry_label(self.industry)

    @property
    def certification_codes(self) -> list[str]:
        return [cert.code for cert in self.certifications.all()]


class EnterpriseCertification(models.Model):
    """One certification an enterprise holds (高新技术企业, 科技型中小企业 …), with its validity."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="certifications")
    code = models.CharField(_("资质"), max_length=20, choices=Certification.choices)
    obtained_on = models.DateField(_("取得日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("企业资质")
        verbose_name_plural = _("企业资质")
        constraints = [models.UniqueConstraint(fields=["enterprise", "code"], name="uniq_enterprise_certification")]
        indexes = [models.Index(fields=["code", "enterprise"])]

    def __str__(self) -> str:
        return self.get_code_display()


class EnterpriseLicense(models.Model):
    """One licence or permit an enterprise holds, with the expiry date reminders are computed from."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="licenses")
    name = models.CharField(_("证照名称"), max_length=100)
    number = models.CharField(_("证照编号"), max_length=60, blank=True)
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("企业证照")
        verbose_name_plural = _("企业证照")
        ordering = ["expires_on"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(status=MembershipStatus.VERIFIED)


class Membership(models.Model):
    """A person's claim to act for an enterprise, as 法定代表人 or 经办人; counts only once verified."""

    user = models.ForeignKey("portal.User", on_delete=models.CASCADE, related_name="memberships")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="memberships")
    kind = models.CharField(_("身份"), max_length=20, choices=MembershipKind.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=MembershipStatus.choices, default=MembershipStatus.PENDING
    )
    decided_by = models.ForeignKey(
        "portal.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("核验人")
    )
    decided_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业成员")
        verbose_name_plural = _("企业成员")
        constraints = [models.UniqueConstraint(fields=["user", "enterprise"], name="uniq_membership")]
        indexes = [models.Index(fields=["enterprise", "status"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.enterprise} ({self.get_kind_display()})"


def enterprise_ids_for(user) -> list[int]:
    """Ids of the enterprises a member may act for (verified memberships only)."""
    if not user.is_authenticated:
        return []
    return list(Membership.objects.verified().filter(user=user).values_list("enterprise_id", flat=True))


def member_filter(user, prefix: str = "enterprise") -> Q:
    """A Q object restricting rows to the user's verified enterprises; for other apps' visible_to()."""
    return Q(
        **{
            f"{prefix}__memberships__user": user,
            f"{prefix}__memberships__status": MembershipStatus.VERIFIED,
        }
    )


__all__ = ["Enterprise", "EnterpriseCertification", "EnterpriseLicense", "Membership", "Role"]
