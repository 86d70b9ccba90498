"""Type-ahead lookup of the departments a move of a problem may name (交办's lead and co-departments, 提级's
department), for ``static/js/window.js``. It does not decide which departments those are: it asks the move's
own form (:data:`issues.moves.ENTRIES`), whose choices come from :mod:`issues.routing` — so 提级 offers only
the next level up, exactly what the form and the action accept.

Deny by default: the problem must be visible to the user (else 404) and the user must be allowed the move on
it now (else 403, both JSON).
"""

from django.db.models import Q
from django.forms import ModelChoiceField
from django.http import JsonResponse
from django.utils.translation import gettext as _

from portal.lookups import LookupView
from portal.models import Department
from portal.permissions import ALL_STAFF

from .models import Issue
from .moves import ENTRIES
from .workflow import ISSUE


def department_fields(form) -> list[str]:
    """The names of the form's department pickers."""
    return [
        name
        for name, field in form.fields.items()
        if isinstance(field, ModelChoiceField) and field.queryset.model is Department
    ]


class MoveDepartmentLookupView(LookupView):
    """``GET <pk>/move/<move>/departments/?q=[&field=]`` → the departments the move's picker (``field``, else
    the form's first) offers whose name, or whose region's name, contains ``q``, in the picker's order (its
    level first)."""

    allowed_roles = ALL_STAFF

    def get(self, request, pk, move):
        issue = Issue.objects.visible_to(request.user).filter(pk=pk).first()
        entry = ENTRIES.get(move)
        if issue is None or entry is None or entry.form is None:
            return JsonResponse({"detail": _("没有找到该问题或该操作。")}, status=404)
        if not ISSUE.allowed(request.user, issue, move):
            return JsonResponse({"detail": _("您现在不能对该问题执行此操作。")}, status=403)
        form = entry.make_form(issue)
        names = department_fields(form)
        if not names:
            return JsonResponse({"detail": _("该操作不需要选择部门。")}, status=404)
        # the picker asked for (交办 has the lead and the co-departments), else the form's first
        name = request.GET.get("field", "")
        self.field = form.fields[name if name in names else names[0]]
        return super().get(request)

    def rows(self, q: str):
        return self.field.queryset.filter(Q(name__icontains=q) | Q(name_en__icontains=q) | Q(region__name__icontains=q))

    def row(self, department) -> dict:
        return {"id": department.pk, "label": self.field.label_from_instance(department)}
