"""The select widget written out in Python (portal.form_renderer) gives Django's template's bytes."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from portal.form_renderer import PortalFormRenderer


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "全部"), ("a", "甲 & <乙>"), (3, 4.5), ("q", 'say "hi"')])
    many = forms.MultipleChoiceField(
        choices=[("x", gettext_lazy("状态")), ("y", "Y")], widget=forms.SelectMultiple(attrs={"size": 3})
    )
    grouped = forms.ChoiceField(
        choices=[("东", [("e1", "杭州"), ("e2", "宁波")]), ("西", [("w1", mark_safe("<b>成都</b>"))]), ("z", "Z")],
        widget=forms.Select(attrs={"data-x": 'a"b', "disabled": True, "hidden": False}),
    )
    maybe = forms.NullBooleanField()
    text = forms.CharField()


@pytest.mark.parametrize(
    "data", [None, {"plain": "a", "many": ["x", "y"], "grouped": "w1", "maybe": "true"}, {"plain": "3"}]
)
def test_selects_render_as_djangos_templates_do(data):
    # given the same bound form rendered by Django's renderer and by the portal's
    django_form = Sample(data=data, renderer=DjangoTemplates())
    portal_form = Sample(data=data, renderer=PortalFormRenderer())
    # then every field, selects or not, is the same HTML
    for name in Sample.base_fields:
        assert str(portal_form[name]) == str(django_form[name]), name


def test_the_portal_renders_forms_with_it(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), PortalFormRenderer)
