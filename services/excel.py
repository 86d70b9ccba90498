"""Excel (.xlsx) format of the catalogue: three sheets — 事项, 一类事, 一类事事项 — with Chinese
headers. Reading only turns a workbook into rows (checking the file and its headers); the rows
are checked and written by :func:`services.actions.catalogue_load`."""

import io
import zipfile
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from portal.exceptions import ActionError
from portal.uploads import XLSX, NotThisType, detect

ITEM_COLUMNS = [
    ("code", "事项编码"),
    ("name", "事项名称"),
    ("item_type", "事项类型"),
    ("kind", "服务类别"),
    ("department", "实施部门编码"),
    ("promised_days", "承诺时限（工作日）"),
    ("legal_days", "法定时限（工作日）"),
    ("provider_side", "提供方"),
    ("board", "板块"),
    ("automation", "办理方式"),
    ("fee", "收费（元）"),
    ("online", "可网办"),
    ("visits", "到现场次数"),
    ("description", "简介"),
    ("conditions", "受理条件"),
    ("contact_phone", "咨询电话"),
    ("materials", "申请材料（名称|形式|份数|必需|来源；多份用分号分隔）"),
]
BUNDLE_COLUMNS = [
    ("code", "一类事编码"),
    ("name", "名称"),
    ("kind", "类型"),
    ("stage", "生命周期阶段"),
    ("chain", "产业链"),
    ("board", "牵头板块"),
    ("region", "适用区划代码"),
    ("summary", "一句话简介"),
    ("description", "说明"),
    ("order", "顺序"),
    ("published", "发布"),
]
LINK_COLUMNS = [
    ("bundle", "一类事编码"),
    ("item", "事项编码"),
    ("kind", "类别"),
    ("default_selected", "默认勾选"),
    ("order", "顺序"),
    ("requires", "依赖事项编码"),
    ("excludes", "互斥事项编码"),
    ("recommend_industries", "推荐行业代码"),
    ("recommend_sizes", "推荐规模"),
    ("recommend_max_age_years", "推荐成立年限以内"),
]
SHEETS = {
    "事项": ("items", ITEM_COLUMNS),
    "一类事": ("bundles", BUNDLE_COLUMNS),
    "一类事事项": ("bundle_items", LINK_COLUMNS),
}
REQUIRED = {"items": {"code"}, "bundles": {"code"}, "bundle_items": {"bundle", "item"}}
MAX_ROWS = 20000


def read_workbook(data: bytes) -> dict[str, list[dict]]:
    """Rows of each known sheet (``{"items": [...], "bundles": [...], "bundle_items": [...]}``),
    each row a dict of column keys plus ``_row`` (its row number in the sheet). The bytes are checked
    first (portal.uploads: a bounded zip holding a workbook, so a zip bomb is refused without being
    inflated); a cell holding a NUL character is refused (PostgreSQL cannot store it)."""
    try:
        if detect(data) != XLSX:
            raise NotThisType
    except NotThisType:
        raise ActionError(_("文件不是有效的 Excel（.xlsx）文件。")) from None
    try:
        return _read_rows(data)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError, EOFError):
        # SyntaxError: xml.etree's ParseError, raised lazily while rows are read (a NUL byte, a &#0;
        # or any other broken XML in a sheet).
        raise ActionError(_("文件不是有效的 Excel（.xlsx）文件，或其内容已损坏。")) from None


def _read_rows(data: bytes) -> dict[str, list[dict]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    result: dict[str, list[dict]] = {"items": [], "bundles": [], "bundle_items": []}
    found = [name for name in workbook.sheetnames if name in SHEETS]
    if not found:
        raise ActionError(_("没有找到“事项”“一类事”“一类事事项”中的任何一个工作表。"))
    errors = []
    for sheet_name in found:
        key, columns = SHEETS[sheet_name]
        by_label = {label: field for field, label in columns}
        rows = workbook[sheet_name].iter_rows(values_only=True)
        header = next(rows, None) or ()
        positions = {}
        for index, cell in enumerate(header):
            label = str(cell).strip() if cell is not None else ""
            field = by_label.get(label) or (label if label in dict(columns) else None)
            if field:
                positions[field] = index
        missing = [dict(columns)[f] for f in REQUIRED[key] if f not in positions]
        if missing:
            errors.append(_("「%(sheet)s」缺少列：%(cols)s") % {"sheet": sheet_name, "cols": "、".join(missing)})
            continue
        for number, values in enumerate(rows, start=2):
            if number > MAX_ROWS:
                errors.append(_("「%(sheet)s」超过 %(n)d 行，请分批导入。") % {"sheet": sheet_name, "n": MAX_ROWS})
                break
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            row = {field: values[i] if i < len(values) else None for field, i in positions.items()}
            nul = [dict(columns)[f] for f, v in row.items() if isinstance(v, str) and "\x00" in v]
            if nul:
                errors.append(
                    _("「%(sheet)s」第 %(row)d 行的“%(cols)s”含有空字符（NUL），请删除后重新导入。")
                    % {"sheet": sheet_name, "row": number, "cols": "、".join(nul)}
                )
                continue
            row["_row"] = number
            result[key].append(row)
    workbook.close()
    if errors:
        raise ActionError(errors)
    return result


def _label(obj, field) -> str:
    value = getattr(obj, field)
    if not value:
        return ""
    return str(getattr(obj, f"get_{field}_display")())


def write_workbook(*, items, bundles, bundle_items) -> bytes:
    """The catalogue as an .xlsx in the import format (choices written as their Chinese labels, whatever
    the administrator's language: one file format, read back in either language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _write_workbook(items=items, bundles=bundles, bundle_items=bundle_items)


def _write_workbook(*, items, bundles, bundle_items) -> bytes:
    workbook = Workbook()
    bold = Font(bold=True)

    def sheet(title, columns, rows, first=False):
        ws = workbook.active if first else workbook.create_sheet()
        ws.title = title
        ws.append([label for _field, label in columns])
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append(row)
        ws.freeze_panes = "A2"

    sheet(
        "事项",
        ITEM_COLUMNS,
        (
            [
                i.code,
                i.name,
                _label(i, "item_type"),
                _label(i, "kind"),
                i.department.code,
                i.promised_days,
                i.legal_days,
                _label(i, "provider_side"),
                _label(i, "board"),
                _label(i, "automation"),
                float(i.fee) if i.fee != i.fee.to_integral() else int(i.fee or Decimal(0)),
                "是" if i.online else "否",
                i.visits,
                i.description,
                i.conditions,
                i.contact_phone,
                ";".join(
                    f"{m.name}|{m.get_form_display()}|{m.count}|{'是' if m.required else '否'}|{m.source}"
                    for m in i.materials.all()
                ),
            ]
            for i in items
        ),
        first=True,
    )
    sheet(
        "一类事",
        BUNDLE_COLUMNS,
        (
            [
                b.code,
                b.name,
                _label(b, "kind"),
                _label(b, "stage"),
                b.chain,
                _label(b, "board"),
                b.region.code if b.region_id else "",
                b.summary,
                b.description,
                b.order,
                "是" if b.published else "否",
            ]
            for b in bundles
        ),
    )
    sheet(
        "一类事事项",
        LINK_COLUMNS,
        (
            [
                bi.bundle.code,
                bi.service.code,
                _label(bi, "kind"),
                "是" if bi.default_selected else "否",
                bi.order,
                ",".join(r.service.code for r in bi.requires.all()),
                ",".join(x.service.code for x in bi.excludes.all()),
                bi.recommend_industries,
                bi.recommend_sizes,
                bi.recommend_max_age_years,
            ]
            for bi in bundle_items
        ),
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
