"""One role vocabulary (issue 14, item 4): the groups of roles and the predicates on them live in
portal/permissions.py; ``visible_to`` and templates ask the predicates instead of spelling out roles."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template

from portal.choices import Role
from portal.permissions import ROLE_PREDICATES
from tests.portal.factories import UserFactory

ROOT = Path(settings.BASE_DIR)


def project_modules():
    for path in sorted(ROOT.glob("*/**/*.py")):
        top = path.relative_to(ROOT).parts[0]
        if top in {".venv", "tests", "benchmarks", "scripts", "deploy"} or "migrations" in path.parts:
            continue
        yield path


def test_no_visible_to_spells_out_roles():
    offenders = []
    for path in project_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name == "visible_to":
                for inner in ast.walk(node):
                    spelled = (isinstance(inner, ast.Attribute) and getattr(inner.value, "id", "") == "Role") or (
                        isinstance(inner, ast.Name) and inner.id.endswith("_ROLES")
                    )
                    if spelled:
                        offenders.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert offenders == []


# Where roles may be spelled out: the vocabulary itself and the model and choices it rests on.
VOCABULARY_HOME = {"portal/permissions.py", "portal/models/users.py", "portal/choices.py"}


def _spells_roles(node) -> bool:
    """A role group or role value written out: ``CLERK_ROLES``, ``Role.CLERK``, ``{...}``."""
    if isinstance(node, ast.Starred):
        node = node.value
    return (
        (isinstance(node, ast.Name) and node.id.endswith("_ROLES"))
        or (isinstance(node, ast.Attribute) and getattr(node.value, "id", "") == "Role")
        or isinstance(node, ast.Set)
    )


def _asks_roles(node) -> bool:
    """A decision on roles spelled out: ``user_has_role(user, CLERK_ROLES)``, ``user.has_role(*CLERK_ROLES)``,
    a comparison with ``x.role`` or ``Role.X``. Checking the roles a view or an entry declares
    (``user_has_role(user, self.allowed_roles)``) is the declaration at work, not a decision."""
    if isinstance(node, ast.Call):
        func = node.func
        asks = getattr(func, "id", None) == "user_has_role" or getattr(func, "attr", None) == "has_role"
        return asks and any(_spells_roles(arg) for arg in node.args)
    if isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        return any(isinstance(o, ast.Attribute) and (o.attr == "role" or _spells_roles(o)) for o in operands)
    return False


def test_no_module_asks_roles_but_through_the_predicates():
    offenders = []
    for path in project_modules():
        name = path.relative_to(ROOT).as_posix()
        if name in VOCABULARY_HOME or "management" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if _asks_roles(node):
                offenders.append(f"{name}:{node.lineno}")
    assert offenders == []


def test_no_template_compares_role_values():
    pattern = re.compile(r"\bRole\.[A-Z]+|user\.role\s*[=!]=")
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.ENTERPRISE, {"enterprise"}),
        (Role.CLERK, {"clerk", "case_reader", "staff"}),
        (Role.HANDLER, {"handler", "staff"}),
        (Role.SUPERVISOR, {"clerk", "supervisor", "case_reader", "staff"}),
        (Role.ADMIN, {"clerk", "supervisor", "admin", "case_reader", "staff"}),
        (Role.AUDITOR, {"auditor", "case_reader", "staff"}),
        (Role.SECURITY, {"staff"}),
        (Role.DEPUTY, {"deputy"}),
        (Role.OFFICER, {"officer"}),
        (Role.INTEGRATION, set()),
    ],
)
def test_the_template_filter_asks_the_predicates(role, expected):
    user = UserFactory(role=role)
    template = Template(
        "{% load portal_tags %}{% for name in names %}{% if user|is_a:name %}{{ name }} {% endif %}{% endfor %}"
    )
    rendered = template.render(Context({"user": user, "names": list(ROLE_PREDICATES)}))
    assert set(rendered.split()) == expected
    # and an inactive account or an anonymous visitor is none of them
    user.is_active = False
    assert template.render(Context({"user": user, "names": list(ROLE_PREDICATES)})).split() == []
    assert template.render(Context({"user": AnonymousUser(), "names": list(ROLE_PREDICATES)})).split() == []
