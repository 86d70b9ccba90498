from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.choices import Certification, MembershipKind, SizeClass, TaxCreditGrade
from portal.formkit import ISODateInput, PortalForm, PortalFormMixin
from portal.industry import industry_choices
from portal.models import Region, User


class ThrottledLoginMixin:
    """Sign-in through :mod:`portal.lockout` (counted before the password is checked; one message
    whether or not the account exists). Used by the portal login and the admin login alike."""

    login_via = "portal"

    def clean(self):
        from portal.lockout import LoginThrottled, authenticate_or_refuse

        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = authenticate_or_refuse(
                    self.request, username=username, password=password, via=self.login_via
                )
            except LoginThrottled as refused:
                raise ValidationError(refused.message, code="throttled") from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class PortalAuthenticationForm(PortalFormMixin, ThrottledLoginMixin, AuthenticationForm):
    """The portal's login form."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。连续失败多次后需等待一段时间才能再试。"),
    }


class PortalAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin site's login form: the same lock-out as the portal login (it used to bypass it)."""

    login_via = "admin"


class AgentRegistrationForm(PortalForm):
    username = forms.RegexField(
        label=_("用户名"),
        regex=r"^[A-Za-z0-9_.-]{4,30}$",
        error_messages={"invalid": _("用户名为 4–30 位字母、数字、下划线、点或短横线。")},
    )
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.RegexField(
        label=_("手机号码"), regex=r"^1\d{10}$", error_messages={"invalid": _("请填写 11 位手机号码。")}
    )
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    password1 = forms.CharField(label=_("密码"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif data.get("password1"):
            try:
                validate_password(data["password1"], User(username=data.get("username", "")))
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class EnterpriseClaimForm(PortalForm):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30)
    kind = forms.ChoiceField(label=_("您的身份"), choices=MembershipKind.choices)


class EnterpriseForm(PortalForm):
    """The enterprise's registration facts; used for self-registration and by clerks for walk-ins."""

    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30)
    name = forms.CharField(label=_("企业名称"), max_length=200)
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=50)
    region = forms.ModelChoiceField(
        label=_("注册地"), queryset=Region.objects.current().exclude(level="province"), empty_label=None
    )
    address = forms.CharField(label=_("住所"), max_length=200, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    industry = forms.ChoiceField(label=_("行业"), choices=industry_choices)
    size_class = forms.ChoiceField(label=_("企业规模"), choices=SizeClass.choices)
    established = forms.DateField(label=_("成立日期"), widget=ISODateInput())
    registered_capital = forms.DecimalField(label=_("注册资本（万元）"), min_value=0, required=False)
    staff = forms.IntegerField(label=_("从业人数"), min_value=0, required=False)
    tech_staff = forms.IntegerField(label=_("科技人员数"), min_value=0, required=False)
    revenue = forms.DecimalField(label=_("上年营业收入（万元）"), min_value=0, required=False)
    rd_expense = forms.DecimalField(label=_("上年研发费用（万元）"), min_value=0, required=False)
    high_tech_revenue = forms.DecimalField(label=_("上年高新技术产品收入（万元）"), min_value=0, required=False)
    export_revenue = forms.DecimalField(label=_("上年出口额（万元）"), min_value=0, required=False)
    tax_credit_grade = forms.ChoiceField(
        label=_("纳税信用等级"), choices=[("", "—"), *list(TaxCreditGrade.choices)], required=False
    )
    certifications = forms.MultipleChoiceField(
        label=_("资质"), choices=Certification.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def clean_established(self):
        value = self.cleaned_data["established"]
        if value > timezone.localdate():
            raise ValidationError(_("成立日期不能晚于今天。"))
        return value


class StaffEnterpriseForm(EnterpriseForm):
    uscc_override = forms.BooleanField(label=_("豁免校验位（历史试点代码，已核对营业执照原件）"), required=False)


class EnterpriseSearchForm(PortalForm):
    q = forms.CharField(label=_("统一社会信用代码或企业名称"), required=False, max_length=200)


class MembershipDecisionForm(PortalForm):
    """A decision on a membership claim: nothing preselected (a list row posts it with one of two buttons;
    the claim's own page asks with radios)."""

    decision = forms.ChoiceField(
        label=_("核验结果"),
        choices=[("approve", _("核验通过")), ("reject", _("驳回"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择“核验通过”或“驳回”。"), "invalid_choice": _("请选择“核验通过”或“驳回”。")},
    )
    reason = forms.CharField(label=_("驳回原因"), required=False, max_length=200, help_text=_("驳回时必填。"))

    @classmethod
    def for_row(cls, membership, *args, **kwargs):
        """The form of one claim: its ids name the claim, so a list of claims has unique ids."""
        return cls(*args, auto_id=f"id_membership-{membership.pk}-%s", **kwargs)
