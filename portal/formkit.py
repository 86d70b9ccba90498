"""The one base every portal form takes (issue 15): messages that say what to do, built from the field's
label (「请填写联系电话」 / "Enter the contact phone"), and date inputs in ISO format, the only format a
browser's date input accepts (a value such as ``2016/03/18`` is silently dropped, so the typed date was lost).

Templates show the result with ``partials/error_summary.html`` (a titled box at the top of the form linking
to each field, focus moved to it by ``static/js/forms.js``) and ``partials/field.html`` (each field with its
error next to it); the page title gets 「错误：」 in front when any form on the page has errors
(:func:`page_has_errors`, asked by layouts/base.html).
"""

from django import forms
from django.forms.formsets import BaseFormSet
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _

ISO_DATE = "%Y-%m-%d"


class ISODateInput(forms.DateInput):
    """``<input type="date">`` whose value is always ``YYYY-MM-DD``, whatever the active locale's format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=ISO_DATE)


# What the person has to do for each kind of field, in one place.
ENTER, SELECT, UPLOAD, TICK = "enter", "select", "upload", "tick"


def _verb_for(field: forms.Field) -> str:
    if isinstance(field, forms.FileField):
        return UPLOAD
    if isinstance(field, forms.BooleanField):
        return TICK
    widget = field.widget
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField) or getattr(
        widget, "allow_multiple_selected", False
    ):
        return SELECT
    if isinstance(widget, forms.Select | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return SELECT
    return ENTER


def _label_in_sentence(label: str) -> str:
    """The label as it reads inside a sentence: English labels lose their capital ("Contact phone" →
    "contact phone"), acronyms keep theirs ("USCC"); Chinese is unchanged."""
    label = str(label).strip().rstrip(":：")
    if get_language() and get_language().startswith("en") and len(label) > 1 and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label


def _required_message(label, verb: str) -> str:
    name = _label_in_sentence(label)
    if verb == SELECT:
        return _("请选择%(label)s") % {"label": name}
    if verb == UPLOAD:
        return _("请上传%(label)s") % {"label": name}
    if verb == TICK:
        return _("请勾选“%(label)s”") % {"label": name}
    return _("请填写%(label)s") % {"label": name}


# Evaluated when the message is shown, so it comes in the language of the request that shows it.
required_message = lazy(_required_message, str)


class PortalFormMixin:
    """Gives every required field without a message of its own a message saying what to do."""

    # Where the error summary links for a field the page shows in its own way (a hidden field standing
    # for a group of checkboxes, say): field name → id of the element on the page.
    error_anchors: dict[str, str] = {}
    # No browser-side "required" bubbles: the server's messages, in the page's language, with the summary,
    # are the one way errors are told (GOV.UK turns the browser's validation off for the same reason).
    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = forms.Field.default_error_messages["required"]
        for name, field in self.fields.items():
            if field.error_messages.get("required") is default or field.error_messages.get("required") == default:
                label = field.label if field.label is not None else name.replace("_", " ")
                field.error_messages["required"] = required_message(label, _verb_for(field))

    @property
    def error_list(self) -> list[tuple[str, str]]:
        """``(anchor id or "", message)`` for the error summary, in the order of the form; errors of a
        hidden field are told with the field's label, since the person cannot see the field itself."""
        rows: list[tuple[str, str]] = [("", str(message)) for message in self.non_field_errors()]
        for bound in self:
            for message in bound.errors:
                if bound.name in self.error_anchors:
                    rows.append((self.error_anchors[bound.name], str(message)))
                elif bound.is_hidden:
                    rows.append(("", _("%(label)s：%(message)s") % {"label": bound.label, "message": message}))
                else:
                    rows.append((_anchor(bound), str(message)))
        return rows


def _anchor(bound) -> str:
    """The id the summary links to: the input itself, or the first option of a group of radios/checkboxes."""
    widget_id = bound.field.widget.attrs.get("id") or bound.auto_id
    if not widget_id:
        return ""
    if bound.use_fieldset or bound.widget_type in {"radioselect", "checkboxselectmultiple"}:
        return bound.id_for_label or f"{widget_id}_0"
    return bound.id_for_label or widget_id


class PortalForm(PortalFormMixin, forms.Form):
    """The base of every portal form."""


class PortalModelForm(PortalFormMixin, forms.ModelForm):
    """The base of every portal model form."""


def page_has_errors(context, _depth: int = 3) -> bool:
    """Whether any form the page shows has errors: a form or formset anywhere in the template context,
    whatever its name — ``form``, a move's form in a list of moves, a formset. Lists, tuples and dicts
    are looked into (a few levels); nothing else is, so no queryset or page of rows is evaluated. Types are
    asked with type(), never isinstance(): isinstance reads __class__, which sets up a lazy object — the
    CSP nonce among them, whose evaluation puts a nonce in the response's policy."""
    values = context.values() if issubclass(type(context), dict) else context
    for value in values:
        kind = type(value)
        if issubclass(kind, forms.BaseForm | BaseFormSet):
            if value.is_bound and (value.errors if isinstance(value, forms.BaseForm) else value.total_error_count()):
                return True
        elif _depth and issubclass(kind, list | tuple | dict) and page_has_errors(value, _depth - 1):
            return True
    return False
