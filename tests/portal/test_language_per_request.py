"""A request's language is the request's alone (issue 15): LocaleMiddleware activates the reader's language
for the thread and never gives it back, so after a request in English the next code on that thread — a later
test, a task run in the same worker thread — ran in English. portal.middleware.LocaleMiddleware restores the
language the thread had before the request."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_a_request_in_english_leaves_the_thread_in_its_language(client):
    # given a thread in the default language
    assert translation.get_language() == settings.LANGUAGE_CODE
    # when a request is made in English
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("portal:home"))
    # then the page was in English, and the thread is back in Chinese afterwards
    assert response["Content-Language"] == "en"
    assert translation.get_language() == settings.LANGUAGE_CODE
    assert str(translation.gettext_lazy("提交")) == "提交"


def test_a_request_inside_an_override_gives_the_override_back(client):
    # given code running in English that makes a request in Chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    with translation.override("en"):
        response = client.get(reverse("portal:home"))
        # then the page was Chinese and the surrounding code is still in English
        assert response["Content-Language"] == "zh-hans"
        assert translation.get_language() == "en"


def test_a_streamed_response_is_written_in_the_request_language():
    # given an English request whose body is made while it is read (a streamed export)
    from django.http import StreamingHttpResponse
    from django.test import RequestFactory
    from django.utils.translation import gettext

    from portal.middleware import LocaleMiddleware

    def view(request):
        return StreamingHttpResponse(gettext(word) for word in ["提交", "取消"])

    request = RequestFactory().get("/")
    request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = LocaleMiddleware(view)(request)
    # then the thread is back in its language at once, and the body is still English when read later
    assert translation.get_language() == settings.LANGUAGE_CODE
    assert b"".join(response.streaming_content) == b"SubmitCancel"
    assert translation.get_language() == settings.LANGUAGE_CODE
