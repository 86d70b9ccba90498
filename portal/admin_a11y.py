"""The admin, accessible (issue 15): what Django's admin leaves without a name for assistive technology.

- A tabular inline shows its field labels only as column headings, so each input is announced without a
  name: :class:`LabelledTabularInline` gives every input of the row its field's label as ``aria-label``.
- Django's date shortcuts ("今天" beside a date) carry an untranslated ``aria-label`` that does not contain
  the visible text; the admin's dates are the browser's own ISO date input instead (:func:`install`).
- The two-box filter of a many-to-many field (``filter_horizontal``) puts ``aria-label`` on a plain
  ``span``; the project's admins use the plain multiple select instead, and the permission groups (the
  portal's roles are its own, not Django groups) are not in the admin.
- A tabular inline's row points ``aria-describedby`` at help text it does not show (the heading does):
  :class:`RowBoundField` names only the row's error.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin import options, widgets
from django.db import models
from django.forms import BoundField


class ISODateInput(forms.DateInput):
    """The browser's date picker; its value is always ISO (a localised value would be dropped)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ISODateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _innermost(widget):
    # RelatedFieldWidgetWrapper (the "+" and pencil links beside a foreign key) wraps the real widget.
    return getattr(widget, "widget", widget)


class RowBoundField(BoundField):
    """A field in a tabular inline's row: its help text is shown once, in the column heading, so there is no
    element per row for ``aria-describedby`` to name (Django names ``…_helptext`` anyway); the error it
    names stays."""

    @property
    def aria_describedby(self):
        named = super().aria_describedby
        return " ".join(i for i in (named or "").split() if not i.endswith("_helptext")) or None


class LabelledTabularInline(admin.TabularInline):
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and formfield.label:
            _innermost(formfield.widget).attrs.setdefault("aria-label", formfield.label)
        if formfield is not None:
            formfield.bound_field_class = RowBoundField
        return formfield


def install() -> None:
    """Called once from PortalConfig.ready: every admin date (and date-time) field takes the browser's
    ISO input instead of the text box with shortcuts."""
    iso = {models.DateField: {"widget": ISODateInput}, models.DateTimeField: {"widget": ISODateTimeInput}}
    options.FORMFIELD_FOR_DBFIELD_DEFAULTS.update(iso)
    # The admins registered before this ran (the admin app discovers them in its own ready) copied the
    # defaults when they were made.
    for model_admin in admin.site._registry.values():
        for field_class, override in iso.items():
            current = model_admin.formfield_overrides.get(field_class, {})
            if current.get("widget") in (widgets.AdminDateWidget, widgets.AdminSplitDateTime):
                model_admin.formfield_overrides[field_class] = dict(override)
