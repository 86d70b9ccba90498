"""Pages: permission matrix, public pages show no enterprise or personal data, constant query counts."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from insights import actions
from tests.insights.factories import at, common_from, seed_period, seed_period_made, submit
from tests.issues.factories import issue_made

pytestmark = pytest.mark.django_db

FIRE = [
    ("储能集装箱消防验收没有标准", "储能集装箱建好后申请消防验收，住建部门说没有对应的标准，无法受理。"),
    ("储能电站消防竣工验收找不到主管部门", "储能电站预制舱式建设，消防验收各部门互相推诿。"),
    ("储能柜项目消防验收卡住了", "储能柜建好后申请消防竣工验收，消防部门说不属于建筑工程。"),
]


@pytest.fixture
def common(member, other_member, third_member, supervisor, fire_department):
    issues = [
        submit(m, title=t, description=d) for m, (t, d) in zip([member, other_member, third_member], FIRE, strict=True)
    ]
    common = common_from(issues, supervisor=supervisor, lead=fire_department)
    actions.common_issue_update(
        actor=supervisor,
        common_issue=common,
        solution="储能集装箱消防验收由消防救援支队受理。",
        mechanism_kind="standard",
        mechanism="出台储能项目消防验收工作指引。",
        is_public=True,
    )
    return common


def _status(client, url, method="get", data=None):
    return getattr(client, method)(url, data or {}).status_code


def test_public_pages_open_without_login_and_show_no_enterprise_or_personal_data(client, common, member, enterprise):
    # given a published common problem built from three enterprises' problems
    for url in (
        reverse("insights:library"),
        reverse("insights:library_detail", args=[common.pk]),
        reverse("insights:rankings"),
    ):
        # when an anonymous visitor opens the page
        response = client.get(url)
        # then it opens, and no enterprise name, contact or phone appears
        assert response.status_code == 200, url
        html = response.content.decode()
        assert enterprise.name not in html
        assert "德清晨光储能有限公司" not in html
        assert "13812345678" not in html and "13900001111" not in html
    assert (
        "储能集装箱消防验收由消防救援支队受理"
        in client.get(reverse("insights:library_detail", args=[common.pk])).content.decode()
    )


def test_unpublished_common_problem_is_404_in_the_public_library(
    client, member, other_member, supervisor, fire_department
):
    issues = [submit(m, title=t, description=d) for m, (t, d) in zip([member, other_member], FIRE[:2], strict=True)]
    hidden = common_from(issues, supervisor=supervisor, lead=fire_department)
    assert client.get(reverse("insights:library_detail", args=[hidden.pk])).status_code == 404


@pytest.mark.parametrize(
    ("url_name", "allowed"),
    [
        ("insights:clusters", {"supervisor"}),
        ("insights:common_list", {"clerk", "handler", "supervisor"}),
        ("insights:rankings_staff", {"clerk", "handler", "supervisor"}),
        ("insights:ledger", {"clerk", "handler", "supervisor"}),
    ],
)
def test_staff_pages_permission_matrix(client, client_for, member, clerk, handler, supervisor, url_name, allowed):
    url = reverse(url_name)
    assert client.get(url).status_code == 302  # anonymous → login
    for name, user in {"member": member, "clerk": clerk, "handler": handler, "supervisor": supervisor}.items():
        expected = 200 if name in allowed else 403
        assert client_for(user).get(url).status_code == expected, (url_name, name)


def test_common_problem_detail_matrix(client, client_for, common, member, clerk, handler, fire_handler, supervisor):
    url = reverse("insights:common_detail", args=[common.pk])
    assert client.get(url).status_code == 302
    assert client_for(member).get(url).status_code == 403
    assert client_for(clerk).get(url).status_code == 200
    assert client_for(supervisor).get(url).status_code == 200
    assert client_for(fire_handler).get(url).status_code == 200
    # a handler of an unrelated department: the record is published, but it links none of its problems
    assert client_for(handler).get(url).status_code == 200
    common.is_public = False
    common.save(update_fields=["is_public"])
    assert client_for(handler).get(url).status_code == 404


def test_answer_page_flow_and_refusals(client_for, common, fire_handler, supervisor, member):
    url = reverse("insights:common_answer", args=[common.pk])
    # supervisor cannot answer (the replies must come from the lead department)
    response = client_for(supervisor).post(url, {"reply": "答复"})
    assert response.status_code == 302
    assert common.links.filter(issue__status="replied").count() == 0
    # empty reply → 400 with the form, nothing changed
    assert client_for(fire_handler).post(url, {"reply": ""}).status_code == 400
    response = client_for(fire_handler).post(url, {"reply": "已明确由消防救援支队受理。"})
    assert response.status_code == 302
    assert common.links.filter(issue__status="replied").count() == 3


def test_edit_and_reuse_forms_on_the_common_problem_page(client_for, common, supervisor, member, region):
    client = client_for(supervisor)
    detail = reverse("insights:common_detail", args=[common.pk])
    edit = reverse("insights:common_edit", args=[common.pk])
    reuse = reverse("insights:common_reuse", args=[common.pk])
    # bad input → 400, the page again with the form's errors, nothing changed
    response = client.post(edit, {"title": "", "summary": ""})
    assert response.status_code == 400 and response.context["edit_form"].errors
    response = client.post(reuse, {"region": ""})
    assert response.status_code == 400 and "region" in response.context["reuse_form"].errors
    assert common.reuses.count() == 0
    # good input → back to the page with a message
    response = client.post(edit, {"title": "储能集装箱消防验收（修订）", "summary": "多家企业反映。"})
    assert response.status_code == 302 and response["Location"] == detail
    common.refresh_from_db()
    assert common.title == "储能集装箱消防验收（修订）"
    response = client.post(reuse, {"region": region.pk, "note": "长兴县参照执行"}, follow=True)
    assert "已记录推广复用。" in response.content.decode() and common.reuses.count() == 1
    # the same region twice is refused as a form error; a member may not post at all
    assert client.post(reuse, {"region": region.pk}).status_code == 400
    assert client_for(member).post(edit, {"title": "x", "summary": "y"}).status_code == 403
    assert common.reuses.count() == 1


def test_create_from_cluster_page(client_for, member, other_member, third_member, supervisor, fire_department):
    issues = [
        submit(m, title=t, description=d) for m, (t, d) in zip([member, other_member, third_member], FIRE, strict=True)
    ]
    client = client_for(supervisor)
    page = client.get(reverse("insights:clusters"))
    assert page.status_code == 200
    assert "3 家企业" in page.content.decode()
    ids = ",".join(str(i.pk) for i in issues)
    assert client.get(reverse("insights:common_create") + f"?ids={ids}").status_code == 200
    response = client.post(
        reverse("insights:common_create"),
        {
            "title": "储能集装箱消防验收",
            "summary": "多家企业反映。",
            "lead_department": fire_department.pk,
            "issue_ids": ids,
            "dispatch_unassigned": "on",
        },
    )
    assert response.status_code == 302
    bad = client.post(reverse("insights:common_create"), {"title": "", "summary": "", "issue_ids": ids})
    assert bad.status_code == 200
    assert bad.context["form"].errors["title"]


def test_similar_hint_endpoint(client, client_for, common, member, clerk):
    url = reverse("insights:similar_hint")
    data = {"title": "储能集装箱消防验收", "description": "没有部门受理"}
    assert client.post(url, data).status_code == 302
    html = client_for(member).post(url, data).content.decode()
    assert "经验库中的类似问题" in html
    assert "德清晨光储能有限公司" not in html
    staff_html = client_for(clerk).post(url, data).content.decode()
    assert "similar-hint-body" in staff_html


def test_ranking_pages_and_drilldown(
    client, client_for, member, other_member, clerk, handler, other_handler, supervisor
):
    seed_period(
        12, members=[member, other_member], clerk=clerk, handlers=[handler, other_handler], supervisor=supervisor
    )
    public = client.get(reverse("insights:rankings"), {"period": "2026-03"})
    assert public.status_code == 200
    html = public.content.decode()
    assert handler.department.name in html and "<svg" in html
    assert "rankings/problems" not in html  # no drill-down for the public
    staff = client_for(supervisor).get(reverse("insights:rankings_staff"), {"period": "2026-03"})
    assert "rankings/problems" in staff.content.decode()
    drill = client_for(supervisor).get(
        reverse("insights:rankings_drilldown"),
        {"period": "2026-03", "key": handler.department_id, "metric": "received"},
    )
    assert drill.status_code == 200
    assert drill.context["page"].paginator.count == 6
    # a handler drilling into another department sees none of its problems
    other = client_for(handler).get(
        reverse("insights:rankings_drilldown"),
        {"period": "2026-03", "key": other_handler.department_id, "metric": "received"},
    )
    assert other.context["page"].paginator.count == 0
    assert client.get(reverse("insights:rankings"), {"period": "2026-13"}).status_code == 200


def test_ranking_and_library_pages_make_constant_queries(
    client, client_for, member, other_member, clerk, handler, other_handler, supervisor, num_queries
):
    seed_period_made(3, members=[member], clerk=clerk, handlers=[handler], supervisor=supervisor, day="2026-03-10")
    seed_period_made(
        30,
        members=[member, other_member],
        clerk=clerk,
        handlers=[handler, other_handler],
        supervisor=supervisor,
        day="2026-04-14",
    )
    staff = client_for(supervisor)
    for url, expected in ((reverse("insights:rankings"), 16), (reverse("insights:rankings_staff"), 16)):
        march = num_queries.get(staff, url, {"period": "2026-03"})
        assert num_queries.get(staff, url, {"period": "2026-04"}) == march == expected, url
    march = num_queries.get(staff, reverse("insights:ledger"), {"period": "2026-03"})
    april = num_queries.get(staff, reverse("insights:ledger"), {"period": "2026-04"})
    assert march == april == 7


def test_library_and_common_list_constant_queries(
    client, client_for, member, other_member, supervisor, fire_department, clerk, num_queries
):
    def make(n):
        # the problems are written in their state directly (the lists show common problems, not how
        # their problems were submitted); the common problems go through their actions
        for number in range(n):
            issues = [
                issue_made("submitted", member=member, title=f"储能消防验收{number}", now=at("2026-03-02")),
                issue_made("submitted", member=other_member, title=f"储能验收{number}"),
            ]
            c = common_from(issues, supervisor=supervisor, lead=fire_department, title=f"共性问题{number}")
            actions.common_issue_update(actor=supervisor, common_issue=c, solution="统一答复", is_public=True)

    make(3)
    small = [
        num_queries.get(client, reverse("insights:library")),
        num_queries.get(client_for(clerk), reverse("insights:common_list")),
    ]
    make(27)
    large = [
        num_queries.get(client, reverse("insights:library")),
        num_queries.get(client_for(clerk), reverse("insights:common_list")),
    ]
    assert small == large == [3, 4]


def test_exports_are_xlsx_and_masked(client_for, member, other_member, clerk, handler, other_handler, supervisor):
    seed_period(5, members=[member], clerk=clerk, handlers=[handler], supervisor=supervisor)
    response = client_for(clerk).get(reverse("insights:ledger_issues_export"), {"period": "2026-03", "unmask": "on"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and len(rows) == 6
    phones = {row[5] for row in rows[1:]}
    assert all("****" in phone for phone in phones)  # a clerk may not unmask
    response = client_for(supervisor).get(
        reverse("insights:ledger_issues_export"), {"period": "2026-03", "unmask": "on"}
    )
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert all("****" not in row[5] for row in rows[1:])
    from portal.models import AuditLog

    assert AuditLog.objects.filter(action="insights.ledger.unmasked_export").count() == 1
    ranking = client_for(clerk).get(reverse("insights:rankings_export"), {"period": "2026-03"})
    rows = list(load_workbook(io.BytesIO(b"".join(ranking.streaming_content))).active.iter_rows(values_only=True))
    assert rows[1][2] == handler.department.name


def test_applications_ledger_exports_an_empty_month_with_its_header(client_for, clerk):
    response = client_for(clerk).get(reverse("insights:ledger_applications_export"), {"period": "2026-03"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][0] == "申请编号"


def test_applications_ledger_exports_masked_rows(client_for, clerk, supervisor, one_application):
    # given one 企业开办 application submitted by the enterprise (fixture)
    application = one_application
    period = application.submitted_at.astimezone(at("2026-01-01").tzinfo).strftime("%Y-%m")
    # when a clerk exports the month's applications
    response = client_for(clerk).get(reverse("insights:ledger_applications_export"), {"period": period, "unmask": "on"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    # then the application is there with the contact masked (a clerk may not unmask)
    assert [row[0] for row in rows[1:]] == [application.reference]
    assert rows[1][8] == "沈**" and rows[1][9] == "138****5678"
    # a supervisor may unmask, and that is audited
    rows = list(
        load_workbook(
            io.BytesIO(
                b"".join(
                    client_for(supervisor)
                    .get(reverse("insights:ledger_applications_export"), {"period": period, "unmask": "on"})
                    .streaming_content
                )
            )
        ).active.iter_rows(values_only=True)
    )
    assert rows[1][9] == "13812345678"
