"""The common problem (共性问题) state machine, declared once (DESIGN.md rule 3).

A common problem is 研究破解中 until its solution is recorded (统一答复 or an edit with a solution: 已统一答复),
and 已形成长效机制 once a lasting mechanism is recorded. The actions (``insights.actions.common_issues``) check
these moves before they change anything; the detail page's forms ask the same predicates.
"""

from portal.permissions import is_clerk, is_handler, is_supervisor
from portal.workflow import Move, Workflow

from .choices import CommonIssueStatus as S


def is_lead_handler(user, common) -> bool:
    """A handler of the common problem's lead department (the one who answers for it)."""
    return bool(is_handler(user) and user.department_id and user.department_id == common.lead_department_id)


def can_edit(user, common) -> bool:
    """Supervisors and the lead department's handlers keep the record (root cause, mechanism, publication)."""
    return is_supervisor(user) or is_lead_handler(user, common)


def can_link(user, common) -> bool:
    """Clerks classifying problems may add one to a common problem, besides those who keep the record."""
    return is_clerk(user) or can_edit(user, common)


EVERY = set(S.values)

COMMON_ISSUE = Workflow(
    "insights.commonissue",
    groups={
        "solved": {S.ANSWERED, S.INSTITUTIONALISED},
    },
    moves=[
        # the status moves, made by the actions that record a solution or a mechanism
        Move("answer", sources={S.OPEN}, target=S.ANSWERED, allowed=can_edit),
        Move("institutionalise", sources={S.OPEN, S.ANSWERED}, target=S.INSTITUTIONALISED, allowed=can_edit),
        # the moves that leave the status where it is
        Move("reply", sources=EVERY, allowed=is_lead_handler, needs_input=True),
        Move("edit", sources=EVERY, allowed=can_edit, needs_input=True),
        Move("link", sources=EVERY, allowed=can_link, needs_input=True),
        Move("unlink", sources=EVERY, allowed=can_edit),
        Move("record_reuse", sources=EVERY, allowed=can_edit, needs_input=True),
    ],
)
