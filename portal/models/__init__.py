"""Core models: accounts and roles, regions, departments, enterprises, calendar, audit, notifications."""

from .audit import AuditAnchor, AuditLog
from .calendar import CalendarOverride, CalendarYear
from .enterprises import Enterprise, EnterpriseCertification, EnterpriseLicense, Membership
from .geo import Department, Region
from .notifications import Notification
from .security import ApiToken, LoginThrottle
from .users import User

__all__ = [
    "ApiToken",
    "AuditAnchor",
    "AuditLog",
    "CalendarOverride",
    "CalendarYear",
    "Department",
    "Enterprise",
    "EnterpriseCertification",
    "EnterpriseLicense",
    "LoginThrottle",
    "Membership",
    "Notification",
    "Region",
    "User",
]
