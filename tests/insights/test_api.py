"""API: similar problems (only visible ones), common problems (public fields for anyone), rankings."""

import pytest

from insights import actions
from tests.insights.factories import common_from, seed_period, submit
from tests.issues.factories import issue_made

pytestmark = pytest.mark.django_db


def test_similar_requires_login_and_returns_only_visible_problems(api_for, member, other_member, clerk):
    own = submit(member, title="厂房层高不够设备无法安装", description="标准厂房净高只有5米。")
    other = submit(other_member, title="新建厂房层高不满足生产要求", description="层高偏低，设备装不下。")
    assert api_for().post("/api/v1/issues/similar/", {"text": "厂房层高"}, format="json").status_code in (401, 403)
    response = api_for(member).post("/api/v1/issues/similar/", {"text": "厂房层高不足"}, format="json")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [own.pk]
    assert set(results[0]) == {"id", "reference", "title", "score", "status", "common_issue"}
    staff = api_for(clerk).post("/api/v1/issues/similar/", {"text": "厂房层高不足"}, format="json").json()["results"]
    assert {r["id"] for r in staff} == {own.pk, other.pk}
    assert staff[0]["score"] >= staff[-1]["score"]


def test_similar_bad_input_is_a_clear_400(api_for, member):
    client = api_for(member)
    assert client.post("/api/v1/issues/similar/", {}, format="json").status_code == 400
    assert client.post("/api/v1/issues/similar/", {"text": "x" * 6000}, format="json").status_code == 400
    assert client.post("/api/v1/issues/similar/", {"text": "厂房", "limit": 0}, format="json").status_code == 400


def test_common_issues_public_fields_for_anyone(api_for, member, other_member, supervisor, fire_department, clerk):
    issues = [submit(member, title="储能消防验收"), submit(other_member, title="储能集装箱消防验收")]
    common = common_from(issues, supervisor=supervisor, lead=fire_department)
    hidden = common_from(
        [submit(member, title="路灯"), submit(other_member, title="路灯不亮")],
        supervisor=supervisor,
        lead=fire_department,
        title="路灯",
    )
    actions.common_issue_update(
        actor=supervisor, common_issue=common, solution="统一答复", root_cause="内部", is_public=True
    )
    anonymous = api_for().get("/api/v1/common-issues/").json()
    assert [row["id"] for row in anonymous["results"]] == [common.pk]
    row = anonymous["results"][0]
    assert "root_cause" not in row and "internal_note" not in row
    assert row["issue_count"] == 2 and row["enterprise_count"] == 2
    staff = api_for(clerk).get("/api/v1/common-issues/").json()
    assert {r["id"] for r in staff["results"]} == {common.pk, hidden.pk}
    assert staff["results"][0]["root_cause"] is not None
    assert api_for().get(f"/api/v1/common-issues/{hidden.pk}/").status_code == 404


def test_common_issues_list_constant_queries(api_for, member, other_member, supervisor, fire_department, num_queries):
    def make(n):
        # the problems written in their state directly (the list shows common problems, not how their
        # problems were submitted); the common problems go through their actions
        for number in range(n):
            problems = [
                issue_made("submitted", member=member, title=f"问题{number}"),
                issue_made("submitted", member=other_member, title=f"问题乙{number}"),
            ]
            c = common_from(
                problems,
                supervisor=supervisor,
                lead=fire_department,
                title=f"共性{number}",
            )
            actions.common_issue_update(actor=supervisor, common_issue=c, solution="答复", is_public=True)
            actions.common_issue_record_reuse(
                actor=supervisor, common_issue=c, region=member.memberships.first().enterprise.region
            )

    def count():
        return num_queries.get(api_for(), "/api/v1/common-issues/")

    make(3)
    small = count()
    make(27)
    assert count() == small == 3


def test_rankings_api(api_for, member, other_member, clerk, handler, other_handler, supervisor):
    seed_period(
        12, members=[member, other_member], clerk=clerk, handlers=[handler, other_handler], supervisor=supervisor
    )
    response = api_for().get("/api/v1/rankings/", {"period": "2026-03"})
    assert response.status_code == 200
    data = response.json()
    assert data["period"] == "2026-03" and data["previous_period"] == "2026-02"
    rows = data["results"]
    assert [row["rank"] for row in rows] == [1, 2]
    for key in (
        "received",
        "on_time_accept_rate",
        "on_time_reply_rate",
        "closure_rate",
        "follow_up_rate",
        "satisfaction_rate",
        "mean_rating",
        "rank",
    ):
        assert key in rows[0]
    assert set(rows[0]["department"]) == {"id", "code", "name"}
    assert sum(row["received"] for row in rows) == 12
    assert api_for().get("/api/v1/rankings/", {"period": "2026-Q1"}).json()["results"][0]["received"] > 0
    assert api_for().get("/api/v1/rankings/", {"period": "2026"}).status_code == 200
    assert api_for().get("/api/v1/rankings/", {"period": "2026-13"}).status_code == 400
    assert api_for().get("/api/v1/rankings/", {"by": "planet"}).status_code == 400
    assert api_for().get("/api/v1/rankings/", {"region": "999999"}).status_code == 400


def test_common_issues_filters_shared_with_the_page(
    api_for, client_for, member, other_member, supervisor, fire_department, clerk
):
    first = common_from(
        [submit(member, title="储能消防验收"), submit(other_member, title="储能验收")],
        supervisor=supervisor,
        lead=fire_department,
    )
    second = common_from(
        [submit(member, title="路灯不亮"), submit(other_member, title="路灯坏了")],
        supervisor=supervisor,
        lead=fire_department,
        title="厂区门口路灯不亮",
    )
    actions.common_issue_update(actor=supervisor, common_issue=second, solution="街道统一管养路灯。")
    api = api_for(clerk).get("/api/v1/common-issues/", {"q": "路灯"}).json()
    assert [row["id"] for row in api["results"]] == [second.pk]
    assert [
        row["id"] for row in api_for(clerk).get("/api/v1/common-issues/", {"status": "open"}).json()["results"]
    ] == [first.pk]
    page = client_for(clerk).get("/insights/common/", {"q": "路灯"})
    assert [c.pk for c in page.context["page"]] == [second.pk]
    assert api_for(clerk).get("/api/v1/common-issues/", {"status": "nonsense"}).status_code == 400
