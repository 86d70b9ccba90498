"""Models of the services app: service items (事项), 一类事 bundles and their published versions,
applications and their fulfilment tasks, and the automatic reminders of value-added items."""

from .applications import Application, ApplicationItem, ApplicationItemQuerySet, ApplicationQuerySet, Reminder
from .catalogue import (
    Bundle,
    BundleItem,
    BundleQuerySet,
    BundleVersion,
    CatalogueVersion,
    ServiceItem,
    ServiceItemQuerySet,
    ServiceMaterial,
    drafts_visible_to,
)

__all__ = [
    "Application",
    "ApplicationItem",
    "ApplicationItemQuerySet",
    "ApplicationQuerySet",
    "Bundle",
    "BundleItem",
    "BundleQuerySet",
    "BundleVersion",
    "CatalogueVersion",
    "Reminder",
    "ServiceItem",
    "ServiceItemQuerySet",
    "ServiceMaterial",
    "drafts_visible_to",
]
