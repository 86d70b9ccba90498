"""The GeoReport v2 endpoint at /open311/v2/ (plain Django views: form-encoded in, JSON or XML out).

Every call goes through :func:`endpoint`: parameters checked, key authenticated, rate limited, errors in
Open311's format with the right status (never a 500 for anything a client can send), and one audit row.
"""

import datetime as dt
import re
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from issues import actions as issue_actions
from portal.audit import audit_record
from portal.exceptions import ActionError, PermissionDeniedError, TransitionNotAllowed
from portal.models import Enterprise
from portal.validators import normalise_uscc, validate_uscc

from . import representations as rep
from . import selectors
from .actions import api_key_touch
from .formats import render, render_errors
from .models import ApiKey

# When this implementation of the specification last changed (discovery's ``changeset``).
CHANGESET = "2026-12-02T00:00:00+08:00"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_VALUE_LENGTH = 4000
MAX_IDS = 100
MAX_PAGE = 10_000
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Control characters (NUL included) are refused in every parameter: no database or XML can carry them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PHONE = re.compile(r"^[0-9+\-() ]{3,20}$")
# "2026-12-01T00:00:00 08:00": a "+" sent unencoded in a query string arrives as a space.
_SPACE_OFFSET = re.compile(r"(T\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$")


class Open311Error(Exception):
    """An answer in Open311's error format: the HTTP status and one or more descriptions."""

    def __init__(self, status: int, *descriptions, headers: dict | None = None):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = [str(d) for d in descriptions]
        self.headers = headers or {}


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [str(m) for messages in error.message_dict.values() for m in messages]
    return [str(m) for m in error.messages]


def _params(request: HttpRequest) -> dict[str, str]:
    """The query string and (for POST) the form body as one dict of single values, checked for what no
    database or XML document can carry."""
    try:
        sources = [request.GET]
        if request.method == "POST":
            sources.append(request.POST)
        params: dict[str, str] = {}
        for source in sources:
            for name in source:
                values = source.getlist(name)
                if len(values) > 1:
                    raise Open311Error(400, _("参数 %(name)s 只能出现一次。") % {"name": name[:50]})
                params[name] = values[0]
    except SuspiciousOperation:
        raise Open311Error(400, _("请求过大或参数过多。")) from None
    for name, value in params.items():
        if _CONTROL.search(name) or _CONTROL.search(value):
            raise Open311Error(400, _("参数 %(name)s 含有不允许的控制字符。") % {"name": _CONTROL.sub("", name)[:50]})
        if len(name) > 100 or len(value) > MAX_VALUE_LENGTH:
            raise Open311Error(
                400, _("参数 %(name)s 过长（不超过 %(n)d 个字符）。") % {"name": name[:50], "n": MAX_VALUE_LENGTH}
            )
    return params


def _authenticate(params: dict[str, str], *, required: bool) -> ApiKey | None:
    key = params.get("api_key", "")
    if not key:
        if required:
            raise Open311Error(401, _("缺少 api_key：请向平台管理员申请 Open311 密钥。"))
        return None
    api_key = selectors.api_key_for(key)
    if api_key is None:
        raise Open311Error(403, _("api_key 无效或已吊销。"))
    api_key_touch(api_key=api_key)
    return api_key


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _throttle(request: HttpRequest, api_key: ApiKey | None) -> None:
    """A fixed one-minute window per key (per client address without a key), counted in the cache."""
    limit = settings.OPEN311_RATE_PER_MINUTE
    window = int(timezone.now().timestamp() // 60)
    ident = f"key:{api_key.pk}" if api_key else f"ip:{_client_ip(request)}"
    counter = f"open311:rate:{ident}:{window}"
    cache.add(counter, 0, timeout=120)
    try:
        used = cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, timeout=120)
        used = 1
    if used > limit:
        retry = 60 - int(timezone.now().timestamp()) % 60
        error = Open311Error(
            429,
            _("请求过于频繁：每分钟最多 %(n)d 次，请 %(s)d 秒后重试。") % {"n": limit, "s": retry},
            headers={"Retry-After": str(retry)},
        )
        error.first_refusal = used == limit + 1
        raise error


def _audit(request, *, name: str, fmt: str, api_key: ApiKey | None, status: int, data: dict) -> None:
    audit_record(
        actor=api_key.account if api_key else None,
        action=f"open311.call.{name}",
        target=api_key,
        data={"method": request.method, "format": fmt, "status": status, **data},
    )


def endpoint(name: str, *, methods: tuple[str, ...] = ("GET",), key_required: bool = True):
    """Wrap one GeoReport call: the handler returns ``(data, root, item, status, audit_data)``."""

    def decorate(handler):
        @csrf_exempt
        @wraps(handler)
        def view(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
            allowed = (*methods, "HEAD") if "GET" in methods and "HEAD" not in methods else methods
            api_key = None
            audit_data: dict = {}
            audit_this = True
            try:
                try:
                    if request.method not in allowed:
                        raise Open311Error(
                            405,
                            _("此地址不支持 %(method)s 请求。") % {"method": request.method[:10]},
                            headers={"Allow": ", ".join(allowed)},
                        )
                    if any(_CONTROL.search(value) for value in kwargs.values()):
                        raise Open311Error(400, _("请求路径含有不允许的控制字符。"))
                    params = _params(request)
                    api_key = _authenticate(params, required=key_required)
                except Open311Error:
                    # malformed calls and guessed keys count against the client's address
                    _throttle(request, None)
                    raise
                _throttle(request, api_key)
                data, root, item, status, audit_data = handler(request, params, api_key, **kwargs)
                response = render(fmt, data, root=root, item=item, status=status)
            except Open311Error as error:
                # A flood of refused calls writes one audit row per window, not one per call.
                audit_this = getattr(error, "first_refusal", True)
                response = render_errors(fmt, error.status, error.descriptions, error.headers)
            except ActionError as error:
                response = render_errors(fmt, 400, _messages(error))
            except ValidationError as error:
                response = render_errors(fmt, 400, _messages(error))
            except SuspiciousOperation:
                response = render_errors(fmt, 400, [_("请求无效。")])
            except PermissionDeniedError as error:
                response = render_errors(fmt, 403, [error.message])
            except TransitionNotAllowed as error:
                response = render_errors(fmt, 409, [error.message])
            if audit_this:
                _audit(request, name=name, fmt=fmt, api_key=api_key, status=response.status_code, data=audit_data)
            return response

        return view

    return decorate


# --- parameters -----------------------------------------------------------------------------------------


def _datetime(params: dict[str, str], name: str) -> dt.datetime | None:
    value = _SPACE_OFFSET.sub(r"\1+\2", params.get(name, "").strip())
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None or not 1900 <= parsed.year <= 9998:
        raise Open311Error(
            400, _("%(name)s 不是有效的 ISO 8601 时间（例如 2026-12-01T00:00:00+08:00）。") % {"name": name}
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _int(params: dict[str, str], name: str, default: int, maximum: int) -> int:
    value = params.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or len(value) > 6 or not 1 <= int(value) <= maximum:
        raise Open311Error(400, _("%(name)s 应为 1 到 %(max)d 之间的整数。") % {"name": name, "max": maximum})
    return int(value)


def _codes(params: dict[str, str], name: str) -> list[str]:
    values = [v.strip() for v in params.get(name, "").split(",") if v.strip()]
    if len(values) > MAX_IDS:
        raise Open311Error(400, _("%(name)s 最多列出 %(n)d 个。") % {"name": name, "n": MAX_IDS})
    return values


# --- the calls --------------------------------------------------------------------------------------------


@endpoint("discovery", key_required=False)
def discovery(request, params, api_key):
    url = request.build_absolute_uri(reverse("open311:root"))
    data = {
        "changeset": CHANGESET,
        "contact": settings.OPEN311_CONTACT or _("企业综合服务中心系统管理员"),
        "key_service": _("向平台系统管理员申请 Open311 密钥（每个对接系统一个，对应一个受理渠道）。"),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return data, "discovery", None, 200, {}


@endpoint("services", key_required=False)
def services(request, params, api_key):
    return [rep.service(c) for c in selectors.service_list()], "services", "service", 200, {}


@endpoint("service_definition", key_required=False)
def service_definition(request, params, api_key, code):
    category = selectors.service_get(code)
    if category is None:
        raise Open311Error(404, _("未知的服务代码：%(code)s。") % {"code": code[:50]})
    return rep.service_definition(category), "service_definition", None, 200, {"service_code": code}


@endpoint("requests", methods=("GET", "POST"))
def requests(request, params, api_key):
    if request.method == "POST":
        return _create_request(params, api_key)
    statuses = _codes(params, "status")
    if any(s not in ("open", "closed") for s in statuses):
        raise Open311Error(400, _("status 只能是 open 或 closed。"))
    start, end = _datetime(params, "start_date"), _datetime(params, "end_date")
    if start and end and start > end:
        raise Open311Error(400, _("start_date 不能晚于 end_date。"))
    page = _int(params, "page", 1, MAX_PAGE)
    page_size = _int(params, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    issues = selectors.request_list(
        api_key=api_key,
        ids=_codes(params, "service_request_id"),
        service_codes=_codes(params, "service_code"),
        statuses=statuses,
        start=start,
        end=end,
    )[(page - 1) * page_size : page * page_size]
    data = [rep.service_request(issue, api_key=api_key) for issue in issues]
    return data, "service_requests", "request", 200, {"count": len(data), "page": page}


@endpoint("request")
def request_detail(request, params, api_key, request_id):
    issue = selectors.request_visible_to(api_key).filter(reference=request_id[:30]).first()
    if issue is None:  # not there, or not this key's to read: the same answer
        raise Open311Error(404, _("未找到服务请求：%(id)s。") % {"id": request_id[:30]})
    data = [rep.service_request(issue, api_key=api_key)]
    return data, "service_requests", "request", 200, {"service_request_id": issue.reference}


@endpoint("updates")
def updates(request, params, api_key):
    start, end = _datetime(params, "start_date"), _datetime(params, "end_date")
    if start and end and start > end:
        raise Open311Error(400, _("start_date 不能晚于 end_date。"))
    page = _int(params, "page", 1, MAX_PAGE)
    page_size = _int(params, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    events = selectors.update_list(api_key=api_key, start=start, end=end)[(page - 1) * page_size : page * page_size]
    data = [rep.request_update(event, api_key=api_key) for event in events]
    return data, "service_request_updates", "request_update", 200, {"count": len(data), "page": page}


def _create_request(params: dict[str, str], api_key: ApiKey):
    code = params.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("缺少 service_code。"))
    category = selectors.service_get(code)
    if category is None:
        raise Open311Error(400, _("未知的服务代码：%(code)s。") % {"code": code[:50]})
    definition = {a["code"]: a for a in rep.service_definition(category)["attributes"]}
    attributes = {
        name[len("attribute[") : -1]: value.strip()
        for name, value in params.items()
        if name.startswith("attribute[") and name.endswith("]")
    }
    unknown = sorted(set(attributes) - set(definition))
    if unknown:
        raise Open311Error(
            400, _("服务 %(code)s 没有属性：%(names)s。") % {"code": code, "names": ", ".join(n[:50] for n in unknown)}
        )
    errors = [
        _("缺少必填属性 attribute[%(code)s]。") % {"code": a}
        for a, spec in definition.items()
        if spec["required"] and not attributes.get(a)
    ]
    if errors:
        raise Open311Error(400, *errors)
    uscc = normalise_uscc(attributes["uscc"])
    enterprise = Enterprise.objects.filter(uscc=uscc).select_related("region").first()
    if enterprise is None:
        validate_uscc(uscc)  # a malformed code gets the validator's exact message
        raise Open311Error(400, _("统一社会信用代码 %(uscc)s 不是本平台已登记的企业。") % {"uscc": uscc})
    kind = attributes.get("ownerless_kind", "")
    if kind and kind not in {v["key"] for v in definition["ownerless_kind"]["values"]}:
        raise Open311Error(400, _("attribute[ownerless_kind] 的取值无效：%(value)s。") % {"value": kind[:50]})
    description = params.get("description", "").strip()
    if not description:
        raise Open311Error(400, _("缺少 description（问题描述）。"))
    address = params.get("address_string", "").strip()
    if address:
        description = f"{description}\n{_('地址：%(address)s') % {'address': address}}"
    contact_name = attributes.get("contact_name") or " ".join(
        p for p in (params.get("last_name", "").strip(), params.get("first_name", "").strip()) if p
    )
    if len(contact_name) > 50:
        raise Open311Error(400, _("联系人姓名不超过 50 个字。"))
    contact_phone = attributes.get("contact_phone") or params.get("phone", "").strip()
    if contact_phone and not _PHONE.match(contact_phone):
        raise Open311Error(400, _("联系电话格式不正确。"))
    first_line = description.splitlines()[0].strip()
    title = first_line if len(first_line) <= 60 else f"{first_line[:59]}…"
    issue = issue_actions.issue_submit(
        actor=api_key.account,
        title=title,
        description=description,
        category=category.code,
        enterprise=enterprise,
        channel=api_key.channel.code,
        contact_name=contact_name,
        contact_phone=contact_phone,
        ownerless_kind=kind or None,
    )
    notice = _("已受理，编号 %(reference)s；将在 %(date)s 前交办。") % {
        "reference": issue.reference,
        "date": issue.dispatch_due.isoformat() if issue.dispatch_due else "—",
    }
    data = [{"service_request_id": issue.reference, "service_notice": notice, "account_id": None}]
    return data, "service_requests", "request", 201, {"service_request_id": issue.reference}


ANY_METHOD = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


@endpoint("unknown", methods=ANY_METHOD, key_required=False)
def _unknown(request, params, api_key, path):
    raise Open311Error(404, _("没有这个 Open311 接口：%(path)s。") % {"path": path[:100]})


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other path under /open311/v2/: Open311's 404 (XML when the path asks for it)."""
    return _unknown(request, fmt="xml" if path.endswith(".xml") else "json", path=path)
