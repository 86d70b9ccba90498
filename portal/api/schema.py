"""The error responses of every API operation, documented once (a drf-spectacular postprocessing hook).

Every error has the same JSON shape (portal/api/exceptions.py): ``{"detail": "…"}``, or for invalid
input one list of messages per field. What each operation can answer:

* 400 — every operation: a NUL character anywhere in the request (portal.middleware), a malformed or
  over-deep JSON body, an invalid filter value or invalid input;
* 401 — every operation that needs a login (not the token endpoint), when no valid token is sent;
* 403 — every operation that needs a login: the caller's role may not use it, or may not make this move;
* 404 — every operation on one object (``{id}`` in its path): not there, or not visible to the caller;
  every paginated list: a page or cursor that does not exist; every POST: an object its body names
  (an enterprise, a department) that is not there or not visible;
* 409 — every move (a POST on one object) and every create: wrong state, or someone else was quicker;
* 429 — every write and the token endpoint: the rate limit of portal.api.throttling was reached
  (``Retry-After`` says when to try again).
"""

from django.utils.translation import gettext_lazy as _

ERROR_SCHEMA = "Error"
VALIDATION_ERROR_SCHEMA = "ValidationError"

DESCRIPTIONS = {
    "400": _("请求有误：输入不合法、格式错误或含有不允许的字符。"),
    "401": _("未登录或令牌无效。"),
    "403": _("当前角色无权执行此操作。"),
    "404": _("对象不存在或对您不可见。"),
    "409": _("对象当前状态不允许此操作，或已被他人修改。"),
    "429": _("请求过于频繁，请稍后再试。"),
}


def _ref(name: str) -> dict:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def document_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_SCHEMA] = {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    }
    schemas[VALIDATION_ERROR_SCHEMA] = {
        "type": "object",
        "description": "Either {detail} or one list of messages per field (non_field_errors for the whole).",
        "additionalProperties": True,
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            anonymous = {} in operation.get("security", [{}])
            codes = ["400"]
            if not anonymous:
                codes += ["401", "403"]
            paged = any(p.get("name") in ("page", "cursor") for p in operation.get("parameters", []))
            if "{" in path or paged or method == "post":
                codes.append("404")
            if method == "post":
                codes.append("409")
            if method in ("post", "put", "patch", "delete"):
                codes.append("429")
            for code in codes:
                if code not in responses:
                    schema = VALIDATION_ERROR_SCHEMA if code == "400" else ERROR_SCHEMA
                    responses[code] = {"description": str(DESCRIPTIONS[code]), **_ref(schema)}
    return result
