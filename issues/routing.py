"""Where a problem may be sent, said once: the departments that can take a problem (交办's pickers and
its action), and the departments an escalation (提级) may go to — only the next government level up. The
pages' pickers, the move forms' validation and the actions' guards all ask these functions."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext as _

from portal.choices import DepartmentKind
from portal.models import Department

from .choices import LEVEL_ORDER, Level

# a problem is handled by a functional department, never by the 兜底办 or the service centre that route it
NOT_TAKING_PROBLEMS = (DepartmentKind.CATCH_ALL, DepartmentKind.SERVICE_CENTRE)


def takes_problems(department: Department) -> bool:
    return department.is_active and department.kind not in NOT_TAKING_PROBLEMS


def assignable_departments(issue=None) -> QuerySet[Department]:
    """The active departments that can take a problem; for a given problem, those at its level first,
    then by region and code."""
    departments = Department.objects.active().exclude(kind__in=NOT_TAKING_PROBLEMS).select_related("region")
    if issue is None:
        return departments.order_by("region__code", "code")
    return departments.annotate(
        _other_level=Case(When(region__level=issue.level, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("_other_level", "region__code", "code")


def next_level(issue) -> str | None:
    """The government level above the problem's (乡镇 → 县区 → 市 → 省); ``None`` at the province."""
    current = LEVEL_ORDER.index(issue.level) if issue.level in LEVEL_ORDER else 0
    return LEVEL_ORDER[current + 1] if current + 1 < len(LEVEL_ORDER) else None


def escalation_targets(issue) -> QuerySet[Department]:
    """The departments a problem may be escalated to: those that can take a problem at the next level
    up, and no other. None at the province."""
    level = next_level(issue)
    if level is None:
        return Department.objects.none()
    return assignable_departments().filter(region__level=level)


def escalation_refusal(issue) -> str:
    """What an escalation to any other department is told."""
    level = next_level(issue)
    if level is None:
        return _("本问题已在省级办理，不能再提级。")
    return _("提级只能交给上一级（%(level)s级）的部门，请从列表中选择。") % {"level": Level(level).label}
