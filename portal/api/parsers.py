"""The API's JSON parser: DRF's, with limits on size and nesting depth.

Python's JSON decoder recurses once per nested array or object, so a body of a few thousand ``[``
raised RecursionError (a 500) on every JSON endpoint, the unauthenticated token endpoint included.
No request of this API nests deeper than a handful of levels.
"""

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 20
MAX_JSON_BYTES = 1024 * 1024


def json_depth_exceeds(data, limit: int) -> bool:
    """Whether ``data`` nests lists/dicts deeper than ``limit`` (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class LimitedJSONParser(JSONParser):
    """Refuse bodies over ``API_JSON_MAX_BYTES`` and nesting over ``API_JSON_MAX_DEPTH`` with a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        max_bytes = getattr(settings, "API_JSON_MAX_BYTES", MAX_JSON_BYTES)
        max_depth = getattr(settings, "API_JSON_MAX_DEPTH", MAX_JSON_DEPTH)
        raw = stream.read(max_bytes + 1) if stream is not None else b""
        if len(raw) > max_bytes:
            raise ParseError(_("请求内容过大（JSON 上限 %(kb)d KB）。") % {"kb": max_bytes // 1024})
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(raw.decode(encoding), parse_constant=_refuse_constant)
        except RecursionError:
            raise ParseError(_("JSON 嵌套过深（上限 %(n)d 层）。") % {"n": max_depth}) from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(_("JSON 格式错误：%(error)s") % {"error": exc}) from None
        if json_depth_exceeds(data, max_depth):
            raise ParseError(_("JSON 嵌套过深（上限 %(n)d 层）。") % {"n": max_depth})
        return data


def _refuse_constant(name):
    # NaN and Infinity are not JSON; DRF refuses them too (strict mode).
    raise ValueError(_("不允许的数值 %(name)s") % {"name": name})
