"""What the catalogue pages show, cached under the catalogue's version (issue 13, item 4).

The catalogue home, a bundle's header and its item rows are a pure function of the catalogue: bundles,
their items, service items and their materials, and the names of the departments and regions shown. They
change a few times a week and are read on every visit. So they are built once per catalogue version (and
language and audience) and kept in Django's cache; a request reads only the version, one indexed row.

Every change moves the version: saving or deleting any of those models (signals below, registered in
``ServicesConfig.ready``) and the catalogue actions' bulk writes, which call :func:`catalogue_changed`
themselves. The bump runs in the writer's transaction, so the new number becomes visible with the data.
A reader reads the number before the rows: what it caches under a number is never older than that
number's data (at worst newer, under a number no one will ask for again). Nothing is kept in module
globals: with a per-process cache each process builds its own copy, with a shared cache (Redis) all
share one; stale entries age out (``CATALOGUE_CACHE_SECONDS``). The version carries a random stamp
besides the counter, so a change rolled back never leaves its number to be reused with other data.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db.models import F
from django.utils.translation import get_language

CATALOGUE_CACHE_SECONDS = 24 * 3600
_MISSING = object()


def catalogue_version() -> str:
    """The current catalogue version (one query; "0" before the first change)."""
    from .models import CatalogueVersion

    row = CatalogueVersion.objects.filter(pk=1).values_list("number", "stamp").first()
    return f"{row[0]}.{row[1]}" if row else "0"


def catalogue_changed() -> None:
    """Move the version: everything cached for the old one is no longer read."""
    from .models import CatalogueVersion

    stamp = uuid.uuid4().hex
    if not CatalogueVersion.objects.filter(pk=1).update(number=F("number") + 1, stamp=stamp):
        CatalogueVersion.objects.get_or_create(pk=1, defaults={"number": 1, "stamp": stamp})


def cached_by_catalogue[T](key: str, build: Callable[[], T], *, version: str | None = None) -> T:
    """``build()``, computed once per catalogue version and language for ``key`` (``key`` names everything
    else the value depends on: the audience, the bundle's code…). ``build`` may return None."""
    if version is None:
        version = catalogue_version()
    full_key = f"services:catalogue:{version}:{get_language()}:{key}"
    value = cache.get(full_key, _MISSING)
    if value is _MISSING:
        value = build()
        cache.set(full_key, value, CATALOGUE_CACHE_SECONDS)
    return value


def _changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata: the fixture's rows are the catalogue being loaded
        return
    if kwargs.get("action", "post_").startswith("pre_"):  # m2m_changed fires before and after
        return
    catalogue_changed()


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from portal.models import Department, Region

    from .models import Bundle, BundleItem, ServiceItem, ServiceMaterial

    for model in (Bundle, BundleItem, ServiceItem, ServiceMaterial, Department, Region):
        uid = f"services.catalogue_cache.{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}.saved")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}.deleted")
    for through in (BundleItem.requires.through, BundleItem.excludes.through):
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"services.catalogue_cache.{through.__name__}")
