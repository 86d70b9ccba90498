"""Forms of the issues pages. They only shape input; the rules live in :mod:`issues.actions`."""

from django import forms
from django.urls import reverse, reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.formkit import ISODateInput, PortalForm
from portal.i18n import lazy_interpolate
from portal.lookups import limit_rendered_choices, typeahead_attrs
from portal.models import Department, Enterprise

from . import routing
from .choices import Discovery, RatingScore, Tier
from .models import Category, Channel, OwnerlessKind
from .uploads import MAX_ATTACHMENTS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.docx,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.region.name}）"


class DepartmentMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.region.name}）"


class IssueReportForm(PortalForm):
    """An enterprise reports a problem (线上门户)."""

    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=_("企业"))
    category = forms.ModelChoiceField(
        queryset=Category.objects.active(), to_field_name="code", label=_("问题分类"), empty_label=None
    )
    title = forms.CharField(label=_("标题"), max_length=120)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 6}))
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    attachments = MultipleFileField(
        label=_("附件"),
        required=False,
        help_text=lazy_interpolate(
            _("最多 %(n)d 个，每个不超过 10 MB；支持 PDF、PNG、JPEG、Word、Excel。"), {"n": MAX_ATTACHMENTS}
        ),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user) if user else Enterprise.objects.none()
        if self.fields["enterprise"].queryset.count() == 1:
            self.fields["enterprise"].initial = self.fields["enterprise"].queryset.first()


class IssueIntakeForm(IssueReportForm):
    """A clerk registers a problem on behalf of an enterprise, from any channel."""

    channel = forms.ModelChoiceField(
        queryset=Channel.objects.active(), to_field_name="code", label=_("受理渠道"), empty_label=None
    )
    discovery = forms.ChoiceField(choices=Discovery.choices, label=_("发现方式"))
    tier = forms.ChoiceField(choices=Tier.choices, label=_("难易程度"))
    ownerless_kind = forms.ModelChoiceField(
        queryset=OwnerlessKind.objects.active(),
        to_field_name="code",
        label=_("三不管类型"),
        required=False,
        empty_label="—",
    )

    field_order = [
        "enterprise",
        "channel",
        "discovery",
        "category",
        "tier",
        "ownerless_kind",
        "title",
        "description",
        "contact_name",
        "contact_phone",
        "attachments",
    ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.order_by("name")
        self.fields["enterprise"].widget.attrs.update(typeahead_attrs(reverse_lazy("portal:enterprise_lookup")))
        limit_rendered_choices(self.fields["enterprise"], chosen=(self.data or self.initial).get("enterprise"))
        self.fields["channel"].initial = "window"
        if not self.is_bound:
            # the cursor waits where the clerk types first: the enterprise, or once it is chosen the title
            first = "title" if self.initial.get("enterprise") else "enterprise"
            self.fields[first].widget.attrs["autofocus"] = True

    @staticmethod
    def initial_for(enterprise) -> dict:
        """A walk-in for this enterprise: it is chosen, and the contact is its own (法定代表人, its
        phone) until the clerk types another."""
        return {"enterprise": enterprise.pk, **enterprise.walk_in_contact()}


class ClassifyForm(PortalForm):
    category = forms.ModelChoiceField(
        queryset=Category.objects.active(), to_field_name="code", label=_("问题分类"), empty_label=None
    )
    tier = forms.ChoiceField(choices=Tier.choices, label=_("难易程度"))
    ownerless_kind = forms.ModelChoiceField(
        queryset=OwnerlessKind.objects.active(),
        to_field_name="code",
        label=_("三不管类型"),
        required=False,
        empty_label="—",
    )


class DispatchForm(PortalForm):
    """交办: the pickers offer only the departments that can take a problem, those at its level first."""

    for_object = True

    lead_department = DepartmentChoiceField(queryset=Department.objects.none(), label=_("牵头部门"))
    co_departments = DepartmentMultipleChoiceField(
        queryset=Department.objects.none(), label=_("协办部门"), required=False
    )
    note = forms.CharField(label=_("交办意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = routing.assignable_departments(obj)
        self.fields["co_departments"].queryset = routing.assignable_departments(obj)
        if obj is not None:
            self.fields["lead_department"].widget.attrs.update(_move_typeahead(obj, "dispatch"))
            self.fields["co_departments"].widget.attrs.update(_move_typeahead(obj, "dispatch", "co_departments"))


def _move_typeahead(issue, move: str, field: str = "") -> dict[str, str]:
    """A move's department picker as a type-ahead over the move's own choices (issues.lookups); ``field``
    names the picker when the move's form has more than one."""
    url = reverse("issues:move_department_lookup", args=[issue.pk, move])
    return typeahead_attrs(f"{url}?field={field}" if field else url)


class ReasonForm(PortalForm):
    reason = forms.CharField(label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EscalateForm(PortalForm):
    """提级: offers only the departments at the next level up (:func:`issues.routing.escalation_targets`,
    the same the action checks); any other is refused with the action's own message."""

    for_object = True

    to_department = DepartmentChoiceField(queryset=Department.objects.none(), label=_("提级至部门"))
    reason = forms.CharField(label=_("提级理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["to_department"]
        if obj is not None:
            field.queryset = routing.escalation_targets(obj)
            field.error_messages["invalid_choice"] = routing.escalation_refusal(obj)
            field.widget.attrs.update(_move_typeahead(obj, "escalate"))


class ReplyForm(PortalForm):
    reply = forms.CharField(label=_("答复（内部）"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    public_reply = forms.CharField(
        label=_("答复（企业可见）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不填则与内部答复相同。"),
    )


class ExtensionForm(PortalForm):
    requested_due = forms.DateField(
        label=_("申请延至"),
        widget=ISODateInput(),
        error_messages={
            "required": _("请选择申请延至的日期。"),
            "invalid": _("请按“年-月-日”填写日期，例如 2026-03-18。"),
        },
    )
    reason = forms.CharField(label=_("延期理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


# "5 非常满意": built lazily, so the label is in the reader's language (an f-string here froze it at import)
RATING_CHOICES = [(str(value), format_lazy("{} {}", value, label)) for value, label in reversed(RatingScore.choices)]


class FollowUpForm(PortalForm):
    reached = forms.BooleanField(label=_("已联系上企业"), required=False, initial=True)
    satisfied = forms.NullBooleanField(
        label=_("企业是否满意"),
        required=False,
        widget=forms.Select(choices=[("unknown", "—"), ("true", _("满意")), ("false", _("不满意"))]),
    )
    note = forms.CharField(label=_("回访记录（企业原话）"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    satisfaction = forms.ChoiceField(
        label=_("回访满意度（企业在电话中表示的，由您记录）"),
        choices=[("", "—"), *RATING_CHOICES],
        required=False,
        help_text=_("记为您的回访记录，单独公布，不是企业的好差评；好差评须由企业本人提交。"),
    )


class RateForm(PortalForm):
    rating = forms.ChoiceField(label=_("评价"), choices=RATING_CHOICES, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("评价理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("「不满意」或「非常不满意」须填写理由，问题将重新办理。"),
    )


class OpinionForm(PortalForm):
    opinion = forms.CharField(label=_("协办意见"), widget=forms.Textarea(attrs={"rows": 3}))


class MinutesForm(PortalForm):
    minutes = forms.CharField(label=_("会商纪要"), widget=forms.Textarea(attrs={"rows": 4}))


class CloseForm(PortalForm):
    note = forms.CharField(
        label=_("办结说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("重办已达上限的问题须说明办结理由，企业可见。"),
    )


class NoteForm(PortalForm):
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(PortalForm):
    """A supervisor's decision on an extension request or an appeal: 同意 or 不同意 must be chosen (nothing
    is preselected, so one stray click decides nothing)."""

    approve = forms.TypedChoiceField(
        label=_("决定"),
        choices=[("", "—"), ("1", _("同意")), ("0", _("不同意"))],
        coerce=lambda value: value == "1",
        error_messages={"required": _("请选择“同意”或“不同意”。")},
    )
    note = forms.CharField(label=_("意见"), required=False)

    @classmethod
    def for_row(cls, obj, *args, **kwargs):
        """The form of one row of a list of pending requests: its ids name the row, so labels and the
        error summary's links find this row's fields."""
        return cls(*args, auto_id=f"id_decide-{obj.pk}-%s", **kwargs)
