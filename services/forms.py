"""Forms of the services app. The apply form is posted three times (bundle page → check your
answers → submit) and validated each time; the action re-checks everything on submit."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.formkit import PortalForm
from portal.uploads import XLSX, inspect_upload


class IdListField(forms.Field):
    """A list of integer ids from repeated form fields (checkboxes named ``selected``)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        try:
            return sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise ValidationError(_("所选事项编号无效。"), code="invalid") from None


class ApplyForm(PortalForm):
    """What an applicant gives once for the whole bundle: the ticked items and the shared answers."""

    error_anchors = {"selected": "items", "token": ""}

    token = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={"required": _("表单已过期，请刷新页面后重新填写。")},
    )
    enterprise = forms.ModelChoiceField(label=_("申请企业"), queryset=None, empty_label=None)
    selected = IdListField(required=False, label=_("办理事项"))
    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20)
    address = forms.CharField(label=_("联系地址（材料寄递）"), max_length=200, required=False)
    note = forms.CharField(label=_("备注"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, enterprises, fixed_enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        if fixed_enterprise is not None or enterprises.count() == 1:
            self.fields["enterprise"].widget = forms.HiddenInput()
        self.fields["contact_phone"].widget.attrs.update(inputmode="tel", autocomplete="tel")
        if not self.is_bound and not self.initial.get("token"):
            self.initial["token"] = uuid.uuid4().hex

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip()
        if not phone.replace("-", "").isdigit() or not 7 <= len(phone) <= 20:
            raise ValidationError(_("请填写有效的联系电话（手机或固定电话）。"))
        return phone


def _task_text(label, testid):
    return forms.CharField(
        label=label,
        max_length=500,
        required=False,  # the action says what to write when it is empty (「请填写办理结果（如证照编号…）」)
        widget=forms.Textarea(attrs={"rows": 2, "data-testid": testid}),
    )


class TaskCompleteForm(PortalForm):
    """办结: the result (证照编号, 办理情况); the field has the action's name for it."""

    result = _task_text(_("办理结果"), "complete-text")


class TaskRequestMaterialsForm(PortalForm):
    """补正材料: what is missing."""

    note = _task_text(_("需补正的材料"), "materials-text")


class TaskRejectForm(PortalForm):
    """不予受理: the reason."""

    reason = _task_text(_("不予受理理由"), "reject-text")


class ImportForm(PortalForm):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        # Name, size and content (a bounded zip holding a workbook) before openpyxl sees a byte.
        upload = self.cleaned_data["file"]
        inspect_upload(upload, kinds={XLSX}, max_bytes=self.MAX_BYTES)
        return upload
