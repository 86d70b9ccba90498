"""Never a 500 for anything a client can send (issue 12, finding 5).

Generated over every operation of the OpenAPI schema and every page URL pattern: deeply nested
JSON, NUL characters in query strings, JSON bodies and form fields, and ids that are not integers.
Each request must get a 4xx; a NUL or an over-deep body must get a 400 with a readable message.
"""

import json

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from portal.middleware import request_has_nul
from tests.issues.factories import issue_in

DEEP = "[" * 5000 + "]" * 5000
HUGE = "9" * 30
HUGE_FILTERS = "?" + "&".join(
    f"{name}={value}"
    for name in ("policy", "enterprise", "department", "lead_department", "page", "cursor", "period", "by")
    for value in (HUGE,)
)
BAD_IDS = ["abc", "1.5", "-1", "99999999999999999999", "%00", "1%00"]


def api_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [(path, method.upper()) for path, ops in schema["paths"].items() for method in ops]


def page_patterns(resolver=None, prefix=""):
    """Every page URL pattern without arguments (the API is covered by its schema)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from page_patterns(entry, route)
        elif isinstance(entry, URLPattern) and "<" not in route and not route.startswith(("api/", "admin/", "^")):
            yield "/" + route


def token_client(user=None) -> Client:
    if user is None:
        return Client(raise_request_exception=False)
    from tests.conftest import token_header

    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=token_header(user))


@pytest.fixture
def world(member, clerk, handler, supervisor, admin_user):
    issue = issue_in("dispatched", member=member, clerk=clerk, handler=handler, supervisor=supervisor)
    return {"issue": issue, "users": [None, member, clerk, handler, supervisor, admin_user]}


def send(client, method, url, **kwargs):
    response = getattr(client, method.lower())(url, **kwargs)
    return response


@pytest.mark.django_db
def test_no_client_input_gets_a_server_error(world):
    # Given every API operation and page, as anonymous and as each role
    operations = api_operations()
    pages = sorted(set(page_patterns()))
    sent, errors = 0, []

    def check(response, label, expect_400=False):
        nonlocal sent
        sent += 1
        if response.status_code >= 500 or (expect_400 and response.status_code != 400):
            errors.append(f"{label} → {response.status_code}")

    issue_id = str(world["issue"].pk)
    for user in world["users"]:
        client = token_client(user)
        who = getattr(user, "username", "anonymous")
        for path, method in operations:
            url = path.replace("{id}", issue_id)
            # When the body nests 5,000 levels deep, the query string holds a NUL, the JSON a \u0000
            if method in ("POST", "PUT", "PATCH"):
                response = send(client, method, url, data=DEEP, content_type="application/json")
                # (a move without input, like accept, never reads its body: any 4xx or success is fine)
                check(response, f"{who} {method} {url} deep JSON")
                response = send(client, method, url, data={"title": "a\x00b"}, content_type="application/json")
                check(response, f"{who} {method} {url} NUL JSON", expect_400=True)
                response = send(client, method, url, data={"title": "a\x00b", "reason": "x\x00"})
                check(response, f"{who} {method} {url} NUL form", expect_400=True)
            response = send(client, method, url + "?region=%00&q=%00&enterprise_q=%00&status=%00")
            check(response, f"{who} {method} {url} NUL query", expect_400=True)
            if method == "GET":
                response = send(client, method, url + HUGE_FILTERS)
                check(response, f"{who} {method} {url} huge ids in filters")
            # And every id in the path is not an integer
            if "{id}" in path:
                for bad in BAD_IDS:
                    response = send(client, method, path.replace("{id}", bad), data={}, content_type="application/json")
                    check(response, f"{who} {method} {path} id={bad}")
        for page in pages:
            response = client.get(page + "?q=%00&enterprise_q=%00&region=%00&page=%00")
            check(response, f"{who} GET {page} NUL query", expect_400=True)
            response = client.post(page, {"title": "a\x00b", "q": "\x00"})
            check(response, f"{who} POST {page} NUL form", expect_400=True)
    server_errors = sum(" → 5" in error for error in errors)
    print(f"bad input: {sent} requests, {server_errors} server errors, {len(errors)} wrong answers")
    # Then none of them was a server error, and every NUL and over-deep body was a 400
    assert sent > 1000
    assert errors == [], f"{len(errors)} of {sent} bad-input requests failed:\n" + "\n".join(errors[:40])


@pytest.mark.django_db
def test_nested_json_on_the_unauthenticated_token_endpoint_is_a_clear_400(member):
    # Given the token endpoint, anonymous
    client = Client(raise_request_exception=False)
    # When the body nests 5,000 levels deep, or 21 levels (one over the limit)
    deep = client.post("/api/v1/auth/token/", data=DEEP, content_type="application/json")
    nested = 1
    for _level in range(20):
        nested = [nested]
    just_over = client.post(
        "/api/v1/auth/token/", data=json.dumps({"username": nested}), content_type="application/json"
    )
    created = token_client(member).post("/api/v1/issues/", data=DEEP, content_type="application/json")
    # Then each is a 400 saying why
    assert deep.status_code == 400
    assert "JSON" in deep.json()["detail"]
    assert just_over.status_code == 400
    assert "JSON" in just_over.json()["detail"]
    assert created.status_code == 400


@pytest.mark.django_db
def test_a_nul_in_the_rankings_region_and_the_calculator_search_is_a_clear_400(client_for, clerk, member):
    # When the filters of two pages that used to fail with a 500 carry a NUL
    api = token_client(clerk).get("/api/v1/rankings/?region=%00")
    page = client_for(member).get("/policies/calculator/?enterprise_q=%00")
    # Then each is a 400 naming the NUL
    assert api.status_code == 400
    assert "NUL" in api.json()["detail"]
    assert page.status_code == 400
    assert "NUL" in page.content.decode()


def test_the_nul_check_leaves_escaped_backslashes_alone(rf):
    # Given a JSON body whose text is a backslash followed by "u0000" (escaped, so no NUL)
    escaped = rf.post("/api/v1/issues/", data='{"title": "\\\\u0000"}', content_type="application/json")
    real = rf.post("/api/v1/issues/", data='{"title": "\\u0000"}', content_type="application/json")
    # Then only the real NUL is found
    assert request_has_nul(escaped) is False
    assert request_has_nul(real) is True


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["issue-appeals", "issue-extension-requests"])
@pytest.mark.parametrize("bad", BAD_IDS)
def test_a_non_integer_id_on_decide_is_a_404(endpoint, bad, supervisor):
    response = token_client(supervisor).post(
        f"/api/v1/{endpoint}/{bad}/decide/", data={"approve": True}, content_type="application/json"
    )
    assert response.status_code in (400, 404)


def _cursor(payload) -> str:
    import base64

    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.django_db
def test_forged_keyset_cursors_are_a_clear_400_or_404(world):
    # Given the problem list's keyset cursor (base64 JSON, so the NUL middleware cannot see inside it)
    order = "-registered_at,-id"
    forged = [
        _cursor(b"[" * 740 + b"]" * 740),  # deeply nested, within the cursor length limit
        _cursor({"o": order, "d": "n", "n": 2, "v": ["2026-03-01T00:00:00+08:00", 10**30]}),
        _cursor({"o": order, "d": "n", "n": 2, "v": ["2026-03-01T00:00:00+08:00\x00", 1]}),
        _cursor({"o": "-id", "d": "n", "n": 2, "v": [10**30]}),
        _cursor({"o": "deadline_key,id", "d": "n", "n": 2, "v": ["9999-12-31\x00", 1]}),
        _cursor({"o": "deadline_key,id", "d": "p", "n": 2, "v": ["99999-12-31", -(10**30)]}),
    ]
    clerk = world["users"][2]
    api, page = token_client(clerk), Client(raise_request_exception=False)
    page.force_login(clerk)
    answers = []
    # When each is sent to the API list and to the list page, in each order
    for token in forged:
        for sort in ("", "&sort=deadline", "&ordering=-id"):
            answers.append(api.get(f"/api/v1/issues/?cursor={token}{sort}").status_code)
            answers.append(page.get(f"/issues/?cursor={token}{sort}").status_code)
    # Then none is a server error
    assert all(code < 500 for code in answers), answers
