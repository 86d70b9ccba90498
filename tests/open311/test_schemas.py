"""Every answer validates against the official GeoReport v2 JSON schemas (local ones where the project
publishes none) and every XML answer parses with the specification's element names."""

import pytest

from issues.models import Issue
from tests.issues.factories import issue_in
from tests.open311.factories import parse_xml, post_request, url, validate


@pytest.fixture
def posted(client, hotline, enterprise):
    """A problem posted through the hotline's key: (key, reference)."""
    _row, key = hotline
    response = post_request(client, key, uscc=enterprise.uscc)
    assert response.status_code == 201, response.content
    return key, response.json()[0]["service_request_id"]


def test_discovery_json_and_xml(client):
    # when
    data = client.get(url("discovery")).json()
    xml = client.get(url("discovery", "xml"))
    # then
    validate("local/discovery.json", data)
    assert data["endpoints"][0]["url"] == "http://testserver/open311/v2/"
    document = parse_xml(xml.content, "discovery")
    assert xml["Content-Type"] == "text/xml; charset=utf-8"
    assert [f.text for f in document.findall("endpoints/endpoint/formats/format")] == ["application/json", "text/xml"]


def test_services_one_per_active_category(client):
    # when
    response = client.get(url("services"))
    # then
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = response.json()
    validate("services.json", data)
    assert {s["service_code"] for s in data} >= {"approval", "labour", "other"}
    assert all(s["type"] == "realtime" and s["metadata"] is True for s in data)
    document = parse_xml(client.get(url("services", "xml")).content, "services")
    assert len(document.findall("service")) == len(data)
    assert document.find("service/metadata").text == "true"


def test_service_definition_asks_for_the_uscc(client):
    # when
    data = client.get(url("services/approval")).json()
    # then
    validate("service-definition.json", data)
    by_code = {a["code"]: a for a in data["attributes"]}
    assert set(by_code) == {"uscc", "contact_name", "contact_phone"}
    assert by_code["uscc"]["required"] is True and by_code["contact_phone"]["required"] is False
    document = parse_xml(client.get(url("services/approval", "xml")).content, "service_definition")
    assert [a.findtext("code") for a in document.findall("attributes/attribute")] == [
        "uscc",
        "contact_name",
        "contact_phone",
    ]


def test_the_catch_all_service_lists_the_ownerless_kinds(client):
    # when
    data = client.get(url("services/other")).json()
    xml = client.get(url("services/other", "xml"))
    # then
    validate("service-definition.json", data)
    kind = next(a for a in data["attributes"] if a["code"] == "ownerless_kind")
    assert kind["datatype"] == "singlevaluelist"
    assert {v["key"] for v in kind["values"]} >= {"unclear-duty", "multi-agency"}
    document = parse_xml(xml.content, "service_definition")
    assert document.find("attributes/attribute[code='ownerless_kind']/values/value/key") is not None


def test_post_answer_and_xml(client, hotline, enterprise):
    _row, key = hotline
    # when
    json_answer = post_request(client, key, uscc=enterprise.uscc)
    xml_answer = post_request(client, key, uscc=enterprise.uscc, fmt="xml")
    # then
    assert json_answer.status_code == 201 and xml_answer.status_code == 201
    validate("local/post-response.json", json_answer.json())
    document = parse_xml(xml_answer.content, "service_requests")
    reference = document.findtext("request/service_request_id")
    assert Issue.objects.filter(reference=reference).exists()


def test_requests_list_detail_and_updates(client, posted):
    key, reference = posted
    # when
    listing = client.get(url("requests"), {"api_key": key})
    detail = client.get(url(f"requests/{reference}"), {"api_key": key})
    updates = client.get(url("servicerequestupdates"), {"api_key": key})
    # then
    validate("requests.json", listing.json())
    validate("requests.json", detail.json())
    validate("local/updates.json", updates.json())
    assert [r["service_request_id"] for r in detail.json()] == [reference]
    for name, root in (("requests", "service_requests"), (f"requests/{reference}", "service_requests")):
        document = parse_xml(client.get(url(name, "xml"), {"api_key": key}).content, root)
        assert document.findtext("request/status") == "open"
    document = parse_xml(
        client.get(url("servicerequestupdates", "xml"), {"api_key": key}).content, "service_request_updates"
    )
    assert document.findtext("request_update/service_request_id") == reference


@pytest.mark.parametrize("status", ["submitted", "dispatched", "accepted", "returned", "replied", "closed"])
def test_every_status_validates(client, status, hotline, enterprise, clerk, handler, supervisor):
    # given a problem the hotline's channel registered, in each status
    row, key = hotline
    issue = issue_in(
        status,
        member=clerk,
        clerk=clerk,
        handler=handler,
        supervisor=supervisor,
        enterprise=enterprise,
        channel=row.channel.code,
    )
    # when
    data = client.get(url(f"requests/{issue.reference}"), {"api_key": key}).json()
    # then
    validate("requests.json", data)
    assert data[0]["status"] == ("closed" if status == "closed" else "open")
