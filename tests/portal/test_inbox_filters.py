"""The inbox (issue 15): unread or all, by source; mark one read, mark all read."""

import pytest

from portal.models import Notification

pytestmark = pytest.mark.django_db


def _note(user, kind, title):
    return Notification.objects.create(recipient=user, channel="inbox", status="sent", kind=kind, title=title)


def test_inbox_filters_and_marks_read(client_for, member):
    # given an unread issues message and an unread services message
    one = _note(member, "issues.replied", "问题已答复")
    _note(member, "services.done", "事项已办结")
    c = client_for(member)
    # then the source filter narrows the list
    html = c.get("/inbox/?source=issues").content.decode()
    assert "问题已答复" in html and "事项已办结" not in html
    # when one is marked read, the unread filter hides it
    c.post("/inbox/", {"notification": one.pk})
    html = c.get("/inbox/?show=unread").content.decode()
    assert "问题已答复" not in html and "事项已办结" in html
    # a bad id changes nothing; mark all read reads the rest
    c.post("/inbox/", {"notification": "x"})
    assert Notification.objects.unread_for(member).count() == 1
    c.post("/inbox/", {})
    assert Notification.objects.unread_for(member).count() == 0
