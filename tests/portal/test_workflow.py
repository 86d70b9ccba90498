"""The shared state-machine declaration (portal.workflow): state, permission, guard and change."""

from types import SimpleNamespace

import pytest

from portal.exceptions import PermissionDeniedError, TransitionNotAllowed
from portal.workflow import WORKFLOWS, Move, MoveEntry, Workflow, anyone, move_entries


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


GUARDED = Workflow(
    "tests.guarded",
    permission_first=True,
    moves=[
        Move(
            "close",
            sources={"open"},
            target="closed",
            allowed=_owner,
            when=lambda o: o.notes > 0,
            denied=lambda user, obj: f"only {obj.owner}",
            refused="write a note first",
        ),
        Move("reopen", sources={"closed"}, target="open", allowed=_owner, denied="only the owner"),
    ],
)


def test_refusals_say_why_and_permission_may_come_first():
    obj = SimpleNamespace(status="closed", owner="ann", notes=0)
    # permission first: who may never make the move hears that, whatever the state
    with pytest.raises(PermissionDeniedError) as exc:
        GUARDED.check("bob", obj, "close")
    assert exc.value.message == "only ann"
    with pytest.raises(TransitionNotAllowed) as exc:
        GUARDED.check("ann", obj, "close", not_allowed_message="not now")
    assert exc.value.message == "not now"
    obj.status = "open"
    with pytest.raises(TransitionNotAllowed) as exc:
        GUARDED.check("ann", obj, "close")
    assert exc.value.message == "write a note first"
    obj.notes = 1
    assert GUARDED.check("ann", obj, "close").target == "closed"


def test_move_entries_follow_the_workflow_and_name_only_its_moves():
    run = lambda user, obj, data: None  # noqa: E731
    entries = move_entries(GUARDED, [MoveEntry("reopen", run), MoveEntry("close", run)])
    assert list(entries) == ["close", "reopen"]
    assert MoveEntry("request_extension", run).api_name == "request-extension"
    with pytest.raises(ValueError):
        move_entries(GUARDED, [MoveEntry("delete", run)])
