"""Cursor pagination of the problem list API, with the response shape of docs/api.md:
``{"count"?, "next", "previous", "results"}``.

``next``/``previous`` carry a ``cursor`` (issues.pagination: keyset, so a deep page costs what the first
costs). ``count`` is there when the filtered list has at most 1,000 rows and left out above that (it is
optional in docs/api.md), so no request counts a whole table; with a text search (``q``, which reads every
row anyway) it is there only when all results fit on the first page. ``page_size`` (≤ 200) works as before. A client
that still asks for ``?page=N`` (numbered pages, the previous behaviour) gets exactly that, with page
links, so nothing written against the old responses breaks; new clients follow ``next``.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination, remove_query_param, replace_query_param
from rest_framework.response import Response

from portal.api.pagination import PortalPagination

from ..pagination import COUNT_LIMIT, PAGE_SIZE, BadCursor, keyset_page


class IssueCursorPagination(BasePagination):
    cursor_query_param = "cursor"
    legacy_page_query_param = "page"
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 200
    uncounted_filters = ("q",)  # a text search reads every row: not counted a second time

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        params = request.query_params
        self.legacy = None
        if self.legacy_page_query_param in params and self.cursor_query_param not in params:
            self.legacy = PortalPagination()
            return self.legacy.paginate_queryset(queryset, request, view)
        with_count = not any(params.get(name, "").strip() for name in self.uncounted_filters)
        try:
            self.page = keyset_page(
                queryset,
                params.get(self.cursor_query_param) or None,
                page_size=self.page_size_for(),
                with_count=with_count,
            )
        except BadCursor:
            raise ValidationError(
                {
                    self.cursor_query_param: [
                        _("翻页参数 cursor 无效或已过期（例如排序方式已改变）：请从第一页开始，按 next 链接翻页。")
                    ]
                }
            ) from None
        return self.page.object_list

    def page_size_for(self) -> int:
        raw = self.request.query_params.get(self.page_size_query_param, "")
        try:
            size = int(raw)
        except ValueError:
            return self.page_size
        return min(size, self.max_page_size) if size > 0 else self.page_size

    def _link(self, cursor):
        if cursor is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.legacy_page_query_param)
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_paginated_response(self, data):
        if self.legacy is not None:
            return self.legacy.get_paginated_response(data)
        body = {}
        if self.page.count is not None:
            body["count"] = self.page.count
        body["next"] = self._link(self.page.next_cursor)
        body["previous"] = self._link(self.page.previous_cursor)
        body["results"] = data
        return Response(body)

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "example": 123,
                    "description": f"Rows matching the filters; present when at most {COUNT_LIMIT}.",
                },
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "example": "http://api.example.org/api/v1/issues/?cursor=eyJvIjoi…",
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "example": "http://api.example.org/api/v1/issues/?cursor=eyJvIjoi…",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position of a page: copy it from the `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page (default {PAGE_SIZE}, at most {self.max_page_size}).",
                "schema": {"type": "integer"},
            },
            {
                "name": self.legacy_page_query_param,
                "required": False,
                "in": "query",
                "deprecated": True,
                "description": "Numbered pages (the previous paging, with a full count); follow `next` instead.",
                "schema": {"type": "integer"},
            },
        ]
