"""The one way a state machine is declared (DESIGN.md rule 3): its moves, its status groups, and for each
move the one permission predicate that everything asks — the action's guard, the page's buttons and the
API's ``available_moves``.

An app writes ``<app>/workflow.py``::

    ISSUE = Workflow(
        "issues.issue",
        groups={"open": {...}, "working": {...}},
        moves=[
            Move("accept", sources={"dispatched", "reopened"}, target="accepted", allowed=is_lead_handler),
            Move("rate", sources={"replied", "followed_up"}, allowed=is_member, when=lambda i: not i.rated),
        ],
    )

``sources`` and ``target`` say what the state allows (``target=None``: the move leaves the status where it
is); ``when`` adds a condition on the object beyond its status (e.g. "only once 重办 is exhausted");
``allowed(user, obj)`` says who may. The action calls :meth:`Workflow.check` before it changes anything
and :meth:`Workflow.apply` to make the change (a conditional UPDATE through
:func:`portal.statemachine.apply_transition`, audited). Every workflow registers itself in
:data:`WORKFLOWS`, so a test can walk them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from portal.exceptions import PermissionDeniedError, TransitionNotAllowed


def anyone(user, obj) -> bool:
    """The predicate of a move that the state alone decides (e.g. a scheduled job's move)."""
    return True


def nobody(user, obj) -> bool:
    """The predicate of a move only the system makes (a scheduled job, a signal): no user may."""
    return False


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset[str] = field(default_factory=frozenset)
    target: str | None = None
    allowed: Callable[[Any, Any], bool] = nobody
    when: Callable[[Any], bool] | None = None
    label: str = ""
    # A move with side data (a reason, a reply): the page shows a form, not only a button.
    needs_input: bool = False
    # The refusal a user reads when ``allowed`` says no (a text, or a function of user and object);
    # empty: the generic "no permission" message.
    denied: Any = ""
    # The refusal when the status allows the move but ``when`` does not (a text or a function of the
    # object); empty: the workflow's "not in this state" message.
    refused: Any = ""

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))

    def state_allows(self, obj, status_field: str = "status") -> bool:
        if getattr(obj, status_field) not in self.sources:
            return False
        return self.when is None or bool(self.when(obj))


WORKFLOWS: dict[str, Workflow] = {}


class Workflow:
    """A state machine: named moves and named status groups. Immutable once declared."""

    def __init__(
        self,
        name: str,
        *,
        moves: Iterable[Move],
        groups: Mapping[str, Iterable[str]] | None = None,
        status_field: str = "status",
        permission_first: bool = False,
    ):
        self.name = name
        self.status_field = status_field
        # Check who asks before the state (the refusal says "only the lead department may …" rather
        # than "not in this state" to someone who could never make the move).
        self.permission_first = permission_first
        self.moves: dict[str, Move] = {}
        for move in moves:
            if move.name in self.moves:
                raise ValueError(f"{name}: move {move.name!r} declared twice")
            self.moves[move.name] = move
        self.groups: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in (groups or {}).items()}
        WORKFLOWS[name] = self

    def __repr__(self) -> str:
        return f"<Workflow {self.name}: {', '.join(self.moves)}>"

    def __getitem__(self, name: str) -> Move:
        return self.moves[name]

    def __contains__(self, name: str) -> bool:
        return name in self.moves

    def group(self, name: str) -> frozenset[str]:
        return self.groups[name]

    # --- questions ---------------------------------------------------------------------------------

    def can(self, obj, move: str) -> bool:
        """Whether the object's state allows the move (who asks is not considered)."""
        return self.moves[move].state_allows(obj, self.status_field)

    def allowed(self, user, obj, move: str) -> bool:
        """Whether this user may make this move on this object now: state and permission."""
        m = self.moves[move]
        return m.state_allows(obj, self.status_field) and bool(m.allowed(user, obj))

    def available(self, user, obj) -> list[str]:
        """The moves this user may make now, in declaration order (buttons, API ``available_moves``)."""
        return [name for name in self.moves if self.allowed(user, obj, name)]

    # --- the guard and the change ------------------------------------------------------------------

    def check(self, user, obj, move: str, *, not_allowed_message: str | None = None) -> Move:
        """The action's guard: raise if the state does not allow the move or the user may not make it.
        ``user=None`` is the system (a scheduled job): only the state is checked."""
        m = self.moves[move]
        if self.permission_first:
            self._check_permission(user, obj, m)
        if getattr(obj, self.status_field) not in m.sources:
            raise TransitionNotAllowed(not_allowed_message)
        if m.when is not None and not m.when(obj):
            refused = m.refused(obj) if callable(m.refused) else m.refused
            raise TransitionNotAllowed(refused or not_allowed_message)
        if not self.permission_first:
            self._check_permission(user, obj, m)
        return m

    @staticmethod
    def _check_permission(user, obj, m: Move) -> None:
        if user is not None and not m.allowed(user, obj):
            denied = m.denied(user, obj) if callable(m.denied) else m.denied
            raise PermissionDeniedError(denied or None)

    def apply(
        self,
        obj,
        move: str,
        *,
        actor,
        action: str,
        changes: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        not_allowed_message: str | None = None,
    ):
        """Make the move: a conditional UPDATE from the status the caller saw, audited as ``action``.
        The caller has already run :meth:`check` (inside its ``transaction.atomic()``)."""
        from portal.statemachine import apply_transition

        m = self.moves[move]
        current = getattr(obj, self.status_field)
        return apply_transition(
            obj,
            to_status=m.target if m.target is not None else current,
            allowed_from=m.sources,
            actor=actor,
            action=action,
            changes=changes,
            data=data,
            status_field=self.status_field,
            not_allowed_message=not_allowed_message,
        )


@dataclass(frozen=True)
class MoveEntry:
    """How a person makes one move through the interfaces: the page's form, the API's input serializer,
    and the one call that runs the action with the cleaned input (``run(user, obj, data)``; ``data``
    holds the form's cleaned data or the serializer's validated data — the same keys). The generic page
    view (:class:`portal.views.WorkflowMoveView`) and the generated API endpoints
    (:func:`portal.api.moves.move_actions`) read the same entries, so a move exists on both or neither.

    ``api_result``: ``(serializer_class, http_status)`` when the API answers with what the action
    returned (e.g. the new extension request) instead of the object's detail."""

    name: str
    run: Callable[[Any, Any, Mapping[str, Any]], Any]
    form: Any = None
    serializer: Any = None
    api_result: tuple[Any, int] | None = None
    danger: bool = False
    # the API's description of the endpoint (OpenAPI)
    description: str = ""

    def make_form(self, obj, *args, **kwargs):
        """The move's form for ``obj``; a form whose choices depend on the object (e.g. 提级 offers only
        the next level up) says ``for_object = True`` and receives it as ``obj``. Its ids start with the
        move's name (``id_reply-public_reply``), so the error summary links to this move's field."""
        if getattr(self.form, "for_object", False):
            kwargs["obj"] = obj
        # several moves' forms share a page (and field names): each move's ids are its own
        kwargs.setdefault("auto_id", f"id_{self.name}-%s")
        return self.form(*args, **kwargs)

    @property
    def api_name(self) -> str:
        """The API's action path: ``request_extension`` → ``request-extension``."""
        return self.name.replace("_", "-")


def move_entries(workflow: Workflow, entries: Iterable[MoveEntry]) -> dict[str, MoveEntry]:
    """The entries by name, in the workflow's declaration order; each must name a move of the workflow."""
    by_name = {}
    for entry in entries:
        if entry.name not in workflow:
            raise ValueError(f"{workflow.name}: no move {entry.name!r}")
        by_name[entry.name] = entry
    return {name: by_name[name] for name in workflow.moves if name in by_name}
