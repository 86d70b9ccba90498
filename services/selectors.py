"""Reads of the services app (DESIGN.md rule 2). Lists have a constant number of queries."""

from collections import OrderedDict

from django.db.models import Count, Prefetch, Q, QuerySet
from django.template.loader import render_to_string

from portal.models import Enterprise, User

from .catalogue_cache import cached_by_catalogue
from .choices import BundleKind, ItemKind, LifecycleStage
from .models import Application, ApplicationItem, Bundle, BundleItem, ServiceMaterial, drafts_visible_to
from .workflow import OPEN_TASK_STATUSES


def bundle_list(*, user: User) -> QuerySet[Bundle]:
    """Published bundles (drafts too for administrators) with their item counts."""
    return (
        Bundle.objects.visible_to(user)
        .select_related("region")
        .annotate(
            basic_count=Count("items", filter=Q(items__kind=ItemKind.BASIC), distinct=True),
            value_added_count=Count("items", filter=Q(items__kind=ItemKind.VALUE_ADDED), distinct=True),
        )
        .order_by("kind", "order", "code")
    )


def catalogue_groups(bundles) -> dict[str, list[tuple[str, list[Bundle]]]]:
    """Bundles grouped by life-cycle stage and by industry chain, in catalogue order."""
    stages: OrderedDict[str, list[Bundle]] = OrderedDict((label, []) for _value, label in LifecycleStage.choices)
    chains: OrderedDict[str, list[Bundle]] = OrderedDict()
    for bundle in bundles:
        if bundle.kind == BundleKind.LIFECYCLE:
            stages.setdefault(str(bundle.get_stage_display()), []).append(bundle)
        else:
            chains.setdefault(bundle.chain, []).append(bundle)
    return {
        "lifecycle": [(label, rows) for label, rows in stages.items() if rows],
        "industry_chain": list(chains.items()),
    }


def bundle_items(*, bundle: Bundle) -> QuerySet[BundleItem]:
    return (
        BundleItem.objects.filter(bundle=bundle)
        .select_related("service", "service__department")
        .prefetch_related(
            Prefetch("service__materials", queryset=ServiceMaterial.objects.order_by("order", "id")),
            "requires__service",
            "excludes__service",
        )
        .order_by("order", "id")
    )


def bundle_offer(*, code: str) -> tuple[Bundle | None, list[BundleItem]]:
    """The bundle (with its region's full name) and its items as its page lists them, each item with the
    HTML of its catalogue part already rendered (``html_row`` for a basic item's cells, ``html_label``
    and ``html_help`` for a value-added one, ``html_materials`` for its row of materials), its
    ``material_count`` and its ``service_code``: built once per catalogue version
    and language (``catalogue_cache``). Rows keep their own fields (kind, default, recommendation
    criteria) and nothing related, so they cache small. Visibility is the caller's: see
    :func:`bundle_cached`."""
    return cached_by_catalogue(f"bundle:{code}", lambda: _build_offer(code))


def _build_offer(code: str) -> tuple[Bundle | None, list[BundleItem]]:
    bundle = Bundle.objects.select_related("region").filter(code=code).first()
    if bundle is None:
        return None, []
    bundle.region_full_name  # noqa: B018 - computed now, cached with the row
    bundle._state.fields_cache = {}
    rows = list(bundle_items(bundle=bundle))

    def part(bi, name):
        context = {"bi": bi, "part": name, "optional": bi.kind != ItemKind.BASIC}
        return render_to_string("services/_bundle_item_parts.html", context)

    for bi in rows:
        if bi.kind == ItemKind.BASIC:
            bi.html_row = part(bi, "row")
        else:
            bi.html_label = part(bi, "label")
            bi.html_help = part(bi, "help")
        bi.html_materials = part(bi, "materials")
        bi.material_count = len(bi.service.materials.all())
        bi.service_code = bi.service.code
        bi._prefetched_objects_cache = {}
        bi._state.fields_cache = {}
    return bundle, rows


def bundle_cached(*, user: User, code: str) -> tuple[Bundle, list[BundleItem]]:
    """:func:`bundle_get` from the catalogue cache, with the rows of :func:`bundle_offer`, for pages."""
    bundle, rows = bundle_offer(code=code)
    if bundle is None or not (bundle.published or drafts_visible_to(user)):  # as Bundle.objects.visible_to
        raise Bundle.DoesNotExist
    return bundle, rows


def bundle_get(*, user: User, code: str) -> Bundle:
    return Bundle.objects.visible_to(user).select_related("region").get(code=code)


def bundle_get_any(*, code: str) -> Bundle:
    """A bundle whether published or not (the apply page explains an unpublished one)."""
    return Bundle.objects.select_related("region").get(code=code)


def _task_prefetch() -> Prefetch:
    return Prefetch(
        "items",
        queryset=ApplicationItem.objects.select_related("department", "handler").order_by("order", "id"),
    )


def application_list(*, user: User) -> QuerySet[Application]:
    return (
        Application.objects.visible_to(user)
        .select_related("bundle", "enterprise", "submitted_by")
        .prefetch_related(_task_prefetch())
        .order_by("-submitted_at", "-id")
    )


def application_get(*, user: User, pk: int) -> Application:
    return (
        Application.objects.visible_to(user)
        .select_related("bundle", "bundle_version", "enterprise", "submitted_by")
        .prefetch_related(_task_prefetch())
        .get(pk=pk)
    )


def application_checklist(*, application: Application) -> list[dict]:
    """The materials checklist of a receipt (受理回执): each chosen item that asks for materials, with them
    (the required first), read in one query. The materials are the items' current ones: the catalogue's
    snapshot of a bundle version does not hold them."""
    tasks = list(application.items.all())
    by_item: dict[int, list[ServiceMaterial]] = {}
    for material in ServiceMaterial.objects.filter(item_id__in={t.service_id for t in tasks if t.service_id}).order_by(
        "-required", "order", "id"
    ):
        by_item.setdefault(material.item_id, []).append(material)
    return [{"task": t, "materials": by_item[t.service_id]} for t in tasks if t.service_id in by_item]


def task_list(*, user: User) -> QuerySet[ApplicationItem]:
    return (
        ApplicationItem.objects.visible_to(user)
        .select_related("application", "application__bundle", "application__enterprise", "department", "handler")
        .order_by("due_date", "id")
    )


def task_inbox(*, user: User) -> QuerySet[ApplicationItem]:
    """A handler's department's tasks (finished ones too), earliest due first."""
    return task_list(user=user).filter(department_id=user.department_id)


def open_task_inbox(*, user: User) -> QuerySet[ApplicationItem]:
    """The tasks the handler's department still has to finish: the inbox's default and its count."""
    return task_inbox(user=user).filter(status__in=OPEN_TASK_STATUSES)


def task_get(*, user: User, pk: int) -> ApplicationItem:
    return (
        ApplicationItem.objects.visible_to(user)
        .select_related(
            "application", "application__bundle", "application__enterprise", "department", "handler", "service"
        )
        .prefetch_related("service__materials")
        .get(pk=pk)
    )


def enterprises_for_applicant(*, user: User) -> QuerySet[Enterprise]:
    """The enterprises the user may apply for: their own (members) or any (window staff)."""
    return Enterprise.objects.visible_to(user).order_by("name")


def catalogue_export_querysets() -> dict:
    """Everything the Excel export writes, with constant queries."""
    from .models import ServiceItem

    return {
        "items": ServiceItem.objects.select_related("department").prefetch_related("materials").order_by("code"),
        "bundles": Bundle.objects.select_related("region").order_by("order", "code"),
        "bundle_items": BundleItem.objects.select_related("bundle", "service")
        .prefetch_related("requires__service", "excludes__service")
        .order_by("bundle__order", "bundle__code", "kind", "order", "id"),
    }


def task_history(*, task: ApplicationItem) -> list[dict]:
    """The moves of one task from the audit log, oldest first, with readable labels."""
    from portal.models import AuditLog

    from .choices import TaskEvent, TaskStatus

    labels = dict(TaskStatus.choices)
    events = dict(TaskEvent.choices)
    rows = (
        AuditLog.objects.filter(target_type="services.applicationitem", target_id=str(task.pk))
        .select_related("actor")
        .order_by("at", "id")
    )
    return [
        {
            "at": row.at,
            "actor": row.actor.name if row.actor_id else "",
            "event": events.get(row.data.get("event"), row.action),
            "to": labels.get(row.data.get("to"), ""),
            "text": row.data.get("note") or row.data.get("reason") or row.data.get("result") or "",
        }
        for row in rows
    ]
