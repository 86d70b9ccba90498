"""All writes of the issues app (DESIGN.md rules 1 and 3): one transition table, one transition function.

Every action is keyword-only, atomic and audited; ``now=`` lets demo data and backfills act in the past.
The package re-exports every action, so callers write ``from issues import actions``.
"""

from ._core import can, event_label
from .closing import (
    appeal_decide,
    appeal_submit,
    issue_appeal,
    issue_close,
    issue_consult,
    issue_follow_up,
    issue_rate,
)
from .handling import (
    extension_decide,
    issue_accept,
    issue_co_opinion,
    issue_dispatch,
    issue_escalate,
    issue_reply,
    issue_request_extension,
    issue_return,
    issue_urge,
)
from .intake import issue_add_attachments, issue_classify, issue_submit, issue_withdraw
from .overdue import sweep_overdue

__all__ = [
    "appeal_decide",
    "appeal_submit",
    "can",
    "event_label",
    "extension_decide",
    "issue_accept",
    "issue_add_attachments",
    "issue_appeal",
    "issue_classify",
    "issue_close",
    "issue_co_opinion",
    "issue_consult",
    "issue_dispatch",
    "issue_escalate",
    "issue_follow_up",
    "issue_rate",
    "issue_reply",
    "issue_request_extension",
    "issue_return",
    "issue_submit",
    "issue_urge",
    "issue_withdraw",
    "sweep_overdue",
]
