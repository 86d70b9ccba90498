"""The hint inside the issues pages: rendered on the server when the report form is re-displayed, and
on the 兜底 classify card as possible duplicates (links to the common problem, never a block)."""

import pytest
from django.urls import reverse

from insights import actions
from tests.insights.factories import common_from, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(member, other_member, supervisor, fire_department):
    issues = [
        submit(member, title="储能集装箱消防验收没有标准", description="住建部门说没有对应的标准，无法受理。"),
        submit(other_member, title="储能电站消防竣工验收找不到主管部门", description="各部门互相推诿。"),
    ]
    common = common_from(issues, supervisor=supervisor, lead=fire_department)
    actions.common_issue_update(
        actor=supervisor, common_issue=common, solution="储能集装箱消防验收由消防救援支队受理。", is_public=True
    )
    return common


def test_redisplayed_report_form_shows_the_library_hint_without_js(client_for, member, published):
    # when the enterprise submits the report form with a missing field, the form comes back
    response = client_for(member).post(
        reverse("issues:issue_report"), {"title": "储能柜消防验收没人受理", "description": "储能项目消防验收找不到部门"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    # then the hint is there, rendered on the server, with the public answer — and no other enterprise
    assert 'data-testid="similar-hint"' in html
    assert "储能集装箱消防验收由消防救援支队受理" in html
    assert "德清华嘉储能技术有限公司" not in html
    # and htmx will refresh it from the form as the user types
    assert 'hx-post="/insights/similar/hint/"' in html


def test_classify_card_lists_possible_duplicates(client_for, clerk, third_member, published):
    # given a new problem on the same subject waiting for classification
    fresh = submit(third_member, title="储能集装箱消防验收办不下来", description="住建部门说没有对应的标准。")
    page = client_for(clerk).get(reverse("issues:issue_detail", args=[fresh.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="move-classify"' in html
    assert 'data-testid="hint-duplicates"' in html
    assert reverse("insights:common_link") in html
