"""Helpers of the Open311 tests: keys issued through the action, calls, and the schema checks."""

import datetime as dt
import json
import urllib.parse
from pathlib import Path

from jsonschema import Draft4Validator, FormatChecker
from lxml import etree
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from open311 import actions

SCHEMAS = Path(__file__).parent / "schemas"
OFFICIAL = ["service.json", "services.json", "service-definition.json", "request.json", "requests.json"]
LOCAL = ["discovery.json", "post-response.json", "errors.json", "updates.json"]

FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    """ISO 8601 with an offset (jsonschema checks date-time only with an optional package)."""
    if not isinstance(value, str):
        return True
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("no offset")
    return True


@FORMATS.checks("uri", raises=ValueError)
def _uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urllib.parse.urlsplit(value)
    if not parts.scheme or not parts.netloc:
        raise ValueError("not an absolute URI")
    return True


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


REGISTRY = Registry().with_resources(
    (name, Resource.from_contents(_load(SCHEMAS / name), default_specification=DRAFT4)) for name in OFFICIAL
)


def validate(schema: str, data) -> None:
    """Validate an answer against a schema: an official one (``requests.json``) or a local one
    (``local/errors.json``); raises on the first problem."""
    contents = _load(SCHEMAS / schema)
    Draft4Validator(contents, registry=REGISTRY, format_checker=FORMATS).validate(data)


def parse_xml(content: bytes, root: str):
    """Parse an XML answer (no entities, no network) and check its root element."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    document = etree.fromstring(content, parser)
    assert document.tag == root, document.tag
    return document


def issue_key(*, channel="hotline-12345", name="湖州12345热线", read_all_channels=False):
    """(the ApiKey row, the key) issued by the operator."""
    return actions.api_key_issue(actor=None, name=name, channel=channel, read_all_channels=read_all_channels)


def url(name: str, fmt: str = "json") -> str:
    return f"/open311/v2/{name}.{fmt}"


def post_request(client, key: str, *, uscc: str, fmt="json", service_code="approval", **extra):
    data = {
        "api_key": key,
        "service_code": service_code,
        "description": "厂房消防验收不知向哪个部门申请\n企业新建储能电站，集装箱式储能消防验收无人受理。",
        "attribute[uscc]": uscc,
        **extra,
    }
    return client.post(url("requests", fmt), data)
