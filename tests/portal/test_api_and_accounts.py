"""API skeleton (token, me, enterprises, departments, schema), login lock-out, idle logout."""

import subprocess
import sys

import pytest

from portal.checks import collectable_static_files
from tests.portal.factories import DepartmentFactory, EnterpriseFactory, MembershipFactory
from tests.portal.test_static_manifest import write_manifest

pytestmark = pytest.mark.django_db


def test_token_login_and_me(api_for, member, enterprise):
    client = api_for()
    response = client.post("/api/v1/auth/token/", {"username": "ent-a", "password": "Test-pass-123!"}, format="json")
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token " + response.json()["token"])
    me = client.get("/api/v1/me/").json()
    assert me["roles"] == ["enterprise"]
    assert me["enterprises"] == [{"id": enterprise.pk, "uscc": enterprise.uscc, "name": enterprise.name,
                                  "kind": "legal_rep"}]  # fmt: skip
    assert me["department"] is None


def test_anonymous_api_is_401_except_public_lists(api_for, department):
    assert api_for().get("/api/v1/me/").status_code == 401
    assert api_for().get("/api/v1/enterprises/").status_code == 401
    body = api_for().get("/api/v1/departments/?kind=government").json()
    assert body["results"][0] == {
        "id": department.pk, "code": "hz-amr", "name": "湖州市市场监督管理局", "kind": "government", "board": "",
        "region": {"code": "330500", "name": "湖州市", "level": "city"}, "phone": department.phone, "address": "",
    }  # fmt: skip


def test_me_of_a_handler_names_the_department(api_for, handler):
    me = api_for(handler).get("/api/v1/me/").json()
    assert me["roles"] == ["handler"] and me["department"]["code"] == "hz-amr"


def test_idle_session_is_logged_out(client, settings, member):
    client.force_login(member)
    assert client.get("/my/enterprises/").status_code == 200
    session = client.session
    session["_portal_last_seen"] = session["_portal_last_seen"] - settings.SESSION_IDLE_SECONDS - 5
    session.save()
    assert client.get("/my/enterprises/").status_code == 302


QUERIES = {"/api/v1/enterprises/": 3, "/workbench/enterprises/": 5, "/api/v1/departments/": 2}


@pytest.mark.parametrize("url", list(QUERIES))
def test_list_query_counts_are_constant(client_for, api_for, clerk, url, num_queries):
    client = api_for(clerk) if url.startswith("/api/") else client_for(clerk)

    def grow(n):
        for _ in range(n):
            enterprise = EnterpriseFactory()
            MembershipFactory(enterprise=enterprise)
            DepartmentFactory()

    grow(3)
    few = num_queries.get(client, url)
    grow(27)
    assert num_queries.get(client, url) == few == QUERIES[url]


def test_inbox_and_my_enterprises_query_counts_are_constant(client_for, member, num_queries):
    from portal.notifications import notify

    client = client_for(member)
    notify(recipients=[member], kind="t", title="a")
    few_inbox, few_my = num_queries.get(client, "/inbox/"), num_queries.get(client, "/my/enterprises/")
    for i in range(29):
        notify(recipients=[member], kind="t", title=f"n{i}")
        MembershipFactory(user=member)
    assert num_queries.get(client, "/inbox/") == few_inbox == 5  # + the sources of the filter
    assert num_queries.get(client, "/my/enterprises/") == few_my == 5


def test_schema_is_valid_and_docs_are_served_locally(client):
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null"],
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "portal.settings.test", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower() and "//unpkg" not in docs


def test_production_settings_pass_the_deploy_check(tmp_path):
    # given a static root with a complete manifest (collectstatic's; the check requires it)
    write_manifest(tmp_path, collectable_static_files())
    env = {
        "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
        "DJANGO_SECRET_KEY": "x" * 20 + "-prod-check-" + "y" * 40,
        "DJANGO_ALLOWED_HOSTS": "portal.example.gov.cn",
        "DJANGO_STATIC_ROOT": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        capture_output=True, text=True, check=False,
        env={"DJANGO_SETTINGS_MODULE": "portal.settings.prod", "PATH": "/usr/bin:/bin", "DJANGO_SECRET_KEY": ""},
    )  # fmt: skip
    assert result.returncode != 0 and "DJANGO_SECRET_KEY must be set" in result.stderr


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_english_is_complete_for_the_home_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert 'lang="en"' in page
    assert "企业注册" not in page and "登录" not in page
