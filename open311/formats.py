"""Rendering Open311 answers as JSON or XML (GeoReport v2 element names), and its error format."""

import json
import re

from django.http import HttpResponse
from lxml import etree

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
# The element that holds one entry of a list, by the list's name (GeoReport v2's XML).
XML_ITEM = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
# Characters XML 1.0 cannot carry at all: dropped rather than failing the whole answer.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element, value, name: str) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(etree.SubElement(element, key), child, key)
    elif isinstance(value, list):
        item = XML_ITEM.get(name, "item")
        for child in value:
            _fill(etree.SubElement(element, item), child, item)
    else:
        element.text = _text(value)


def to_xml(data, *, root: str, item: str | None = None) -> bytes:
    """``data`` a list (each entry an ``item`` element under ``root``) or a dict (children of ``root``)."""
    element = etree.Element(root)
    if isinstance(data, list):
        for entry in data:
            _fill(etree.SubElement(element, item), entry, item)
    else:
        _fill(element, data, root)
    return etree.tostring(element, xml_declaration=True, encoding="utf-8")


def render(fmt: str, data, *, root: str, item: str | None = None, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(to_xml(data, root=root, item=item), content_type=XML_TYPE, status=status)
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body.encode(), content_type=JSON_TYPE, status=status)


def render_errors(fmt: str, status: int, descriptions: list[str], headers: dict | None = None) -> HttpResponse:
    """Open311's error format: ``[{"code", "description"}]`` (``<errors><error>`` in XML); ``code`` is the
    HTTP status."""
    errors = [{"code": status, "description": str(d)} for d in descriptions]
    response = render(fmt, errors, root="errors", item="error", status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
