"""The window's enterprise type-ahead (issue 15): by name, 统一社会信用代码 or 法定代表人; staff only, deny by
default, personal data masked; a constant, pinned number of queries."""

import pytest
from django.urls import reverse

from portal.lookups import LOOKUP_LIMIT
from tests.portal.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

URL = "/workbench/lookup/enterprises/"


def test_the_url_is_named():
    assert reverse("portal:enterprise_lookup") == URL


def test_finds_by_name_code_start_and_legal_representative_masked(client_for, clerk, enterprise):
    # given an enterprise whose 法定代表人 is 王小明, phone 13912345678
    enterprise.legal_representative, enterprise.contact_phone = "王小明", "13912345678"
    enterprise.save()
    EnterpriseFactory(name="德清其他公司", legal_representative="赵六")
    client = client_for(clerk)
    for q in ("绿源", enterprise.uscc[:17], enterprise.uscc.lower(), "小明"):
        # when the clerk types part of the name, the start of the code, or the legal representative
        answer = client.get(URL, {"q": q}).json()
        # then that enterprise is found, alone, with its name and code; the person's data masked
        assert answer == {
            "results": [
                {
                    "id": enterprise.pk,
                    "label": f"{enterprise.name}（{enterprise.uscc}）",
                    "detail": "王** · 139****5678",
                }
            ],
            "more": False,
        }, q
    assert "no-store" in client.get(URL, {"q": "绿源"})["Cache-Control"]
    # the middle of a code is not a code search
    assert client.get(URL, {"q": enterprise.uscc[5:12]}).json()["results"] == []
    assert client.get(URL, {"q": "  "}).json() == {"results": [], "more": False}


def test_deny_by_default(client, client_for, member, handler, clerk, supervisor, enterprise):
    # anonymous: 401 in JSON; an enterprise member or a department handler: 403
    assert client.get(URL, {"q": "绿源"}).status_code == 401
    assert client.get(URL, {"q": "绿源"}).json()["detail"] == "请先登录。"
    for user in (member, handler):
        response = client_for(user).get(URL, {"q": "绿源"})
        assert response.status_code == 403 and response.json()["detail"] == "您没有权限查询。"
    # window work: clerks and supervisors
    for user in (clerk, supervisor):
        assert client_for(user).get(URL, {"q": "绿源"}).json()["results"][0]["id"] == enterprise.pk
    assert client_for(clerk).post(URL, {"q": "绿源"}).status_code == 405


def test_a_handful_and_says_there_are_more(client_for, clerk):
    for _ in range(LOOKUP_LIMIT + 2):
        EnterpriseFactory()
    answer = client_for(clerk).get(URL, {"q": "湖州测试企业"}).json()
    assert len(answer["results"]) == LOOKUP_LIMIT and answer["more"] is True


def test_query_count_is_the_same_for_3_and_30(client_for, clerk, num_queries):
    client = client_for(clerk)
    for _ in range(3):
        EnterpriseFactory()
    few = num_queries.get(client, URL, {"q": "湖州测试企业"})
    for _ in range(27):
        EnterpriseFactory()
    # the session and the user, the enterprises (one query); the session's last-activity stamp is not
    # written again within a minute of the last (portal.middleware)
    assert num_queries.get(client, URL, {"q": "湖州测试企业"}) == few == 3
