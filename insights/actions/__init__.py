"""All writes of the insights app (DESIGN.md rule 1): keyword-only, atomic, audited.

``common_issues``: common problems (共性问题), their links, answers and reuse. ``ledger_exports``: the
background 台账 export jobs. The package re-exports every action, so callers write
``from insights import actions``.
"""

from .common_issues import (
    DISPATCHABLE,
    LINKABLE_EXCLUDED,
    REPLYABLE,
    common_issue_admin_save,
    common_issue_answer,
    common_issue_create,
    common_issue_link,
    common_issue_record_reuse,
    common_issue_unlink,
    common_issue_update,
)
from .ledger_exports import (
    LEDGER_EXPORT_MAX_ATTEMPTS,
    LEDGER_EXPORT_MOVES,
    ledger_export_expire_old,
    ledger_export_fail,
    ledger_export_finish,
    ledger_export_request,
    ledger_export_start,
    ledger_exports_to_resume,
)

__all__ = [
    "DISPATCHABLE",
    "LEDGER_EXPORT_MAX_ATTEMPTS",
    "LEDGER_EXPORT_MOVES",
    "LINKABLE_EXCLUDED",
    "REPLYABLE",
    "common_issue_admin_save",
    "common_issue_answer",
    "common_issue_create",
    "common_issue_link",
    "common_issue_record_reuse",
    "common_issue_unlink",
    "common_issue_update",
    "ledger_export_expire_old",
    "ledger_export_fail",
    "ledger_export_finish",
    "ledger_export_request",
    "ledger_export_start",
    "ledger_exports_to_resume",
]
