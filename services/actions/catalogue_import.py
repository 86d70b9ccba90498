"""Catalogue import: loading service items, bundles and their items from rows (Excel, demo data), checked
row by row, with a dry run that previews the change (added, changed old → new, removed)."""

import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.exceptions import ActionError

from ..catalogue_cache import catalogue_changed, catalogue_version
from ..choices import Automation, ItemKind
from ..models import Bundle, BundleItem
from .catalogue import bundle_publish, bundle_unpublish

# --- Catalogue import (Excel and demo data) -------------------------------------------------


class _RowErrors:
    def __init__(self):
        self.messages: list[str] = []

    def add(self, sheet: str, row: int, message) -> None:
        self.messages.append(_("「%(sheet)s」第 %(row)d 行：%(msg)s") % {"sheet": sheet, "row": row, "msg": message})


@functools.cache
def _choice_lookup(choices, language) -> dict[str, str]:
    """A choice's value from its value, its label in the file's language (Chinese: the export writes
    Chinese labels) or its label in the administrator's language."""
    with translation.override(settings.LANGUAGE_CODE):
        source = {str(label): v for v, label in choices.choices}
    with translation.override(language):
        shown = {str(label): v for v, label in choices.choices}
    return {v: v for v in choices.values} | shown | source


def _choice(choices, value, *, required=True, default=""):
    text = "" if value is None else str(value).strip()
    if not text:
        if required and not default:
            raise ValueError(_("不能为空"))
        return default
    lookup = _choice_lookup(choices, get_language())
    if text not in lookup:
        raise ValueError(
            _("“%(value)s”不是有效的选项（可选：%(options)s）")
            % {"value": text, "options": "、".join(str(label) for _v, label in choices.choices)}
        )
    return lookup[text]


def _int(value, *, default=0, minimum=0):
    if value is None or str(value).strip() == "":
        return default
    try:
        number = int(float(str(value).strip()))
    except ValueError:
        raise ValueError(_("“%(value)s”不是整数") % {"value": value}) from None
    if number < minimum:
        raise ValueError(_("不能小于 %(min)d") % {"min": minimum})
    return number


def _bool(value, *, default=False) -> bool:
    text = "" if value is None else str(value).strip().lower()
    if text == "":
        return default
    if text in {"1", "true", "yes", "y", "是", "√", "1.0"}:
        return True
    if text in {"0", "false", "no", "n", "否", "0.0"}:
        return False
    raise ValueError(_("“%(value)s”应为 是/否") % {"value": value})


def _codes(value) -> list[str]:
    text = "" if value is None else str(value)
    return [c.strip() for c in text.replace("，", ",").replace("、", ",").split(",") if c.strip()]


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _parse_materials(value) -> list[dict]:
    from ..choices import MaterialForm

    result = []
    for order, chunk in enumerate(c for c in _text(value).replace("；", ";").split(";") if c.strip()):
        parts = [p.strip() for p in chunk.split("|")] + [""] * 5
        if not parts[0]:
            raise ValueError(_("材料“%(chunk)s”缺少名称") % {"chunk": chunk})
        result.append(
            {
                "name": parts[0],
                "form": _choice(MaterialForm, parts[1], default=MaterialForm.ELECTRONIC),
                "count": _int(parts[2], default=1, minimum=1),
                "required": _bool(parts[3], default=True),
                "source": parts[4][:100],
                "order": order,
            }
        )
    return result


class _DryRun(Exception):
    """Raised at the end of a dry run to roll back everything it wrote."""


ITEM_DIFF_FIELDS = (
    "name", "item_type", "kind", "department", "promised_days", "legal_days", "provider_side", "board",
    "automation", "fee", "online", "visits", "description", "conditions", "contact_phone",
)  # fmt: skip
BUNDLE_DIFF_FIELDS = (
    "name", "kind", "stage", "chain", "board", "region", "summary", "description", "order", "published",
)  # fmt: skip
LINK_DIFF_FIELDS = (
    "kind", "default_selected", "order", "requires", "excludes", "recommend_industries", "recommend_sizes",
    "recommend_max_age_years",
)  # fmt: skip


def _shown(obj, field: str) -> str:
    """A field's value as the administrator reads it: a choice's label, a related row's code, 是/否."""
    model_field = obj._meta.get_field(field)
    if model_field.many_to_many:
        return ",".join(sorted(other.service.code for other in getattr(obj, field).all()))
    if model_field.is_relation:
        related = getattr(obj, field)
        return related.code if related is not None else ""
    value = getattr(obj, field)
    if model_field.choices and value:
        return str(getattr(obj, f"get_{field}_display")())
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return "" if value is None else str(value)


def _catalogue_state(*, item_codes, bundle_codes, link_bundle_codes) -> dict:
    """What the rows of a load can touch, as plain strings: the items and bundles they name (each with its
    materials) and every item of the bundles whose items they list."""
    from ..models import ServiceItem

    state: dict[tuple[str, str], dict] = {}
    items = ServiceItem.objects.filter(code__in=item_codes).select_related("department").prefetch_related("materials")
    for item in items:
        values = {field: _shown(item, field) for field in ITEM_DIFF_FIELDS}
        values["materials"] = ";".join(
            f"{m.name}|{m.get_form_display()}|{m.count}|{_('是') if m.required else _('否')}|{m.source}"
            for m in item.materials.all()
        )
        state["item", item.code] = {"name": item.name, "values": values}
    for bundle in Bundle.objects.filter(code__in=bundle_codes).select_related("region"):
        state["bundle", bundle.code] = {
            "name": bundle.name,
            "values": {field: _shown(bundle, field) for field in BUNDLE_DIFF_FIELDS},
        }
    links = (
        BundleItem.objects.filter(bundle__code__in=link_bundle_codes)
        .select_related("bundle", "service")
        .prefetch_related("requires__service", "excludes__service")
    )
    for link in links:
        state["link", f"{link.bundle.code} / {link.service.code}"] = {
            "name": f"{link.bundle.name} / {link.service.name}",
            "values": {field: _shown(link, field) for field in LINK_DIFF_FIELDS},
        }
    return state


def _field_label(kind: str, field: str) -> str:
    from ..models import ServiceItem

    if field == "materials":
        return str(_("申请材料"))
    model = {"item": ServiceItem, "bundle": Bundle, "link": BundleItem}[kind]
    return str(model._meta.get_field(field).verbose_name)


def _diff(before: dict, after: dict) -> dict:
    """What a load changes: rows added, rows changed (each field old → new) and rows removed."""
    kinds = {"item": _("事项"), "bundle": _("一类事"), "link": _("一类事事项")}
    added, changed, removed = [], [], []
    for key in after.keys() | before.keys():
        kind, code = key
        entry = {"kind": str(kinds[kind]), "code": code, "name": (after.get(key) or before[key])["name"]}
        if key not in before:
            added.append(entry)
        elif key not in after:
            removed.append(entry)
        else:
            old, new = before[key]["values"], after[key]["values"]
            fields = [
                {"label": _field_label(kind, field), "old": old[field], "new": new[field]}
                for field in new
                if old.get(field) != new[field]
            ]
            if fields:
                changed.append({**entry, "fields": fields})
    order = {"item": 0, "bundle": 1, "link": 2}
    rank = {str(label): order[kind] for kind, label in kinds.items()}
    for rows in (added, changed, removed):
        rows.sort(key=lambda row: (rank[row["kind"]], row["code"]))
    return {"added": added, "changed": changed, "removed": removed}


def catalogue_load(
    *,
    actor,
    items: list[dict],
    bundles: list[dict],
    bundle_items: list[dict],
    dry_run: bool = False,
    expected_version: str | None = None,
) -> dict:
    """Load catalogue rows (see :func:`_catalogue_write`).

    ``dry_run=True`` runs the very same load in a transaction that is rolled back and returns what it
    would change instead (``added``, ``changed`` with each field's old and new value, ``removed``) and
    the catalogue version it was computed against (``version``); bad rows raise ActionError as the real
    load does. ``expected_version`` (a preview's ``version``) refuses the load when the catalogue has
    changed since: the administrator confirms only what they saw.
    """
    if not dry_run:
        with transaction.atomic():
            if expected_version is not None:
                _lock_version()
                if catalogue_version() != expected_version:
                    raise ActionError(_("预览之后目录已被修改，未导入任何数据。请查看重新计算的变更后再确认。"))
            return _catalogue_write(actor=actor, items=items, bundles=bundles, bundle_items=bundle_items)
    codes = {
        "item_codes": {_text(row.get("code")) for row in items} | {_text(row.get("item")) for row in bundle_items},
        "bundle_codes": {_text(row.get("code")) for row in bundles}
        | {_text(row.get("bundle")) for row in bundle_items},
        "link_bundle_codes": {_text(row.get("bundle")) for row in bundle_items},
    }
    try:
        with transaction.atomic():
            version = catalogue_version()
            before = _catalogue_state(**codes)
            counts = _catalogue_write(actor=actor, items=items, bundles=bundles, bundle_items=bundle_items)
            after = _catalogue_state(**codes)
            raise _DryRun
    except _DryRun:
        pass
    return {**_diff(before, after), "counts": counts, "version": version}


def _lock_version() -> None:
    """Hold the catalogue version row until the load commits (PostgreSQL; SQLite writers already queue)."""
    from ..models import CatalogueVersion

    list(CatalogueVersion.objects.select_for_update().filter(pk=1).values_list("pk"))


@transaction.atomic
def _catalogue_write(*, actor, items: list[dict], bundles: list[dict], bundle_items: list[dict]) -> dict:
    """Create or update service items, bundles and their items from rows (Excel import, demo data).

    Every row is checked first; if any row is wrong, ActionError lists each one by sheet and row
    number and nothing is written. A bundle that appears in ``bundle_items`` gets exactly the
    items listed; a bundle marked published is (re)published, which freezes a version.
    """
    from decimal import Decimal, InvalidOperation

    from portal.choices import Board
    from portal.models import Department, Region

    from ..choices import BundleKind, ItemType, LifecycleStage, ProviderSide
    from ..models import ServiceItem, ServiceMaterial

    errors = _RowErrors()
    departments = {d.code: d for d in Department.objects.all()}
    regions = {r.code: r for r in Region.objects.all()}
    existing_items = {i.code: i for i in ServiceItem.objects.all()}
    existing_bundles = {b.code: b for b in Bundle.objects.all()}
    sheet_items, sheet_bundles, sheet_links = _("事项"), _("一类事"), _("一类事事项")

    planned_items: list[tuple[ServiceItem, list[dict] | None, bool]] = []
    seen: set[str] = set()
    for index, row in enumerate(items):
        number = row.get("_row", index + 2)
        code = _text(row.get("code"))
        try:
            if not code:
                raise ValueError(_("事项编码不能为空"))
            if code in seen:
                raise ValueError(_("事项编码 %(code)s 重复") % {"code": code})
            seen.add(code)
            department = departments.get(_text(row.get("department")))
            if department is None:
                raise ValueError(_("实施部门“%(code)s”不存在") % {"code": _text(row.get("department"))})
            try:
                fee = Decimal(str(row.get("fee") or 0))
            except InvalidOperation:
                raise ValueError(_("收费“%(v)s”不是数字") % {"v": row.get("fee")}) from None
            values = {
                "name": _text(row.get("name")),
                "item_type": _choice(ItemType, row.get("item_type")),
                "kind": _choice(ItemKind, row.get("kind")),
                "department": department,
                "provider_side": _choice(ProviderSide, row.get("provider_side"), default=ProviderSide.GOVERNMENT),
                "board": _choice(Board, row.get("board"), required=False),
                "automation": _choice(Automation, row.get("automation"), default=Automation.MANUAL),
                "promised_days": _int(row.get("promised_days")),
                "legal_days": _int(row.get("legal_days")),
                "fee": fee,
                "online": _bool(row.get("online"), default=True),
                "visits": _int(row.get("visits")),
                "description": _text(row.get("description"))[:300],
                "conditions": _text(row.get("conditions")),
                "contact_phone": _text(row.get("contact_phone")),
            }
            if values["legal_days"] and values["promised_days"] > values["legal_days"]:
                raise ValueError(_("承诺时限不能超过法定时限"))
            materials = _parse_materials(row.get("materials")) if "materials" in row else None
            item = existing_items.get(code) or ServiceItem(code=code)
            changed = any(getattr(item, field) != value for field, value in values.items())
            for field, value in values.items():
                setattr(item, field, value)
            if item.pk and changed:
                item.version += 1
            item.full_clean(validate_unique=False)
        except ValidationError as exc:
            errors.add(sheet_items, number, "；".join(exc.messages))
            continue
        except ValueError as exc:
            errors.add(sheet_items, number, str(exc))
            continue
        planned_items.append((item, materials, changed or not item.pk))
    item_codes = set(existing_items) | seen

    planned_bundles: list[tuple[Bundle, bool | None]] = []
    seen_bundles: set[str] = set()
    for index, row in enumerate(bundles):
        number = row.get("_row", index + 2)
        code = _text(row.get("code"))
        try:
            if not code:
                raise ValueError(_("一类事编码不能为空"))
            if code in seen_bundles:
                raise ValueError(_("一类事编码 %(code)s 重复") % {"code": code})
            seen_bundles.add(code)
            region_code = _text(row.get("region"))
            if region_code and region_code not in regions:
                raise ValueError(_("适用区划“%(code)s”不存在") % {"code": region_code})
            bundle = existing_bundles.get(code) or Bundle(code=code)
            bundle.name = _text(row.get("name"))
            bundle.kind = _choice(BundleKind, row.get("kind"))
            bundle.stage = _choice(LifecycleStage, row.get("stage"), required=False)
            bundle.chain = _text(row.get("chain"))
            bundle.board = _choice(Board, row.get("board"), required=False)
            bundle.region = regions.get(region_code)
            bundle.summary = _text(row.get("summary"))[:200]
            if "description" in row:
                bundle.description = _text(row.get("description"))
            bundle.order = _int(row.get("order"))
            publish = _bool(row.get("published")) if _text(row.get("published")) else None
            bundle.full_clean(validate_unique=False)
        except ValidationError as exc:
            errors.add(sheet_bundles, number, "；".join(exc.messages))
            continue
        except ValueError as exc:
            errors.add(sheet_bundles, number, str(exc))
            continue
        planned_bundles.append((bundle, publish))
    bundle_codes = set(existing_bundles) | seen_bundles

    links: dict[str, list[dict]] = {}
    for index, row in enumerate(bundle_items):
        number = row.get("_row", index + 2)
        try:
            bundle_code, item_code = _text(row.get("bundle")), _text(row.get("item"))
            if bundle_code not in bundle_codes:
                raise ValueError(_("一类事“%(code)s”不存在") % {"code": bundle_code})
            if item_code not in item_codes:
                raise ValueError(_("事项“%(code)s”不存在") % {"code": item_code})
            if any(link["item"] == item_code for link in links.get(bundle_code, [])):
                raise ValueError(_("事项 %(code)s 在该一类事中重复") % {"code": item_code})
            sizes = _codes(row.get("recommend_sizes"))
            bad_sizes = set(sizes) - {"large", "medium", "small", "micro"}
            if bad_sizes:
                raise ValueError(_("推荐规模“%(v)s”无效") % {"v": "、".join(sorted(bad_sizes))})
            links.setdefault(bundle_code, []).append(
                {
                    "_row": number,
                    "item": item_code,
                    "kind": _choice(ItemKind, row.get("kind")),
                    "default_selected": _bool(row.get("default_selected")),
                    "order": _int(row.get("order")),
                    "requires": _codes(row.get("requires")),
                    "excludes": _codes(row.get("excludes")),
                    "recommend_industries": ",".join(_codes(row.get("recommend_industries"))),
                    "recommend_sizes": ",".join(sizes),
                    "recommend_max_age_years": _int(row.get("recommend_max_age_years"), default=None)
                    if _text(row.get("recommend_max_age_years"))
                    else None,
                }
            )
        except ValueError as exc:
            errors.add(sheet_links, number, str(exc))
    for bundle_code, rows in links.items():
        listed = {link["item"] for link in rows}
        for link in rows:
            for other in link["requires"] + link["excludes"]:
                if other not in listed:
                    errors.add(
                        sheet_links,
                        link["_row"],
                        _("依赖或互斥的事项 %(code)s 不在一类事 %(bundle)s 中")
                        % {"code": other, "bundle": bundle_code},
                    )
                elif other == link["item"]:
                    errors.add(sheet_links, link["_row"], _("事项不能依赖或排斥自己"))
    if errors.messages:
        raise ActionError(errors.messages)

    # Everything checked: write.
    saved_items = {}
    for item, materials, _dirty in planned_items:
        item.save()
        saved_items[item.code] = item
        if materials is not None:
            ServiceMaterial.objects.filter(item=item).delete()
            ServiceMaterial.objects.bulk_create([ServiceMaterial(item=item, **m) for m in materials])
            catalogue_changed()  # bulk_create sends no signal
    all_items = {i.code: i for i in ServiceItem.objects.filter(code__in=item_codes)}
    saved_bundles = {}
    for bundle, _publish in planned_bundles:
        bundle.save()
        saved_bundles[bundle.code] = bundle
    all_bundles = {b.code: b for b in Bundle.objects.filter(code__in=bundle_codes)}
    for bundle_code, rows in links.items():
        bundle = all_bundles[bundle_code]
        wanted = {all_items[link["item"]].pk: link for link in rows}
        BundleItem.objects.filter(bundle=bundle).exclude(service_id__in=wanted).delete()
        current = {bi.service_id: bi for bi in BundleItem.objects.filter(bundle=bundle)}
        by_code = {}
        for service_id, link in wanted.items():
            bi = current.get(service_id) or BundleItem(bundle=bundle, service_id=service_id)
            for field in ("kind", "default_selected", "order", "recommend_industries", "recommend_sizes"):
                setattr(bi, field, link[field])
            bi.recommend_max_age_years = link["recommend_max_age_years"]
            bi.full_clean(validate_unique=False, validate_constraints=False)
            bi.save()
            by_code[link["item"]] = bi
        for link in rows:
            bi = by_code[link["item"]]
            bi.requires.set([by_code[c] for c in link["requires"]])
            if link["excludes"]:
                bi.excludes.add(*[by_code[c] for c in link["excludes"]])
        for link in rows:
            bi = by_code[link["item"]]
            declared = {by_code[c].pk for c in link["excludes"]}
            # excludes is symmetrical: keep a pair only if either side still declares it
            for other in list(bi.excludes.all()):
                other_code = other.service.code
                other_link = next((r for r in rows if r["item"] == other_code), None)
                if other.pk not in declared and not (other_link and link["item"] in other_link["excludes"]):
                    bi.excludes.remove(other)
    published = 0
    for bundle, publish in planned_bundles:
        bundle = all_bundles[bundle.code]
        if publish is True:
            bundle_publish(actor=actor, bundle=bundle)
            published += 1
        elif publish is False and bundle.published:
            bundle_unpublish(actor=actor, bundle=bundle)
    counts = {
        "items": len(saved_items),
        "bundles": len(saved_bundles),
        "bundle_items": sum(len(rows) for rows in links.values()),
        "published": published,
    }
    audit_record(actor=actor, action="services.catalogue.imported", data=counts)
    return counts
