"""Type-ahead lookups for the window's pickers (issue 15): small JSON answers read by ``static/js/window.js``,
which turns a plain ``<select>`` into a combobox. They belong to the pages (session sign-in, the pages'
role declarations), not to the REST API; docs/api.md lists them.

Deny by default: anonymous → 401, a role the lookup does not declare → 403, both as JSON with a message a
person can read. Personal data is masked as on the staff pages (法定代表人 张*, phones 138****5678).
"""

from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views import View

from portal import selectors
from portal.masking import mask_name, mask_phone
from portal.permissions import CLERK_ROLES, user_has_role

# A type-ahead shows a handful of rows; the person types more to narrow, never pages.
LOOKUP_LIMIT = 10
# Shorter than this, a query would match most rows: the lookup answers nothing and says why.
MIN_QUERY = 1


def typeahead_attrs(lookup_url=None) -> dict[str, str]:
    """The widget attributes that make a ``<select>`` a type-ahead picker (static/js/window.js): searching
    ``lookup_url`` when given (a lazy URL is fine), else the select's own options."""
    attrs = {"data-combobox": ""}
    if lookup_url is not None:
        attrs["data-lookup"] = lookup_url
    return attrs


# A type-ahead picker's <select> lists this many rows at most (the lookup finds the others): a county's
# enterprises run to tens of thousands, and without JavaScript the first ones and the 企业查询 page serve.
RENDERED_OPTIONS = 200


def limit_rendered_choices(field, *, chosen=None, limit: int | None = None) -> None:
    """Let ``field``'s select list at most ``limit`` rows of its queryset, and the ``chosen`` one; the form
    still accepts any row of the queryset (the combobox adds the option it picked from the lookup)."""
    rows = list(field.queryset[: limit or RENDERED_OPTIONS])
    if chosen not in (None, "") and str(chosen).isdigit() and all(str(row.pk) != str(chosen) for row in rows):
        rows += list(field.queryset.filter(pk=chosen))
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.widget.choices = empty + [(row.pk, field.label_from_instance(row)) for row in rows]


class LookupView(View):
    """A GET-only JSON lookup: ``?q=`` → ``{"results": [{"id", "label", ...}], "more": bool}``.

    Subclasses declare ``allowed_roles`` and give ``rows(q)`` (a queryset or list, at most
    ``LOOKUP_LIMIT + 1`` rows read) and ``row(obj)``."""

    allowed_roles: frozenset[str] = frozenset()
    http_method_names = ["get"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse({"detail": _("请先登录。")}, status=401)
        if not user_has_role(request.user, self.allowed_roles):
            return JsonResponse({"detail": _("您没有权限查询。")}, status=403)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        q = request.GET.get("q", "").strip()[:100]
        if len(q) < MIN_QUERY:
            return JsonResponse({"results": [], "more": False})
        found = list(self.rows(q)[: LOOKUP_LIMIT + 1])
        response = JsonResponse(
            {"results": [self.row(obj) for obj in found[:LOOKUP_LIMIT]], "more": len(found) > LOOKUP_LIMIT}
        )
        # one person's answer about other people's enterprises: never kept by a shared cache
        patch_cache_control(response, private=True, no_store=True)
        return response

    def rows(self, q: str):
        raise NotImplementedError

    def row(self, obj) -> dict:
        raise NotImplementedError


def enterprise_option_label(enterprise) -> str:
    """How an enterprise reads in a picker: its name and 统一社会信用代码 (what the clerk reads off the
    licence). The ``<select>`` options and the lookup say it the same way."""
    return f"{enterprise.name}（{enterprise.uscc}）"


class EnterpriseLookupView(LookupView):
    """Enterprises by name, 统一社会信用代码 or 法定代表人, for window work (clerks, supervisors)."""

    allowed_roles = CLERK_ROLES

    def rows(self, q: str):
        return (
            selectors.enterprise_list(user=self.request.user, q=q)
            .select_related(None)
            .only("pk", "name", "uscc", "legal_representative", "contact_phone")
        )

    def row(self, enterprise) -> dict:
        return {
            "id": enterprise.pk,
            "label": enterprise_option_label(enterprise),
            "detail": " · ".join(
                part
                for part in (mask_name(enterprise.legal_representative), mask_phone(enterprise.contact_phone))
                if part
            ),
        }
