"""The portal's form base (issue 15): messages that say what to do, the error summary's rows, ISO dates."""

import datetime

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import translation

from portal.formkit import ISODateInput, PortalForm


class ContactForm(PortalForm):
    contact_phone = forms.CharField(label="联系电话")
    size = forms.ChoiceField(label="企业规模", choices=[("s", "小"), ("m", "中")])
    kind = forms.ChoiceField(label="问题类型", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    licence = forms.FileField(label="营业执照")
    agree = forms.BooleanField(label="我已阅读须知")
    established = forms.DateField(label="成立日期", widget=ISODateInput())
    own = forms.CharField(label="自带", error_messages={"required": "自带的提示。"})
    token = forms.CharField(label="令牌", widget=forms.HiddenInput)


def test_required_messages_say_what_to_do_from_the_label():
    # given an empty submission
    form = ContactForm({})
    # when it is validated in Chinese
    with translation.override("zh-hans"):
        errors = {name: [str(e) for e in form.errors[name]] for name in form.errors}
    # then every message names the field and the thing to do; a field's own message is kept
    assert errors["contact_phone"] == ["请填写联系电话"]
    assert errors["size"] == ["请选择企业规模"]
    assert errors["kind"] == ["请选择问题类型"]
    assert errors["licence"] == ["请上传营业执照"]
    assert errors["agree"] == ["请勾选“我已阅读须知”"]
    assert errors["established"] == ["请填写成立日期"]
    assert errors["own"] == ["自带的提示。"]


def test_required_messages_are_english_in_english():
    # given a form whose labels are translated (the .po has 联系电话 → Contact phone)
    class Translated(PortalForm):
        from django.utils.translation import gettext_lazy as _

        contact_phone = forms.CharField(label=_("联系电话"))
        uscc = forms.CharField(label=_("统一社会信用代码"))
        code = forms.CharField(label="USCC")

    form = Translated({})
    # when the errors are shown in English
    with translation.override("en"):
        messages = [str(form.errors[name][0]) for name in ("contact_phone", "uscc", "code")]
    # then they read as sentences, the label lower-cased but an acronym kept
    assert messages == ["Enter the contact phone", "Enter the unified social credit code", "Enter the USCC"]


def test_error_list_links_each_visible_field_and_names_hidden_ones():
    # given an empty submission
    form = ContactForm({})
    form.is_valid()
    # when the summary's rows are asked for
    with translation.override("zh-hans"):
        rows = form.error_list
    # then visible fields link to their input (the first radio for a group); a hidden field is named
    anchors = dict(rows)
    assert anchors["id_contact_phone"] == "请填写联系电话"
    assert anchors["id_kind_0"] == "请选择问题类型"
    assert ("", "令牌：请填写令牌") in rows
    assert [a for a, _ in rows][:2] == ["id_contact_phone", "id_size"]


def test_non_field_errors_come_first_without_a_link():
    class WithClean(PortalForm):
        name = forms.CharField(label="名称", required=False)

        def clean(self):
            raise forms.ValidationError("整体不对。")

    form = WithClean({"name": "x"})
    form.is_valid()
    assert form.error_list == [("", "整体不对。")]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_iso_date_input_renders_iso_in_every_language(language):
    # given a form with a date (the calculator's 成立日期 came out as 2016/03/18 and the browser dropped it)
    form = ContactForm(initial={"established": datetime.date(2016, 3, 18)})
    # when it is rendered
    with translation.override(language):
        html = str(form["established"])
    # then the date input holds the ISO value the browser accepts
    assert 'type="date"' in html
    assert 'value="2016-03-18"' in html


def test_iso_date_input_keeps_what_was_typed_when_it_is_wrong():
    form = ContactForm({"established": "2016-13-45"})
    assert not form.is_valid()
    assert 'value="2016-13-45"' in str(form["established"])


def test_summary_and_field_partials_render_links_and_messages():
    # given a submitted form with errors
    form = ContactForm({"contact_phone": "", "kind": ""})
    form.is_valid()
    # when the form partial is rendered
    with translation.override("zh-hans"):
        html = render_to_string("partials/form.html", {"form": form})
    # then the titled summary links to the field, and the field carries its message and aria links
    assert "存在以下问题" in html
    assert 'href="#id_contact_phone"' in html
    assert 'id="id_contact_phone_error"' in html
    assert 'aria-describedby="id_contact_phone_error"' in html
    assert 'aria-invalid="true"' in html
    assert "<legend>问题类型" in html  # the radios have a fieldset and a legend


def test_unbound_form_has_no_summary():
    html = render_to_string("partials/form.html", {"form": ContactForm()})
    assert "error-summary" not in html


# --- 「错误：」 in the page title for any form on the page with errors ----------------------------------


def _title_of(context: dict) -> str:
    import re

    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    html = render_to_string("layouts/base.html", context, request=request)
    return re.search(r"<title>(.*?)</title>", html, re.S)[1].strip()


class _NeedsName(PortalForm):
    name = forms.CharField(label="名称")


@pytest.mark.django_db
def test_the_title_says_error_for_any_form_on_the_page_whatever_its_name():
    from django.forms import formset_factory

    invalid = _NeedsName(data={})
    valid = _NeedsName(data={"name": "x"})
    formset = formset_factory(_NeedsName, min_num=1, validate_min=True)(
        data={"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-name": ""}
    )
    with translation.override("zh-hans"):
        assert not _title_of({}).startswith("错误：")
        assert not _title_of({"form": _NeedsName(), "other": valid}).startswith("错误：")  # unbound, valid
        assert _title_of({"form": invalid}).startswith("错误：")
        assert _title_of({"decision": invalid}).startswith("错误：")
        assert _title_of({"moves": [{"name": "reply", "form": valid}, {"name": "x", "form": invalid}]}).startswith(
            "错误："
        )
        assert _title_of({"formset": formset}).startswith("错误：")
    with translation.override("en"):
        assert _title_of({"decision": invalid}).startswith("Error: ")


@pytest.mark.django_db
def test_looking_for_errors_reads_no_rows(django_assert_num_queries):
    from portal.formkit import page_has_errors
    from portal.models import Department

    # a queryset or a page of rows in the context is not evaluated to look for forms
    with django_assert_num_queries(0):
        assert page_has_errors({"rows": Department.objects.all(), "items": [Department.objects.all()]}) is False
