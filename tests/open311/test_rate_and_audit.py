"""Rate limits per key (per address without one) and one audit row per call."""

from django.db import connection

from issues.models import Issue
from portal.models import AuditLog
from tests.issues.factories import issue_made
from tests.open311.factories import post_request, url


def test_a_key_over_its_rate_gets_429_with_retry_after(client, settings, hotline, app_key):
    # given
    settings.OPEN311_RATE_PER_MINUTE = 3
    _row, key = hotline
    _app, other = app_key
    # when
    statuses = [client.get(url("requests"), {"api_key": key}).status_code for _ in range(5)]
    refused = client.get(url("requests"), {"api_key": key})
    # then
    assert statuses == [200, 200, 200, 429, 429]
    assert refused.json()[0]["code"] == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    # another key has its own budget
    assert client.get(url("requests"), {"api_key": other}).status_code == 200
    # a flood of refusals writes one audit row, not one per call
    assert AuditLog.objects.filter(action="open311.call.requests", data__status=429).count() == 1


def test_calls_without_a_key_are_limited_per_address(client, settings):
    settings.OPEN311_RATE_PER_MINUTE = 2
    statuses = [client.get(url("services")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    other_address = client.get(url("services"), REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 200


def test_guessing_keys_is_limited_per_address(client, settings, hotline):
    settings.OPEN311_RATE_PER_MINUTE = 2
    statuses = [client.get(url("requests"), {"api_key": f"guess-{i}"}).status_code for i in range(3)]
    assert statuses == [403, 403, 429]


def test_malformed_calls_are_limited_per_address(client, settings, hotline):
    settings.OPEN311_RATE_PER_MINUTE = 2
    _row, key = hotline
    statuses = [client.get(url("requests"), {"api_key": key, "page": "a"}).status_code for _ in range(4)]
    assert statuses == [400, 400, 429, 429]
    assert AuditLog.objects.filter(action="open311.call.requests").count() == 3


def test_a_refused_post_creates_nothing(client, settings, hotline, enterprise):
    settings.OPEN311_RATE_PER_MINUTE = 1
    _row, key = hotline
    assert post_request(client, key, uscc=enterprise.uscc).status_code == 201
    assert post_request(client, key, uscc=enterprise.uscc).status_code == 429
    assert Issue.objects.count() == 1


def test_every_call_is_audited(client, hotline, enterprise):
    row, key = hotline
    # when
    reference = post_request(client, key, uscc=enterprise.uscc).json()[0]["service_request_id"]
    client.get(url("requests"), {"api_key": key})
    client.get(url(f"requests/{reference}", "xml"), {"api_key": key})
    client.get(url("servicerequestupdates"), {"api_key": key})
    client.get(url("services"))
    client.get(url("requests"), {"api_key": "wrong"})
    # then
    calls = list(
        AuditLog.objects.filter(action__startswith="open311.call.")
        .order_by("id")
        .values_list("action", "actor_id", "data__status", "data__format")
    )
    account = row.account_id
    assert calls == [
        ("open311.call.requests", account, 201, "json"),
        ("open311.call.requests", account, 200, "json"),
        ("open311.call.request", account, 200, "xml"),
        ("open311.call.updates", account, 200, "json"),
        ("open311.call.services", None, 200, "json"),
        ("open311.call.requests", None, 403, "json"),
    ]
    created = AuditLog.objects.get(action="open311.call.requests", data__status=201)
    assert created.data["service_request_id"] == reference
    # the problem itself is registered by the system's account, like any other channel's
    submit = AuditLog.objects.get(action="issues.issue.submit")
    assert submit.actor_id == account and submit.data == {"channel": "hotline-12345"}
    assert "api_key" not in str(AuditLog.objects.values_list("data", flat=True))


def test_request_list_query_count_is_constant(client, hotline, enterprise, clerk, handler, num_queries):
    # given 3 problems, then 30, on the hotline's channel (some dispatched: a lead department to name)
    row, key = hotline
    for i in range(3):
        issue_made(
            "dispatched" if i % 2 else "submitted",
            member=clerk,
            clerk=clerk,
            handler=handler,
            enterprise=enterprise,
            channel=row.channel.code,
        )
    client.get(url("services"), {"api_key": key})  # the first use of a key records it (one UPDATE a minute)
    few = num_queries.get(client, url("requests"), {"api_key": key})
    for i in range(27):
        issue_made(
            "dispatched" if i % 2 else "submitted",
            member=clerk,
            clerk=clerk,
            handler=handler,
            enterprise=enterprise,
            channel=row.channel.code,
        )
    many = num_queries.get(client, url("requests"), {"api_key": key})
    # then: the key; the page (with category and department); the audit row (savepoint, chain head,
    # insert, release; on PostgreSQL the chain's advisory lock first)
    expected = 7 if connection.vendor == "postgresql" else 6
    assert few == many == expected, (few, many)
