"""Forms of the insights app (validation of input; writes go through actions)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from issues.models import Category
from portal.choices import DepartmentKind
from portal.formkit import ISODateInput, PortalForm
from portal.models import Department, Region

from .choices import MechanismKind
from .rankings import PeriodError, parse_period


def _departments():
    return Department.objects.active().exclude(kind__in=[DepartmentKind.CATCH_ALL, DepartmentKind.SERVICE_CENTRE])


class PeriodForm(PortalForm):
    """The period filter shared by the ranking pages, the drill-down and the exports."""

    period = forms.CharField(
        label=_("统计周期"), required=False, help_text=_("YYYY-MM、YYYY-Qn 或 YYYY"), max_length=10
    )
    start = forms.DateField(label=_("自定义开始"), required=False, widget=ISODateInput())
    end = forms.DateField(label=_("自定义结束"), required=False, widget=ISODateInput())
    by = forms.ChoiceField(
        label=_("分组"), choices=[("department", _("按部门")), ("region", _("按地区"))], required=False
    )
    region = forms.ModelChoiceField(
        label=_("地区"), queryset=Region.objects.current(), required=False, empty_label=_("全部地区")
    )

    def clean(self):
        data = super().clean()
        try:
            data["period_obj"] = parse_period(
                data.get("period"),
                start=data["start"].isoformat() if data.get("start") else None,
                end=data["end"].isoformat() if data.get("end") else None,
            )
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None
        if bool(data.get("start")) != bool(data.get("end")):
            raise forms.ValidationError(_("自定义区间须同时填写开始和结束日期。"))
        data["by"] = data.get("by") or "department"
        return data

    def filters(self) -> dict:
        region = self.cleaned_data.get("region")
        return {"region": region.pk} if region else {}


class CommonIssueCreateForm(PortalForm):
    title = forms.CharField(label=_("共性问题标题"), max_length=120)
    summary = forms.CharField(
        label=_("问题概述（公开，不写企业名称）"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    root_cause = forms.CharField(
        label=_("根源分析"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    lead_department = forms.ModelChoiceField(label=_("牵头部门"), queryset=_departments(), empty_label=_("请选择"))
    category = forms.ModelChoiceField(
        label=_("问题分类"), queryset=Category.objects.active(), required=False, empty_label="—"
    )
    issue_ids = forms.CharField(widget=forms.HiddenInput)
    dispatch_unassigned = forms.BooleanField(
        label=_("将尚未交办的问题一并交办给牵头部门"), required=False, initial=True
    )

    def clean_issue_ids(self):
        raw = self.cleaned_data["issue_ids"]
        try:
            ids = sorted({int(part) for part in raw.split(",") if part.strip()})
        except ValueError:
            raise forms.ValidationError(_("问题编号无效。")) from None
        if len(ids) < 2:
            raise forms.ValidationError(_("共性问题至少关联两个问题。"))
        if len(ids) > 500:
            raise forms.ValidationError(_("一次最多关联 500 个问题。"))
        return ids


class CommonIssueAnswerForm(PortalForm):
    reply = forms.CharField(label=_("统一答复（内部）"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    public_reply = forms.CharField(
        label=_("企业可见的答复（留空则同上）"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )


class CommonIssueEditForm(PortalForm):
    title = forms.CharField(label=_("标题"), max_length=120)
    summary = forms.CharField(label=_("问题概述（公开）"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    root_cause = forms.CharField(
        label=_("根源分析"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    solution = forms.CharField(
        label=_("统一答复（公开）"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    mechanism_kind = forms.ChoiceField(
        label=_("长效机制类型"), choices=[("", "—"), *MechanismKind.choices], required=False
    )
    mechanism = forms.CharField(
        label=_("长效机制"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    mechanism_adopted_on = forms.DateField(label=_("机制出台日期"), required=False, widget=ISODateInput())
    is_public = forms.BooleanField(label=_("在经验库公开"), required=False)
    is_exemplary = forms.BooleanField(label=_("典型案例"), required=False)
    internal_note = forms.CharField(
        label=_("内部备注"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class ReuseForm(PortalForm):
    region = forms.ModelChoiceField(label=_("复用地区"), queryset=Region.objects.current(), empty_label=_("请选择"))
    department = forms.ModelChoiceField(label=_("复用部门"), queryset=_departments(), required=False, empty_label="—")
    note = forms.CharField(
        label=_("复用情况"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    reused_on = forms.DateField(label=_("复用日期"), required=False, widget=ISODateInput())


class LinkForm(PortalForm):
    common_issue = forms.IntegerField(widget=forms.HiddenInput)
    issue = forms.IntegerField(widget=forms.HiddenInput)


class LibrarySearchForm(PortalForm):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)


class ClusterForm(PortalForm):
    days = forms.TypedChoiceField(
        label=_("时间范围"),
        coerce=int,
        choices=[(30, _("近 30 天")), (90, _("近 90 天")), (365, _("近一年"))],
        required=False,
        empty_value=30,
        initial=30,
    )
    min_size = forms.TypedChoiceField(
        label=_("最少问题数"),
        coerce=int,
        choices=[(2, "2"), (3, "3"), (5, "5")],
        required=False,
        empty_value=3,
        initial=3,
    )


class LedgerFilterForm(PeriodForm):
    department = forms.ModelChoiceField(
        label=_("牵头部门"), queryset=_departments(), required=False, empty_label=_("全部部门")
    )
    metric = forms.CharField(required=False, widget=forms.HiddenInput)
    unmask = forms.BooleanField(label=_("显示完整联系电话（将记录审计日志）"), required=False)
