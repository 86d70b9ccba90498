"""The shared state-machine declaration (portal.workflow): state, permission, guard and change."""

from types import SimpleNamespace

import pytest

from portal.exceptions import PermissionDeniedError, TransitionNotAllowed
from portal.workflow import WORKFLOWS, Move, Workflow, anyone


def _owner(user, obj):
    return user == obj.owner


FLOW = Workflow(
    "tests.sample",
    groups={"open": {"new", "busy"}},
    moves=[
        Move("start", sources={"new"}, target="busy", allowed=_owner),
        Move("note", sources={"new", "busy"}, allowed=anyone, when=lambda o: o.notes < 2),
        Move("expire", sources={"new", "busy"}, target="gone"),
    ],
)


def test_state_permission_and_extra_condition():
    obj = SimpleNamespace(status="new", owner="ann", notes=0)
    assert FLOW.available("ann", obj) == ["start", "note"]
    assert FLOW.available("bob", obj) == ["note"]
    obj.notes = 2
    assert FLOW.available("ann", obj) == ["start"]
    assert FLOW.can(obj, "expire") and not FLOW.allowed("ann", obj, "expire")
    assert FLOW.group("open") == frozenset({"new", "busy"})
    assert WORKFLOWS["tests.sample"] is FLOW


def test_check_refuses_state_before_permission():
    obj = SimpleNamespace(status="busy", owner="ann", notes=0)
    with pytest.raises(TransitionNotAllowed):
        FLOW.check("ann", obj, "start")
    obj.status = "new"
    with pytest.raises(PermissionDeniedError):
        FLOW.check("bob", obj, "start")
    assert FLOW.check("ann", obj, "start").target == "busy"
    # the system (no user): only the state counts
    assert FLOW.check(None, obj, "expire").target == "gone"


def test_a_move_declared_twice_is_refused():
    with pytest.raises(ValueError):
        Workflow("tests.twice", moves=[Move("a"), Move("a")])
