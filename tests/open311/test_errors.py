"""Bad input gets Open311's error list with the right status, changes nothing, and is never a 500."""

import pytest

from issues.models import Issue
from tests.open311.factories import parse_xml, post_request, url, validate
from tests.portal.factories import valid_uscc


def _errors(response, status: int) -> list[dict]:
    assert response.status_code == status, response.content
    data = response.json()
    validate("local/errors.json", data)
    assert all(e["code"] == status for e in data)
    return data


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"start_date": "2026-13-45T00:00:00+08:00"}, 400),
        ({"start_date": "yesterday"}, 400),
        ({"end_date": "0001-01-01T00:00:00+14:00"}, 400),
        ({"start_date": "2026-12-02T00:00:00+08:00", "end_date": "2026-12-01T00:00:00+08:00"}, 400),
        ({"status": "pending"}, 400),
        ({"page": "0"}, 400),
        ({"page": "99999999999999999999999"}, 400),
        ({"page_size": "100000"}, 400),
        ({"page": "-1"}, 400),
        ({"service_code": "a\x00b"}, 400),
        ({"service_request_id": ",".join(str(i) for i in range(101))}, 400),
        ({"service_code": "x" * 5000}, 400),
    ],
)
def test_bad_list_parameters(client, hotline, params, status):
    _row, key = hotline
    # when
    response = client.get(url("requests"), {"api_key": key, **params})
    # then
    _errors(response, status)


def test_an_unknown_or_invisible_request_is_a_404(client, hotline):
    _row, key = hotline
    _errors(client.get(url("requests/SQ20260101999999"), {"api_key": key}), 404)
    xml = client.get(url("requests/SQ20260101999999", "xml"), {"api_key": key})
    assert xml.status_code == 404
    assert parse_xml(xml.content, "errors").findtext("error/code") == "404"


@pytest.mark.parametrize("path", ["services/a%00b", "requests/SQ%00", "requests/%1F", "nope%00"])
def test_control_characters_in_the_path(client, hotline, path):
    _row, key = hotline
    response = client.get(f"/open311/v2/{path}.json", {"api_key": key})
    assert response.status_code in (400, 404)
    validate("local/errors.json", response.json())


def test_unknown_service_paths_and_methods(client):
    _errors(client.get(url("services/no-such-code")), 404)
    _errors(client.get("/open311/v2/tickets.json"), 404)
    _errors(client.get("/open311/v2/"), 404)
    xml = client.get("/open311/v2/tickets.xml")
    assert parse_xml(xml.content, "errors").findtext("error/code") == "404"
    refused = client.put(url("services"))
    _errors(refused, 405)
    assert refused["Allow"] == "GET, HEAD"
    assert client.head(url("services")).status_code == 200


def test_a_repeated_parameter_is_refused(client, hotline):
    _row, key = hotline
    _errors(client.get(url("requests") + f"?api_key={key}&status=open&status=closed"), 400)


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"service_code": ""}, "service_code"),
        ({"service_code": "no-such-code"}, "no-such-code"),
        ({"attribute[uscc]": ""}, "uscc"),
        ({"attribute[uscc]": "91350100M000100Y4Z"}, ""),  # bad check character
        ({"attribute[uscc]": "123"}, ""),
        ({"attribute[uscc]": "91350100M000100Y43"}, "91350100M000100Y43"),  # valid, not registered
        ({"attribute[colour]": "red"}, "colour"),
        ({"attribute[ownerless_kind]": "unclear-duty"}, "ownerless_kind"),  # not on this service
        ({"description": ""}, "description"),
        ({"description": "x" * 4001}, "description"),
        ({"description": "a\x00b"}, "NUL"),  # refused for every endpoint by portal.middleware.RejectNulMiddleware
        ({"attribute[contact_phone]": "call me"}, ""),
        ({"attribute[contact_name]": "名" * 51}, ""),
    ],
)
def test_bad_posts_change_nothing(client, hotline, enterprise, change, needle):
    _row, key = hotline
    # when
    response = post_request(client, key, uscc=enterprise.uscc, **change)
    # then
    errors = _errors(response, 400)
    assert needle in errors[0]["description"]
    assert not Issue.objects.exists()


def test_an_unknown_ownerless_kind_is_refused(client, hotline, enterprise):
    _row, key = hotline
    response = post_request(
        client, key, uscc=enterprise.uscc, service_code="other", **{"attribute[ownerless_kind]": "nope"}
    )
    _errors(response, 400)
    assert not Issue.objects.exists()


def test_the_uscc_of_a_registered_enterprise_is_found_in_any_case(client, hotline, enterprise):
    _row, key = hotline
    response = post_request(client, key, uscc=f" {enterprise.uscc.lower()} ")
    assert response.status_code == 201
    assert Issue.objects.get().enterprise == enterprise


def test_an_inactive_channel_refuses_new_requests(client, hotline, enterprise):
    row, key = hotline
    row.channel.is_active = False
    row.channel.save()
    _errors(post_request(client, key, uscc=enterprise.uscc), 400)
    assert not Issue.objects.exists()


def test_an_oversized_body_is_a_400(client, hotline, settings, enterprise):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    _row, key = hotline
    response = post_request(client, key, uscc=valid_uscc(), **{f"x{i}": "1" for i in range(10)})
    _errors(response, 400)
