"""Streaming Excel (.xlsx) ledgers (台账): openpyxl's write-only mode writes each row straight to a
temporary file, which is then streamed to the browser with ``FileResponse`` and deleted when the
response is closed. Rows come from ``QuerySet.iterator()``, so memory stays flat at 100k rows.

Personal data (contact names and phones) is masked unless the caller passes ``unmask=True`` — which
views allow only to supervisors and administrators, and record in the audit log.
"""

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from portal.masking import mask_name, mask_phone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_xlsx(target, *, sheet_title: str, header: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Write one sheet to ``target`` (a path or a binary file object); returns the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)
    header_cells = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=str(value))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append([_cell(value) for value in row])
        count += 1
    workbook.save(target)
    return count


def _cell(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return value


def xlsx_response(*, filename: str, sheet_title: str, header: Sequence[str], rows: Iterable[Sequence]) -> FileResponse:
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes (and so deletes) it
    write_xlsx(handle, sheet_title=sheet_title, header=header, rows=rows)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


ISSUE_HEADER = (
    gettext_lazy("编号"),
    gettext_lazy("登记时间"),
    gettext_lazy("企业名称"),
    gettext_lazy("统一社会信用代码"),
    gettext_lazy("联系人"),
    gettext_lazy("联系电话"),
    gettext_lazy("受理渠道"),
    gettext_lazy("问题分类"),
    gettext_lazy("标题"),
    gettext_lazy("状态"),
    gettext_lazy("牵头部门"),
    gettext_lazy("首次交办"),
    gettext_lazy("答复期限"),
    gettext_lazy("答复时间"),
    gettext_lazy("按时签收"),
    gettext_lazy("按时答复"),
    gettext_lazy("退回次数"),
    gettext_lazy("延期次数"),
    gettext_lazy("重办次数"),
    gettext_lazy("评价"),
    gettext_lazy("办结时间"),
    gettext_lazy("共性问题"),
)


def issue_ledger_source(queryset):
    """What ``issue_rows`` reads: the queryset in chunks (``iterator``), one query per chunk."""
    qs = queryset.select_related("enterprise", "channel", "category", "lead_department", "common_link__common_issue")
    return qs.iterator(chunk_size=2000)


def issue_rows(queryset, *, unmask: bool = False):
    """Ledger rows of problems; the queryset is read in chunks (``iterator``), one query per chunk."""
    for issue in issue_ledger_source(queryset):
        link = getattr(issue, "common_link", None)
        yield (
            issue.reference,
            issue.registered_at,
            issue.enterprise.name,
            issue.enterprise.uscc,
            issue.contact_name if unmask else mask_name(issue.contact_name),
            issue.contact_phone if unmask else mask_phone(issue.contact_phone),
            issue.channel.name,
            issue.category.name,
            issue.title,
            issue.get_status_display(),
            issue.lead_department.name if issue.lead_department else "",
            issue.first_dispatched_at,
            issue.reply_due,
            issue.replied_at,
            issue.accepted_on_time,
            issue.replied_on_time,
            issue.returns_count,
            issue.extensions_count,
            issue.reopen_count,
            issue.rating,
            issue.closed_at,
            link.common_issue.reference if link else "",
        )


RANKING_HEADER = (
    gettext_lazy("排名"),
    gettext_lazy("上期排名"),
    gettext_lazy("名称"),
    gettext_lazy("受理问题"),
    gettext_lazy("按时签收率"),
    gettext_lazy("按时答复率"),
    gettext_lazy("办结率"),
    gettext_lazy("回访率"),
    gettext_lazy("满意率"),
    gettext_lazy("平均评分"),
    gettext_lazy("平均答复工作日"),
    gettext_lazy("平均办结工作日"),
    gettext_lazy("重办率"),
    gettext_lazy("退回"),
    gettext_lazy("延期"),
    gettext_lazy("综合得分"),
    gettext_lazy("连续两期末位"),
)


def _pct(value):
    return "" if value is None else round(value * 100, 1)


def ranking_rows(result):
    for row in result.rows:
        yield (
            row.rank,
            row.previous_rank,
            row.name,
            row.received,
            _pct(row.on_time_accept_rate),
            _pct(row.on_time_reply_rate),
            _pct(row.closure_rate),
            _pct(row.follow_up_rate),
            _pct(row.satisfaction_rate),
            "" if row.mean_rating is None else round(row.mean_rating, 2),
            row.mean_days_to_reply,
            row.mean_days_to_close,
            _pct(row.reopen_rate),
            row.returns,
            row.extensions,
            row.score if row.rank else "",
            row.last_twice,
        )


APPLICATION_HEADER = (
    gettext_lazy("申请编号"),
    gettext_lazy("提交时间"),
    gettext_lazy("企业名称"),
    gettext_lazy("统一社会信用代码"),
    gettext_lazy("一类事"),
    gettext_lazy("渠道"),
    gettext_lazy("窗口代办"),
    gettext_lazy("状态"),
    gettext_lazy("联系人"),
    gettext_lazy("联系电话"),
)


def application_rows(queryset, *, unmask: bool = False):
    """Ledger rows of the services app's applications (written against its model's documented fields;
    used only when that model exists)."""
    for application in queryset.select_related("enterprise", "bundle").iterator(chunk_size=2000):
        yield (
            application.reference,
            application.submitted_at,
            application.enterprise.name,
            application.enterprise.uscc,
            str(application.bundle),
            application.get_channel_display(),
            application.on_behalf,
            application.get_status_display(),
            application.contact_name if unmask else mask_name(application.contact_name),
            application.contact_phone if unmask else mask_phone(application.contact_phone),
        )
