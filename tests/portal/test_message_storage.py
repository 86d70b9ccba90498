"""No personal data in cookies (issue 14, item 4): flash messages live in the server-side session, so
whatever a message says (a reference, a name) never travels in a cookie of its own."""

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.session import SessionStorage
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.module_loading import import_string


def test_flash_messages_are_kept_in_the_server_side_session():
    assert issubclass(import_string(settings.MESSAGE_STORAGE), SessionStorage)


def test_a_message_sets_no_cookie(client_for, clerk):
    # given a signed-in clerk whose request adds a message
    client = client_for(clerk)
    request = RequestFactory().get("/")
    request.session = client.session
    storage = import_string(settings.MESSAGE_STORAGE)(request)
    storage.add(messages.INFO, "联系人 张三 13911112222")
    response = HttpResponse()
    # when the storage saves it with the response
    storage.update(response)
    # then no cookie carries it; the session (server side) does
    assert "messages" not in response.cookies
    assert all("13911112222" not in morsel.value for morsel in response.cookies.values())
