"""The one way a page runs an action (portal.views.run_action) and the one "safe next URL" check."""

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from portal.exceptions import ActionError, ConcurrentUpdate, PermissionDeniedError, TransitionNotAllowed
from portal.views import run_action, safe_next_url


def _request(data=None, *, secure=False):
    request = RequestFactory().post("/x/", data or {}, secure=secure)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _messages(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


class NoteForm(forms.Form):
    note = forms.CharField()


def test_success_runs_the_action_and_adds_the_message():
    request = _request()
    outcome = run_action(request, lambda a, b=0: a + b, 2, b=3, success=lambda value: f"sum {value}")
    assert outcome and outcome.value == 5
    assert _messages(request) == [("success", "sum 5")]


def test_domain_errors_become_messages_and_nothing_else():
    for exc, text in [
        (ActionError("坏输入"), "坏输入"),
        (ValidationError({"note": "太短"}), "太短"),
        (TransitionNotAllowed("不行"), "不行"),
        (ConcurrentUpdate(), str(ConcurrentUpdate().message)),
        (PermissionDeniedError(), str(PermissionDeniedError().message)),
    ]:
        request = _request()

        def fail(exc=exc):
            raise exc

        outcome = run_action(request, fail, success="never")
        assert not outcome and outcome.error == text
        assert _messages(request) == [("error", text)]


def test_with_a_form_the_error_goes_next_to_its_field_and_the_input_stays():
    request = _request({"note": "abc"})
    form = NoteForm(request.POST)
    assert form.is_valid()

    def fail():
        raise ActionError({"note": "太短", "elsewhere": "别处"})

    outcome = run_action(request, fail, form=form, success="never")
    assert not outcome and outcome.invalid
    assert form.errors["note"] == ["太短"] and form.non_field_errors() == ["别处"]
    assert form["note"].value() == "abc"
    assert _messages(request) == []

    form = NoteForm(request.POST)
    form.is_valid()

    def refuse():
        raise PermissionDeniedError("不可以")

    outcome = run_action(request, refuse, form=form)
    # a refusal is not about the input: a message, and the view need not redisplay the form
    assert not outcome and not outcome.invalid and not form.non_field_errors()
    assert _messages(request) == [("error", "不可以")]


def test_safe_next_url_keeps_local_targets_and_refuses_others():
    assert safe_next_url(_request({"next": "/issues/3/"}), "/home/") == "/issues/3/"
    assert safe_next_url(_request({"next": "https://evil.example/"}), "/home/") == "/home/"
    assert safe_next_url(_request({"next": "//evil.example/x"}), "/home/") == "/home/"
    assert safe_next_url(_request({"next": "http://testserver/a/"}, secure=True), "/home/") == "/home/"
    assert safe_next_url(_request({}), "portal:inbox") == "/inbox/"
