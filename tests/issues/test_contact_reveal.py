"""The full phone number a clerk reveals is in that response only: never in a flash message (a cookie)."""

from portal.models import AuditLog
from tests.issues.factories import submit


def test_revealed_phone_is_in_the_response_and_in_no_cookie(client_for, people):
    issue = submit(people["member"], contact_phone="13911112222")
    clerk = client_for(people["clerk"])
    r = clerk.post(f"/issues/{issue.pk}/contact/")
    assert r.status_code == 200 and "13911112222" in r.content.decode()
    assert r["Cache-Control"] == "private, no-store"
    assert all("13911112222" not in morsel.value for morsel in r.cookies.values())
    assert AuditLog.objects.filter(action="issues.issue.contact_revealed", actor=people["clerk"]).count() == 1
    # the next page shows the masked number again
    page = clerk.get(f"/issues/{issue.pk}/").content.decode()
    assert "139****2222" in page and "13911112222" not in page
