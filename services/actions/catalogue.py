"""Catalogue writes: freezing and publishing bundles, the back office's bundle save. Loading the catalogue
from rows (Excel, demo data) is :mod:`services.actions.catalogue_import`."""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.exceptions import ActionError, PermissionDeniedError
from portal.models import User

from ..catalogue_cache import catalogue_changed
from ..models import Bundle, BundleItem, BundleVersion
from ..workflow import BUNDLE, is_catalogue_admin

# --- Catalogue ----------------------------------------------------------------------------------


def bundle_snapshot(bundle: Bundle) -> dict:
    """What the bundle offers right now, as plain data (items, departments, time limits, rules)."""
    items = (
        BundleItem.objects.filter(bundle=bundle)
        .select_related("service", "service__department")
        .prefetch_related("requires", "excludes")
        .order_by("kind", "order", "id")
    )
    return {
        "code": bundle.code,
        "name": bundle.name,
        "kind": bundle.kind,
        "items": [
            {
                "id": bi.pk,
                "kind": bi.kind,
                "default_selected": bi.default_selected,
                "requires": sorted(r.pk for r in bi.requires.all()),
                "excludes": sorted(x.pk for x in bi.excludes.all()),
                "service_id": bi.service_id,
                "service_code": bi.service.code,
                "service_version": bi.service.version,
                "name": bi.service.name,
                "department": {"id": bi.service.department_id, "name": bi.service.department.name},
                "promised_days": bi.service.promised_days,
                "fee": str(bi.service.fee),
                "provider_side": bi.service.provider_side,
            }
            for bi in items
        ],
    }


FREEZE_ATTEMPTS = 3


def _freeze(*, bundle: Bundle, actor) -> BundleVersion:
    """The version of the bundle's current offering: the existing one with the same content, else a new one.

    Two submissions of a just-changed bundle can freeze it at the same moment. The database's unique keys
    (bundle + digest, bundle + number) decide: the one whose insert fails takes the other's version, or
    the next number when the other froze a different offering. ``full_clean`` therefore skips the unique
    checks — read before the other commits, they would refuse the loser with a ValidationError.
    """
    snapshot = bundle_snapshot(bundle)
    digest = hashlib.sha256(json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    for _attempt in range(FREEZE_ATTEMPTS):
        existing = BundleVersion.objects.filter(bundle=bundle, digest=digest).first()
        if existing is not None:
            return existing
        number = (BundleVersion.objects.filter(bundle=bundle).aggregate(n=Max("number"))["n"] or 0) + 1
        version = BundleVersion(
            bundle=bundle, number=number, digest=digest, snapshot=snapshot, created_by=actor if actor else None
        )
        version.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                version.save()
        except IntegrityError:  # someone froze an offering at the same moment: look again
            continue
        audit_record(actor=actor, action="services.bundleversion.created", target=version, data={"number": number})
        return version
    raise ActionError(_("一类事「%(name)s」正在被同时修改，请稍后重试。") % {"name": bundle.name})


@transaction.atomic
def bundle_publish(*, actor: User, bundle: Bundle) -> Bundle:
    """Publish a bundle (enterprises can apply) and freeze its offering as a new version."""
    BUNDLE.check(actor, bundle, "publish")
    if not bundle.items.exists():
        raise ActionError(_("一类事「%(name)s」还没有任何事项，不能发布。") % {"name": bundle.name})
    version = _freeze(bundle=bundle, actor=actor)
    if bundle.published and bundle.version == version.number:
        return bundle  # already published as this very offering
    Bundle.objects.filter(pk=bundle.pk).update(published=True, published_at=timezone.now(), version=version.number)
    catalogue_changed()  # update() sends no signal
    bundle.refresh_from_db()
    audit_record(actor=actor, action="services.bundle.published", target=bundle, data={"version": version.number})
    return bundle


@transaction.atomic
def bundle_unpublish(*, actor: User, bundle: Bundle) -> Bundle:
    """Take a bundle off the catalogue; running applications are not affected."""
    BUNDLE.check(
        actor, bundle, "unpublish", not_allowed_message=_("一类事「%(name)s」尚未发布。") % {"name": bundle.name}
    )
    # Not BUNDLE.apply: Bundle.version is the published offering's number, not a row version.
    Bundle.objects.filter(pk=bundle.pk).update(published=False)
    catalogue_changed()  # update() sends no signal
    bundle.refresh_from_db()
    audit_record(actor=actor, action="services.bundle.unpublished", target=bundle)
    return bundle


@transaction.atomic
def bundle_admin_save(*, actor: User, instance: Bundle, form, formsets=(), change: bool) -> Bundle:
    """The back office's save of a bundle with its items (validated by the forms); audited. Publication is
    not edited here: it is a move of its own (:func:`bundle_publish`, :func:`bundle_unpublish`), and the
    changed offering is frozen as a new version when it is next published or applied for."""
    from portal.actions import record_formset_save

    if not is_catalogue_admin(actor):
        raise PermissionDeniedError(_("只有系统管理员可以维护一类事目录。"))
    instance.save()
    form.save_m2m()
    for formset in formsets:
        record_formset_save(actor=actor, formset=formset)
    audit_record(
        actor=actor,
        action="services.bundle.changed" if change else "services.bundle.created",
        target=instance,
        data={"fields": list(form.changed_data), "items_changed": any(f.has_changed() for f in formsets)},
    )
    return instance
