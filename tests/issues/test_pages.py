"""Pages: permission matrix, the moves through forms, uploads, 企业码, constant query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from issues.code_views import signed_token
from issues.models import Issue, IssueAttachment
from tests.issues.factories import issue_in, issue_made, submit
from tests.security import samples

pytestmark = pytest.mark.django_db

PNG = samples.png()


def _roles(people):
    return {"member": people["member"], "clerk": people["clerk"], "handler": people["handler"]}


LISTS = [
    ("/issues/", {"clerk", "handler", "supervisor"}),
    ("/issues/mine/", {"member"}),
    ("/issues/catch-all/", {"clerk", "supervisor"}),
    ("/issues/inbox/", {"handler"}),
    ("/issues/follow-ups/", {"clerk", "supervisor"}),
    ("/issues/supervision/", {"supervisor"}),
    ("/issues/new/", {"member"}),
    ("/issues/intake/", {"clerk", "supervisor"}),
]


@pytest.mark.parametrize(("url", "allowed"), LISTS)
def test_page_permission_matrix(client, client_for, people, supervisor, url, allowed):
    # anonymous → login page
    assert client.get(url).status_code == 302
    users = {**people, "supervisor": supervisor}
    for name in ("member", "clerk", "handler", "supervisor"):
        code = client_for(users[name]).get(url).status_code
        assert code == (200 if name in allowed else 403), (name, code)


def test_detail_permission_matrix(client, client_for, people, other_member):
    issue = issue_in("dispatched", **_roles(people))
    url = f"/issues/{issue.pk}/"
    assert client.get(url).status_code == 302
    assert client_for(people["member"]).get(url).status_code == 200
    assert client_for(other_member).get(url).status_code == 404
    assert client_for(people["handler"]).get(url).status_code == 200
    assert client_for(people["other_handler"]).get(url).status_code == 404
    assert client_for(people["clerk"]).get(url).status_code == 200


def test_report_form_with_attachment_and_download(client_for, people, other_member):
    c = client_for(people["member"])
    r = c.post(
        "/issues/new/",
        {
            "enterprise": people["member"].memberships.get().enterprise_id,
            "category": "land-factory",
            "title": "厂房层高不满足设备安装",
            "description": "新建厂房层高 6 米，设备需要 8 米。",
            "attachments": [SimpleUploadedFile("photo.png", PNG, content_type="image/png")],
        },
    )
    assert r.status_code == 302
    issue = Issue.objects.get()
    attachment = IssueAttachment.objects.get()
    assert attachment.content_type == "image/png"
    # stored outside the web root: not reachable under /media/ nor /static/
    assert c.get(attachment.file.url).status_code == 404
    url = f"/issues/{issue.pk}/attachments/{attachment.pk}/"
    response = c.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert client_for(other_member).get(url).status_code == 404


def test_upload_with_wrong_content_refused(client_for, people):
    r = client_for(people["member"]).post(
        "/issues/new/",
        {
            "enterprise": people["member"].memberships.get().enterprise_id,
            "category": "other",
            "title": "t",
            "description": "d",
            "attachments": [SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")],
        },
    )
    assert r.status_code == 200 and "不是允许的类型" in r.content.decode()
    assert not Issue.objects.exists() and not IssueAttachment.objects.exists()


def test_moves_through_the_detail_page(client_for, people, supervisor):
    m, c, h = people["member"], people["clerk"], people["handler"]
    issue = submit(m)
    base = f"/issues/{issue.pk}/move/"
    page = client_for(c).get(f"/issues/{issue.pk}/").content.decode()
    assert 'data-testid="move-dispatch"' in page and "insights" not in page.split("move-classify")[0][-10:]
    assert client_for(c).post(base + "dispatch/", {"lead_department": h.department_id}).status_code == 302
    assert client_for(h).post(base + "accept/").status_code == 302
    client_for(h).post(base + "reply/", {"reply": "已答复"})
    r = client_for(c).post(base + "close/", {}, follow=True)  # clerk cannot close
    assert "只有督办人员" in r.content.decode()
    client_for(c).post(base + "follow_up/", {"reached": "on", "satisfied": "true", "note": "满意"})
    r = client_for(m).post(base + "rate/", {"rating": "2", "comment": ""}, follow=True)
    assert "须填写理由" in r.content.decode()
    client_for(m).post(base + "rate/", {"rating": "5"})
    client_for(supervisor).post(base + "close/", {})
    assert Issue.objects.get(pk=issue.pk).status == "closed"


def test_enterprise_code_page_and_signed_link(client, client_for, people, other_member):
    issue = issue_in("accepted", **_roles(people))
    people["handler"].office_phone = "0572-2398123"
    people["handler"].save()
    enterprise = issue.enterprise
    page = client_for(people["member"]).get(f"/issues/code/{enterprise.pk}/").content.decode()
    assert people["handler"].name in page and "0572-2398123" in page and issue.reply_due.isoformat() in page
    assert client_for(other_member).get(f"/issues/code/{enterprise.pk}/").status_code == 404
    svg = client_for(people["member"]).get(f"/issues/code/{enterprise.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    # the signed link works without login and shows no personal data
    signed = client.get(f"/issues/status/{signed_token(enterprise)}/").content.decode()
    assert issue.lead_department.name in signed and issue.reply_due.isoformat() in signed
    assert people["handler"].name not in signed and "0572-2398123" not in signed
    assert issue.contact_phone not in signed
    assert client.get("/issues/status/forged-token/").status_code == 404


def test_signed_link_expires(client, people, settings):
    from unittest import mock

    issue = issue_in("dispatched", **_roles(people))
    token = signed_token(issue.enterprise)
    with mock.patch("issues.code_views.LINK_MAX_AGE", -1):
        assert client.get(f"/issues/status/{token}/").status_code == 404


# (who, url) → the exact queries of one page, the same for 3 problems as for 30
QUERIES = {
    ("clerk", "/issues/"): 9,
    ("clerk", "/issues/?sort=deadline&status=dispatched"): 9,
    ("member", "/issues/mine/"): 8,
    # the queues show the list's filters (categories, channels, departments: 3 queries)
    ("clerk", "/issues/catch-all/"): 9,
    ("handler", "/issues/inbox/"): 10,
    ("clerk", "/issues/follow-ups/"): 9,
    # one section listed at a time, the six counts in one query; its default section (督办) is empty here
    # (the problems are not overdue), so no calendar read for the rows' lights
    ("supervisor", "/issues/supervision/"): 12,
    ("member", "/issues/code/{enterprise}/"): 9,  # + the member's enterprises, for the rate predicate
    ("anonymous", "/issues/status/{token}/"): 4,
    # the similar-problem hint's three searches share one read of the text's term statistics with the
    # number of documents, and one read of the problems found; each search's candidates are one full-text
    # query on PostgreSQL (with their terms' statistics), two on SQLite (the term rows, then the documents;
    # the documents' terms here are all the text's own, so no further read of statistics)
    ("clerk", "/issues/{issue}/"): 19 if connection.vendor == "postgresql" else 21,
}


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("clerk", "/issues/"),
        ("clerk", "/issues/?sort=deadline&status=dispatched"),
        ("member", "/issues/mine/"),
        ("clerk", "/issues/catch-all/"),
        ("handler", "/issues/inbox/"),
        ("clerk", "/issues/follow-ups/"),
        ("supervisor", "/issues/supervision/"),
        ("member", "/issues/code/{enterprise}/"),
        ("anonymous", "/issues/status/{token}/"),
        ("clerk", "/issues/{issue}/"),
    ],
)
def test_list_query_counts_constant(
    client, client_for, people, supervisor, who, url, num_queries, django_capture_on_commit_callbacks
):
    users = {**people, "supervisor": supervisor}
    c = client if who == "anonymous" else client_for(users[who])

    def make(n):
        # a problem is indexed for the similar-problem search once its save commits (insights.signals);
        # the test's transaction never commits, so its after-commit callbacks are run here, as in
        # production: the detail page then finds similar problems (with none indexed its search stops
        # after one query, and the count would not be the page's real one)
        made = []
        with django_capture_on_commit_callbacks(execute=True):
            for i in range(n):
                status = ["submitted", "dispatched", "replied", "reopened"][i % 4]
                made.append(issue_made(status, **_roles(people), supervisor=supervisor, title=f"问题{i}"))
        return made

    first = make(3)
    enterprise = first[0].enterprise
    target = url.format(enterprise=enterprise.pk, token=signed_token(enterprise), issue=first[0].pk)
    three = num_queries.get(c, target)
    make(27)
    assert num_queries.get(c, target) == three == QUERIES[who, url]


def test_admin_configures_lists_but_problems_are_read_only(client_for, admin_user, people):
    from portal.models import AuditLog

    issue = issue_in("dispatched", **_roles(people))
    c = client_for(admin_user)
    assert c.get("/admin/issues/deadlinerule/").status_code == 200
    assert c.get("/admin/issues/channel/add/").status_code == 200
    r = c.post("/admin/issues/channel/add/", {"code": "wechat", "name": "微信公众号", "order": 20, "is_active": "on"})
    assert r.status_code == 302 and AuditLog.objects.filter(action__contains="channel").exists()
    assert c.get(f"/admin/issues/issue/{issue.pk}/change/").status_code == 200
    assert c.get("/admin/issues/issue/add/").status_code == 403
    before = Issue.objects.get(pk=issue.pk).status
    c.post(f"/admin/issues/issue/{issue.pk}/change/", {"status": "closed"})
    assert Issue.objects.get(pk=issue.pk).status == before


def test_too_large_upload_refused(client_for, people, monkeypatch):
    monkeypatch.setattr("issues.uploads.MAX_ATTACHMENT_BYTES", 32)
    r = client_for(people["member"]).post(
        "/issues/new/",
        {
            "enterprise": people["member"].memberships.get().enterprise_id,
            "category": "other",
            "title": "t",
            "description": "d",
            "attachments": [SimpleUploadedFile("photo.png", PNG, content_type="image/png")],
        },
    )
    assert r.status_code == 200 and "大小限制" in r.content.decode()
    assert not Issue.objects.exists()


def test_list_filters_by_date_range_channel_level_and_overdue(client_for, people):
    from tests.issues.factories import at

    old = issue_in("dispatched", **_roles(people), now=at("2026-03-02"))
    new = submit(people["member"], now=at("2026-06-02"), title="路灯")
    from issues import actions

    actions.sweep_overdue()
    c = client_for(people["clerk"])

    def refs(query):
        return {i for i in (old, new) if f'data-issue="{i.pk}"' in c.get("/issues/?" + query).content.decode()}

    assert refs("date_from=2026-05-01") == {new}
    assert refs("date_to=2026-05-01") == {old}
    assert refs("channel=online") == {old, new}
    assert refs("level=city") == {old}
    assert refs("overdue=true") == {old, new}
    assert refs("q=路灯") == {new}


def test_contact_phone_masked_for_staff_and_reveal_is_audited(client_for, people):
    from portal.models import AuditLog

    issue = submit(people["member"], contact_phone="13911112222")
    page = client_for(people["clerk"]).get(f"/issues/{issue.pk}/").content.decode()
    assert "139****2222" in page and "13911112222" not in page
    assert client_for(people["handler"]).post(f"/issues/{issue.pk}/contact/").status_code == 403
    r = client_for(people["clerk"]).post(f"/issues/{issue.pk}/contact/", follow=True)
    assert "13911112222" in r.content.decode()
    assert AuditLog.objects.filter(action="issues.issue.contact_revealed", actor=people["clerk"]).count() == 1
    assert "13911112222" in client_for(people["member"]).get(f"/issues/{issue.pk}/").content.decode()


def test_duplicate_global_deadline_rule_refused(client_for, admin_user):
    from issues.models import DeadlineRule

    r = client_for(admin_user).post(
        "/admin/issues/deadlinerule/add/",
        {
            "category": "",
            "tier": "",
            "dispatch_working_days": 3,
            "reply_days": 10,
            "followup_working_days": 3,
            "redo_working_days": 15,
            "return_working_days": 1,
        },
    )
    assert r.status_code == 200 and "已存在" in r.content.decode()
    assert DeadlineRule.objects.count() == 1


def test_action_views_permission_matrix(client, client_for, people, other_member, supervisor):
    from issues import actions

    issue = issue_in("accepted", **_roles(people))
    ext = actions.issue_request_extension(
        actor=people["handler"], issue=issue, requested_due=issue.reply_due.replace(year=2099), reason="x"
    )
    move = f"/issues/{issue.pk}/move/reply/"
    decide = f"/issues/extensions/{ext.pk}/decide/"
    code = f"/issues/code/{issue.enterprise_id}/"
    # anonymous → login
    for url in (move, decide, f"/issues/{issue.pk}/contact/"):
        assert client.post(url).status_code == 302
    assert client.get(code).status_code == 302
    # someone else's object → 404
    assert client_for(other_member).post(move, {"reply": "x"}).status_code == 404
    assert client_for(people["other_handler"]).post(move, {"reply": "x"}).status_code == 404
    assert client_for(other_member).get(code).status_code == 404
    # wrong role → 403 (decide) or a refusal message and nothing changed (move)
    assert client_for(people["handler"]).post(decide, {"approve": "1"}).status_code == 403
    r = client_for(people["clerk"]).post(move, {"reply": "代答复"}, follow=True)
    assert "只有牵头部门的承办人" in r.content.decode()
    assert Issue.objects.get(pk=issue.pk).status == "accepted"
    # right role → done
    assert client_for(supervisor).post(decide, {"approve": "1"}).status_code == 302
    client_for(people["handler"]).post(move, {"reply": "已办理"})
    assert Issue.objects.get(pk=issue.pk).status == "replied"
    # unknown move → 404
    assert client_for(people["handler"]).post(f"/issues/{issue.pk}/move/delete/").status_code == 404


def test_decision_without_a_choice_is_refused_with_a_message(client_for, people, supervisor):
    from issues import actions
    from issues.models import ExtensionRequest

    # given a pending extension request
    issue = issue_in("accepted", **_roles(people))
    ext = actions.issue_request_extension(
        actor=people["handler"], issue=issue, requested_due=issue.reply_due.replace(year=2099), reason="x"
    )
    # when the supervisor posts the decision form without choosing 同意/不同意
    r = client_for(supervisor).post(f"/issues/extensions/{ext.pk}/decide/", {"note": "?"}, follow=True)
    # then the page says what to do and the request is still pending
    assert "请选择“同意”或“不同意”。" in r.content.decode()
    assert ExtensionRequest.objects.get(pk=ext.pk).status == "pending"
