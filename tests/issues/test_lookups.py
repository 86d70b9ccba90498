"""The department type-ahead of a move (issue 15): it offers what the move's picker offers — 提级 only the next
level up (issues.routing), 交办 the departments that take problems — for whoever may make the move now."""

import pytest
from django.urls import reverse

from issues import routing
from portal.choices import DepartmentKind
from tests.issues.factories import issue_in, submit
from tests.portal.factories import DepartmentFactory, RegionFactory

pytestmark = pytest.mark.django_db


def _url(issue, move):
    return reverse("issues:move_department_lookup", args=[issue.pk, move])


@pytest.fixture
def county_department(db):
    county = RegionFactory(code="330502", name="吴兴区", level="county")
    return DepartmentFactory(code="wx-drc", name="吴兴区发改局", region=county, kind=DepartmentKind.GOVERNMENT)


def _accepted(people):
    return issue_in("accepted", member=people["member"], clerk=people["clerk"], handler=people["handler"])


def test_escalation_offers_only_the_next_level(client_for, people, supervisor, province_department, county_department):
    # given a city-level problem and departments at the province, the city and a county
    issue = _accepted(people)
    client = client_for(supervisor)
    # when the supervisor types part of a department's name (or of its region's)
    for q in ("发展", "浙江", "局", "委员会"):
        found = client.get(_url(issue, "escalate"), {"q": q}).json()["results"]
        # then only the province department is offered, labelled as in the form's picker
        assert found == (
            [{"id": province_department.pk, "label": "浙江省发展和改革委员会（浙江省）"}] if q != "局" else []
        ), q
    # a city department's name finds nothing: escalation never goes sideways
    assert client.get(_url(issue, "escalate"), {"q": people["handler"].department.name}).json()["results"] == []


def test_dispatch_offers_the_departments_that_take_problems(client_for, people, county_department, catch_all_office):
    issue = submit(people["member"])
    answer = client_for(people["clerk"]).get(_url(issue, "dispatch"), {"q": "局"}).json()
    # exactly what the 交办 picker offers, in its order (the problem's level first); never the 兜底办
    expected = [d.pk for d in routing.assignable_departments(issue) if "局" in d.name]
    assert [row["id"] for row in answer["results"]] == expected and len(expected) >= 2
    assert "吴兴区发改局（吴兴区）" in [row["label"] for row in answer["results"]]
    assert not any(catch_all_office.name in row["label"] for row in answer["results"])


def test_dispatch_co_department_picker_asks_its_own_field(client_for, people, county_department, catch_all_office):
    # the co-department picker (a multiple select) names its field: the same choices as the form's field
    issue = submit(people["member"])
    client = client_for(people["clerk"])
    co = client.get(_url(issue, "dispatch"), {"q": "局", "field": "co_departments"}).json()["results"]
    lead = client.get(_url(issue, "dispatch"), {"q": "局"}).json()["results"]
    assert co == lead and len(co) >= 2
    # an unknown field name falls back to the form's first picker
    assert client.get(_url(issue, "dispatch"), {"q": "局", "field": "note"}).json()["results"] == lead
    # and the dispatch form's select carries the lookup with its field
    page = client.get(reverse("issues:issue_detail", args=[issue.pk])).content.decode()
    assert f"{_url(issue, 'dispatch')}?field=co_departments" in page


def test_deny_by_default(client, client_for, people, supervisor, other_handler, member):
    issue = _accepted(people)
    url = _url(issue, "escalate")
    assert client.get(url, {"q": "浙江"}).status_code == 401
    # an enterprise member: not staff
    assert client_for(member).get(url, {"q": "浙江"}).status_code == 403
    # the handler sees the problem but may not escalate it
    response = client_for(people["handler"]).get(url, {"q": "浙江"})
    assert response.status_code == 403 and response.json()["detail"] == "您现在不能对该问题执行此操作。"
    # another department's handler does not see the problem at all
    assert client_for(other_handler).get(url, {"q": "浙江"}).status_code == 404
    # a move without a department, or no move at all
    assert client_for(supervisor).get(_url(issue, "accept"), {"q": "浙江"}).status_code == 404
    assert client_for(supervisor).get(_url(issue, "nonsense"), {"q": "浙江"}).status_code == 404


def test_query_count_is_pinned(client_for, people, supervisor, province_department, num_queries):
    issue = _accepted(people)
    client = client_for(supervisor)
    few = num_queries.get(client, _url(issue, "escalate"), {"q": "浙江"})
    for n in range(27):
        DepartmentFactory(code=f"zj-{n}", name=f"浙江省测试厅{n}", region=province_department.region)
    # session, user, the problem, the departments (the session's idle stamp is not rewritten within a minute)
    assert num_queries.get(client, _url(issue, "escalate"), {"q": "浙江"}) == few == 4


def test_the_pickers_name_their_lookups(client_for, people, supervisor, province_department):
    # the intake's enterprise picker searches the enterprise lookup; without JavaScript it is the plain select
    intake = client_for(people["clerk"]).get(reverse("issues:issue_intake")).content.decode()
    picker = intake.split('name="enterprise"')[1].split(">")[0]
    assert 'data-combobox=""' in picker and 'data-lookup="/workbench/lookup/enterprises/"' in picker
    # the escalate form's department picker searches what the move offers
    issue = _accepted(people)
    page = client_for(supervisor).get(reverse("issues:issue_detail", args=[issue.pk])).content.decode()
    picker = page.split('name="to_department"')[1].split(">")[0]
    assert f'data-lookup="{_url(issue, "escalate")}"' in picker
