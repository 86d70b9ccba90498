"""Core models: accounts and roles, regions, departments, enterprises, calendar, audit, notifications."""

from .audit import AuditLog
from .calendar import CalendarOverride, CalendarYear
from .enterprises import Enterprise, EnterpriseCertification, EnterpriseLicense, Membership
from .geo import Department, Region
from .notifications import Notification
from .users import User

__all__ = [
    "AuditLog",
    "CalendarOverride",
    "CalendarYear",
    "Department",
    "Enterprise",
    "EnterpriseCertification",
    "EnterpriseLicense",
    "Membership",
    "Notification",
    "Region",
    "User",
]
