"""Forms of the voice pages. They only shape input; the actions decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from insights.models import CommonIssue
from issues.models import Category
from portal.formkit import ISODateInput, PortalForm
from portal.models import Department, Enterprise
from services.models import ServiceItem

from .choices import REVIEW_DIMENSIONS, BallotChoice, MeetingKind, OfficerBackground
from .models import MeetingSeries


class ProblemRowForm(PortalForm):
    """One row of the batch form: a problem raised at the session. A row left empty is skipped."""

    enterprise = forms.ModelChoiceField(label=_("提出企业"), queryset=Enterprise.objects.none())
    title = forms.CharField(label=_("标题"), max_length=120)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 2}))
    category = forms.ModelChoiceField(label=_("问题分类"), queryset=Category.objects.all(), to_field_name="code")

    def __init__(self, *args, enterprises=None, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises if enterprises is not None else Enterprise.objects.none()
        # the formset's rows share one evaluated list of options each, instead of a query per row
        for name, options in (choices or {}).items():
            self.fields[name].widget.choices = options


class BaseProblemFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if not any(form.cleaned_data for form in self.forms if form.is_valid()):
            raise forms.ValidationError(_("请至少填写一个问题。"))


ProblemFormSet = forms.formset_factory(ProblemRowForm, formset=BaseProblemFormSet, extra=5, max_num=30)


class BallotForm(PortalForm):
    """One ballot on one questioned department's answer: a People's Congress member votes with the account,
    anyone else with a printed code. Nothing is preselected."""

    department = forms.IntegerField(widget=forms.HiddenInput)
    choice = forms.ChoiceField(
        label=_("评价"),
        choices=BallotChoice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择评价：好、较好、一般或差。")},
    )
    code = forms.CharField(
        label=_("投票码"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("请填写投票码（打印在投票卡上）。")},
    )

    def __init__(self, *args, deputy: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if deputy:  # a member votes as the account; a code is for everyone else
            del self.fields["code"]

    @classmethod
    def for_department(cls, department_id: int, *args, **kwargs):
        """The ballot on one department: its ids name the department (one ballot form per department)."""
        kwargs.setdefault("initial", {"department": department_id})
        return cls(*args, auto_id=f"id_ballot-{department_id}-%s", **kwargs)


class VotingCodesForm(PortalForm):
    count = forms.IntegerField(label=_("生成数量"), min_value=1, max_value=500, initial=50)


class AnswerForm(PortalForm):
    department = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("应询答复"), widget=forms.Textarea(attrs={"rows": 3}))

    @classmethod
    def for_department(cls, department_id: int, *args, answer: str = "", **kwargs):
        """One department's answer form (its ids name the department), holding the answer saved so far."""
        kwargs.setdefault("initial", {"department": department_id, "answer": answer})
        return cls(*args, auto_id=f"id_answer-{department_id}-%s", **kwargs)


STAR_CHOICES = [(n, "★" * n) for n in range(5, 0, -1)]


class ReviewForm(PortalForm):
    service_item = forms.ModelChoiceField(label=_("服务事项"), queryset=ServiceItem.objects.filter(active=True))
    findings = forms.CharField(label=_("发现的问题与建议"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, label in REVIEW_DIMENSIONS:
            self.fields[field] = forms.TypedChoiceField(label=label, choices=STAR_CHOICES, coerce=int)
        self.order_fields(["service_item", *[f for f, _label in REVIEW_DIMENSIONS], "findings"])


class RaiseProblemForm(PortalForm):
    """A finding turned into a problem: its category, and the enterprise when the review names none."""

    category = forms.ModelChoiceField(label=_("问题分类"), queryset=Category.objects.all(), to_field_name="code")
    enterprise = forms.ModelChoiceField(
        label=_("所涉企业"), queryset=Enterprise.objects.order_by("name"), required=False
    )

    @classmethod
    def for_review(cls, review, *args, **kwargs):
        """The form of one finding: its ids name the review; no enterprise field when the review has one."""
        form = cls(*args, auto_id=f"id_raise-{review.pk}-%s", **kwargs)
        if review.enterprise_id:
            del form.fields["enterprise"]
        return form


class OfficerApplyForm(PortalForm):
    background = forms.ChoiceField(label=_("身份"), choices=OfficerBackground.choices)
    organisation = forms.CharField(label=_("单位"), max_length=100, required=False)
    statement = forms.CharField(label=_("申请理由"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class OfficerDecideForm(PortalForm):
    """An administrator's decision on an application: nothing preselected; a term when appointing."""

    approve = forms.TypedChoiceField(
        label=_("决定"),
        choices=[("1", _("聘任")), ("0", _("不予聘任"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择“聘任”或“不予聘任”。")},
    )
    term_start = forms.DateField(label=_("聘期开始"), required=False, widget=ISODateInput())
    term_end = forms.DateField(label=_("聘期结束"), required=False, widget=ISODateInput())

    @classmethod
    def for_application(cls, application, *args, **kwargs):
        """The form of one application: its ids name the application (a list shows one form per row)."""
        return cls(*args, auto_id=f"id_decide-{application.pk}-%s", **kwargs)


class SeriesForm(PortalForm):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("形式"), choices=MeetingKind.choices)
    description = forms.CharField(label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SessionForm(PortalForm):
    """A session and its attendees: one line per enterprise, ``USCC [person] [title]``."""

    series = forms.ModelChoiceField(label=_("系列"), queryset=MeetingSeries.objects.order_by("name"))
    held_at = forms.DateTimeField(
        label=_("召开时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    venue = forms.CharField(label=_("地点"), max_length=120)
    host = forms.CharField(label=_("主持领导"), max_length=60)
    topic = forms.CharField(label=_("主题"), max_length=120)
    agenda = forms.CharField(label=_("议程"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    attendees = forms.CharField(
        label=_("参会企业"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("每行一家企业：统一社会信用代码，其后可空格分隔写参会人和职务。"),
    )

    def clean_attendees(self):
        rows, unknown = [], []
        lines = [line.split() for line in self.cleaned_data["attendees"].splitlines() if line.strip()]
        found = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=[parts[0].upper() for parts in lines])}
        for parts in lines:
            enterprise = found.get(parts[0].upper())
            if enterprise is None:
                unknown.append(parts[0])
                continue
            rows.append(
                {
                    "enterprise": enterprise,
                    "person_name": parts[1] if len(parts) > 1 else "",
                    "person_title": " ".join(parts[2:]),
                }
            )
        if unknown:
            raise forms.ValidationError(_("以下统一社会信用代码未找到企业：%(codes)s") % {"codes": "、".join(unknown)})
        if not rows:
            raise forms.ValidationError(_("请至少填写一家参会企业。"))
        return rows


class InquiryForm(PortalForm):
    title = forms.CharField(label=_("询问主题"), max_length=120)
    body = forms.CharField(label=_("询问机关"), max_length=60, initial="市人大常委会")
    held_on = forms.DateField(label=_("询问日期"), widget=ISODateInput())
    common_issues = forms.ModelMultipleChoiceField(label=_("询问的共性问题"), queryset=CommonIssue.objects.none())
    departments = forms.ModelMultipleChoiceField(
        label=_("被询问部门"), queryset=Department.objects.filter(is_active=True).order_by("code")
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["common_issues"].queryset = CommonIssue.objects.visible_to(user).order_by("-created_at")
