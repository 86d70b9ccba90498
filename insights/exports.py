"""Excel (.xlsx) ledgers (台账): openpyxl's write-only mode writes each row straight to a temporary
file. A small ledger is then streamed to the browser with ``FileResponse`` (and deleted when the
response is closed); a large one (more rows than ``settings.LEDGER_EXPORT_ASYNC_ROWS``) is written by
a django-q2 worker into private storage (:func:`write_ledger_export`). Rows come from
``values_list(...).iterator()``, so memory stays flat at 100k rows.

Personal data (contact names and phones) is masked unless the caller passes ``unmask=True`` — which
views allow only to supervisors and administrators, and record in the audit log.
"""

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence

from django.core.files import File
from django.db.models import BooleanField, ExpressionWrapper
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from portal.masking import mask_name, mask_phone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A text cell starting with one of these is taken as a formula by Excel (or by LibreOffice after a CSV
# round trip): a problem title "=HYPERLINK(…)" became a live link in the clerk's 台账 (issue 12).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
    cell_value = _cell_converter()
    append = sheet.append
    count = 0
    for row in rows:
        append([cell_value(value) for value in row])
        count += 1
    workbook.save(target)
    return count


def _cell_converter():
    """The function that turns one value into what openpyxl writes: aware datetimes in local time
    without tzinfo (Excel has none), booleans as 是/否, empty values as no cell at all (which reads
    back exactly like the empty string written before), text that would start a formula behind an
    apostrophe (OWASP's advice: shown as text, never evaluated). The time zone and the two words are
    looked up once per sheet instead of once per cell."""
    zone = timezone.get_current_timezone()
    yes, no = _("是"), _("否")

    def convert(value):
        kind = type(value)
        if kind is str:
            if value and value.startswith(FORMULA_START):
                return "'" + value
            return value or None
        if kind is int or value is None:
            return value
        if kind is bool:
            return yes if value else no
        if isinstance(value, dt.datetime):
            return value.astimezone(zone).replace(tzinfo=None) if value.tzinfo is not None else value
        return value

    return convert


def ledger_sheet(ledger: str, queryset, *, unmask: bool = False) -> tuple[str, Sequence[str], Iterable[Sequence]]:
    """Sheet title, header and rows of one ledger (``LedgerKind``) read from ``queryset``."""
    from .choices import LedgerKind

    if ledger == LedgerKind.ISSUES:
        return _("涉企问题台账"), ISSUE_HEADER, issue_rows(queryset, unmask=unmask)
    return _("一类事申请台账"), APPLICATION_HEADER, application_rows(queryset, unmask=unmask)


def write_ledger_export(job) -> tuple[str, int]:
    """Write a background export job's ledger into its private storage; returns the stored file's
    name and the row count. The rows are those the requester would download right now with the
    same filters (their permissions, the job's masking)."""
    from portal.exceptions import PermissionDeniedError
    from portal.permissions import is_portal_staff

    from . import selectors
    from .storage import ledger_export_storage

    user = job.requested_by
    if not is_portal_staff(user):
        raise PermissionDeniedError()
    queryset = selectors.ledger_queryset(ledger=job.ledger, user=user, **selectors.ledger_filter_values(job.filters))
    if queryset is None:
        raise LookupError("the services app has no application model")
    sheet_title, header, rows = ledger_sheet(job.ledger, queryset, unmask=job.unmasked)
    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        count = write_xlsx(handle, sheet_title=sheet_title, header=header, rows=rows)
        handle.seek(0)
        name = ledger_export_storage().save(
            f"{timezone.localdate():%Y/%m}/{job.ledger}-{job.period_label}-{job.pk}.xlsx", File(handle)
        )
    return name, count


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
    gettext_lazy("当前超期"),
    gettext_lazy("曾超期"),
)


# The columns of ISSUE_HEADER, read with ``values_list``: one query per chunk of 2,000 rows, no model
# objects, no per-row queries, and no description or reply texts fetched only to be thrown away.
ISSUE_COLUMNS = (
    "reference",
    "registered_at",
    "enterprise__name",
    "enterprise__uscc",
    "contact_name",
    "contact_phone",
    "channel__name",
    "category__name",
    "title",
    "status",
    "lead_department__name",
    "first_dispatched_at",
    "reply_due",
    "replied_at",
    "accepted_on_time",
    "replied_on_time",
    "returns_count",
    "extensions_count",
    "reopen_count",
    "rating",
    "closed_at",
    "common_link__common_issue__reference",
    "overdue_now",
    "was_overdue",
)
_CONTACT_NAME, _CONTACT_PHONE, _STATUS = 4, 5, 9


def issue_ledger_source(queryset):
    """What ``issue_rows`` reads: the ledger columns in chunks (``iterator``), one query per chunk."""
    from issues.models import ever_overdue_condition, overdue_condition

    return (
        queryset.annotate(
            # derived from the deadlines when read, as on the pages (never the sweep's record alone)
            overdue_now=ExpressionWrapper(overdue_condition(), output_field=BooleanField()),
            was_overdue=ExpressionWrapper(ever_overdue_condition(), output_field=BooleanField()),
        )
        .values_list(*ISSUE_COLUMNS)
        .iterator(chunk_size=2000)
    )


def _labels(choices) -> dict:
    """value → label of a choices class in the active language, built once per export (a model's
    ``get_FOO_display()`` rebuilds and re-translates the whole choices list on every call)."""
    return {value: str(label) for value, label in choices.choices}


def issue_rows(queryset, *, unmask: bool = False):
    """Ledger rows of problems (ISSUE_HEADER's columns, contacts masked unless ``unmask``)."""
    from issues.choices import IssueStatus

    status_label = _labels(IssueStatus)
    for values in issue_ledger_source(queryset):
        row = list(values)
        if not unmask:
            row[_CONTACT_NAME] = mask_name(row[_CONTACT_NAME])
            row[_CONTACT_PHONE] = mask_phone(row[_CONTACT_PHONE])
        status = row[_STATUS]
        row[_STATUS] = status_label.get(status, status)
        yield row


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
    gettext_lazy("企业评价数"),
    gettext_lazy("回访满意率（工作人员记录）"),
    gettext_lazy("回访满意度记录数"),
    gettext_lazy("平均答复工作日"),
    gettext_lazy("平均办结工作日"),
    gettext_lazy("重办率"),
    gettext_lazy("退回"),
    gettext_lazy("延期"),
    gettext_lazy("综合得分"),
    gettext_lazy("连续两期末位"),
    gettext_lazy("样本不足"),
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
            row.ratings_count,
            _pct(row.follow_up_satisfaction_rate),
            row.follow_up_ratings_count,
            row.mean_days_to_reply,
            row.mean_days_to_close,
            _pct(row.reopen_rate),
            row.returns,
            row.extensions,
            row.score,
            row.last_twice,
            row.insufficient_sample,
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
    """Ledger rows of the services app's applications (APPLICATION_HEADER's columns, contacts masked
    unless ``unmask``), read like ``issue_rows``: ``values_list`` in chunks, labels looked up once."""
    from services.choices import ApplicationStatus, Channel

    status_label, channel_label = _labels(ApplicationStatus), _labels(Channel)
    columns = (
        "reference",
        "submitted_at",
        "enterprise__name",
        "enterprise__uscc",
        "bundle__name",
        "channel",
        "on_behalf",
        "status",
        "contact_name",
        "contact_phone",
    )
    for reference, submitted_at, name, uscc, bundle, channel, on_behalf, status, contact, phone in queryset.values_list(
        *columns
    ).iterator(chunk_size=2000):
        yield (
            reference,
            submitted_at,
            name,
            uscc,
            bundle,
            channel_label.get(channel, channel),
            on_behalf,
            status_label.get(status, status),
            contact if unmask else mask_name(contact),
            phone if unmask else mask_phone(phone),
        )
