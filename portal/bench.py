"""Only for `make bench` (benchmarks/http_bench.py), enabled by PORTAL_BENCH_REFERENCE=1, never in production.

* :func:`reference`: the one-query page every other page is compared with — one SELECT, one small template,
  through the whole middleware stack (the portal's "fortunes").
* :class:`QueryCountMiddleware`: the number of SQL queries of each request, as the ``X-Bench-Queries``
  response header, so the benchmark can print queries per page of a production-settings server.
"""

from django.db import connections
from django.shortcuts import render

from portal.models import Department


def reference(request):
    # a core table (the departments), so the core imports no feature app (portal/plugins.py)
    rows = list(Department.objects.order_by("code").values_list("code", "name"))
    return render(request, "bench/reference.html", {"rows": rows})


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        wrappers = [connections[alias].execute_wrapper(counter) for alias in connections]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response["X-Bench-Queries"] = str(count[0])
        return response
