"""Models of the issues app: 涉企问题, their configuration (channels, categories, 三不管 kinds,
deadline rules) and their history (events, ratings, follow-ups, extensions, escalations, appeals).

Status and workflow fields change only through :mod:`issues.actions`; see docs/issues-model.md.
"""

from .config import Category, Channel, ConfigQuerySet, DeadlineRule, IssueSettings, OwnerlessKind
from .history import (
    Appeal,
    Escalation,
    ExtensionRequest,
    FollowUp,
    IssueAttachment,
    IssueChildQuerySet,
    IssueEvent,
    IssueEventQuerySet,
    OverdueMark,
    Rating,
)
from .issue import STEPS, Issue, IssueQuerySet, ever_overdue_condition, local_today, overdue_condition

__all__ = [
    "STEPS",
    "Appeal",
    "Category",
    "Channel",
    "ConfigQuerySet",
    "DeadlineRule",
    "Escalation",
    "ExtensionRequest",
    "FollowUp",
    "Issue",
    "IssueAttachment",
    "IssueChildQuerySet",
    "IssueEvent",
    "IssueEventQuerySet",
    "IssueQuerySet",
    "IssueSettings",
    "OverdueMark",
    "OwnerlessKind",
    "Rating",
    "ever_overdue_condition",
    "local_today",
    "overdue_condition",
]
