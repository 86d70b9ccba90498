"""How a person makes each move of a fulfilment task, declared once for the page and the API: the page's
form, the API's input serializer (same field names) and the one call of the action. The page's generic move
view (``services.views.TaskMoveView``) and the API's endpoints (``services.api.views.ApplicationItemViewSet``)
are generated from :data:`ENTRIES`; who may make a move and when is :data:`services.workflow.TASK`'s
(the action's guard)."""

from portal.workflow import MoveEntry, move_entries

from . import actions, forms
from .api import serializers as s
from .choices import TaskEvent
from .workflow import TASK


def _move(event: str, field: str | None = None):
    """The action call of one task move; ``field``: the input it carries (result, reason, note)."""

    def run(user, task, data):
        extra = {field: data[field]} if field else {}
        return actions.task_transition(actor=user, task=task, event=event, **extra)

    return run


ENTRIES = move_entries(
    TASK,
    [
        MoveEntry(TaskEvent.ACCEPT, _move(TaskEvent.ACCEPT), description="受理."),
        MoveEntry(TaskEvent.START, _move(TaskEvent.START), description="开始办理."),
        MoveEntry(
            TaskEvent.REQUEST_MATERIALS,
            _move(TaskEvent.REQUEST_MATERIALS, "note"),
            form=forms.TaskRequestMaterialsForm,
            serializer=s.TaskRequestMaterialsSerializer,
            description="补正材料 (pauses the clock).",
        ),
        MoveEntry(
            TaskEvent.RESUME,
            _move(TaskEvent.RESUME),
            description="材料已补齐 (the clock runs again, the due date moves on).",
        ),
        MoveEntry(
            TaskEvent.COMPLETE,
            _move(TaskEvent.COMPLETE, "result"),
            form=forms.TaskCompleteForm,
            serializer=s.TaskCompleteSerializer,
            description="办结, with the result.",
        ),
        MoveEntry(
            TaskEvent.REJECT,
            _move(TaskEvent.REJECT, "reason"),
            form=forms.TaskRejectForm,
            serializer=s.TaskRejectSerializer,
            description="不予受理, with the reason.",
        ),
    ],
)
