"""The round trip: a problem posted through Open311 is dispatched and answered in the portal (through the
same actions as every channel's), and the calling system reads the progress back in GeoReport terms."""

import datetime as dt

from django.utils import timezone

from issues import actions
from issues.models import Issue
from tests.open311.factories import post_request, url, validate

REPLY = "已协调消防救援支队上门指导，储能集装箱按新规办理消防验收。"


def _read(client, key, reference) -> dict:
    data = client.get(url(f"requests/{reference}"), {"api_key": key}).json()
    validate("requests.json", data)
    return data[0]


def test_posted_dispatched_replied_closed_and_read_back(client, hotline, enterprise, clerk, handler, supervisor):
    row, key = hotline
    # given a problem posted by the hotline
    answer = post_request(client, key, uscc=enterprise.uscc, **{"attribute[contact_phone]": "0572-12345"})
    reference = answer.json()[0]["service_request_id"]
    issue = Issue.objects.get(reference=reference)
    assert (issue.channel, issue.enterprise, issue.submitted_by) == (row.channel, enterprise, row.account)
    assert issue.title == "厂房消防验收不知向哪个部门申请" and issue.contact_phone == "0572-12345"
    assert reference in answer.json()[0]["service_notice"]
    first = _read(client, key, reference)
    assert first["status"] == "open" and first["agency_responsible"] is None
    assert first["expected_datetime"].startswith(issue.dispatch_due.isoformat())
    assert "待交办" in first["status_notes"]

    # when the portal dispatches it and the department replies
    actions.issue_dispatch(actor=clerk, issue=issue, lead_department=handler.department)
    actions.issue_accept(actor=handler, issue=issue)
    actions.issue_reply(actor=handler, issue=issue, reply=REPLY)
    issue.refresh_from_db()
    replied = _read(client, key, reference)

    # then it is answered but still open: the follow-up call can reopen it
    assert replied["status"] == "open"
    assert replied["agency_responsible"] == handler.department.name
    assert "已答复" in replied["status_notes"] and REPLY in replied["status_notes"]
    assert issue.current_due() == issue.followup_due
    assert replied["expected_datetime"] == f"{issue.followup_due.isoformat()}T23:59:59+08:00"

    # when it is followed up and closed
    actions.issue_follow_up(actor=clerk, issue=issue, reached=True, satisfied=True, note="企业表示满意")
    actions.issue_close(actor=supervisor, issue=issue)
    issue.refresh_from_db()
    closed = _read(client, key, reference)

    # then it reads closed, with the reply in its notes and the closing time as its last update
    assert closed["status"] == "closed"
    assert "已办结" in closed["status_notes"] and REPLY in closed["status_notes"]
    assert closed["expected_datetime"] is None
    assert dt.datetime.fromisoformat(closed["updated_datetime"]) == issue.closed_at.replace(microsecond=0)
    assert [
        r["service_request_id"] for r in client.get(url("requests"), {"api_key": key, "status": "closed"}).json()
    ] == [reference]
    assert client.get(url("requests"), {"api_key": key, "status": "open"}).json() == []

    # and the updates feed tells the same story, without what staff noted on the call
    since = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    updates = client.get(url("servicerequestupdates"), {"api_key": key, "start_date": since}).json()
    validate("local/updates.json", updates)
    assert [u["status"] for u in updates][-1] == "closed"
    assert any(REPLY in u["description"] for u in updates)
    assert not any("企业表示满意" in u["description"] for u in updates)


def test_a_withdrawn_problem_is_closed(client, hotline, enterprise, member):
    _row, key = hotline
    reference = post_request(client, key, uscc=enterprise.uscc).json()[0]["service_request_id"]
    actions.issue_withdraw(actor=member, issue=Issue.objects.get(reference=reference), reason="已自行解决")
    assert _read(client, key, reference)["status"] == "closed"


def test_the_catch_all_service_records_the_ownerless_kind(client, hotline, enterprise):
    _row, key = hotline
    response = post_request(
        client, key, uscc=enterprise.uscc, service_code="other", **{"attribute[ownerless_kind]": "multi-agency"}
    )
    assert response.status_code == 201
    assert Issue.objects.get().ownerless_kind.code == "multi-agency"


def test_filters_by_service_and_date(client, hotline, enterprise):
    _row, key = hotline
    post_request(client, key, uscc=enterprise.uscc, service_code="labour")
    post_request(client, key, uscc=enterprise.uscc, service_code="tax")
    codes = [r["service_code"] for r in client.get(url("requests"), {"api_key": key, "service_code": "tax"}).json()]
    assert codes == ["tax"]
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert client.get(url("requests"), {"api_key": key, "start_date": future}).json() == []
    page_two = client.get(url("requests"), {"api_key": key, "page": "2", "page_size": "1"}).json()
    assert [r["service_code"] for r in page_two] == ["labour"]


def test_an_unencoded_plus_in_a_date_is_read_as_the_offset(client, hotline, enterprise):
    # given a problem registered now, and a client that forgot to encode "+" in the query string
    _row, key = hotline
    post_request(client, key, uscc=enterprise.uscc)
    tomorrow = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT00:00:00")
    # when
    response = client.get(f"{url('requests')}?api_key={key}&start_date={tomorrow}+08:00")
    # then
    assert response.status_code == 200 and response.json() == []
