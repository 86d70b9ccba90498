"""Writes of background 台账 exports (:class:`~insights.models.LedgerExport`).

A job moves queued → running → done (→ expired once the retention period has passed) or → failed,
through one transition table and one transition function (DESIGN.md rule 3): a conditional UPDATE on
status and version, then the audit row. The worker (``insights.tasks.run_ledger_export``) claims a
job with :func:`ledger_export_start`, writes the file outside any transaction (a 100k-row export
must not hold SQLite's write lock or a long PostgreSQL transaction), then records the result with
:func:`ledger_export_finish` or :func:`ledger_export_fail`.

A worker that dies leaves its job "running". Once ``LEDGER_EXPORT_TIMEOUT`` has passed (django-q2
kills a run then, so nothing can still be working on it) the job may be claimed again; after
:data:`LEDGER_EXPORT_MAX_ATTEMPTS` claims it fails for good, so a crash can never retry forever.
"""

import datetime as dt
import logging
from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from portal.audit import audit_record
from portal.exceptions import ActionError, PermissionDeniedError, TransitionNotAllowed
from portal.notifications import notify
from portal.permissions import is_portal_staff, is_supervisor
from portal.statemachine import apply_transition

from ..choices import LedgerExportStatus, LedgerKind
from ..models import LedgerExport
from ..storage import ledger_export_storage

logger = logging.getLogger(__name__)

S = LedgerExportStatus
LEDGER_EXPORT_MOVES: dict[str, tuple[frozenset[str], str]] = {
    # running → running only when the run has outlived LEDGER_EXPORT_TIMEOUT (a crashed worker)
    "started": (frozenset({S.QUEUED, S.RUNNING}), S.RUNNING),
    "finished": (frozenset({S.RUNNING}), S.DONE),
    "failed": (frozenset({S.QUEUED, S.RUNNING}), S.FAILED),
    "expired": (frozenset({S.DONE}), S.EXPIRED),
}
PENDING = frozenset({S.QUEUED, S.RUNNING})
LEDGER_EXPORT_MAX_ATTEMPTS = 3
TASK = "insights.tasks.run_ledger_export"


def _now(now):
    return now or timezone.now()


def _transition(job: LedgerExport, event: str, *, actor=None, changes: Mapping | None = None, data=None):
    """The one transition function of export jobs: checks the move, updates the row only if nobody
    changed it since it was read (``ConcurrentUpdate`` otherwise), writes the audit row."""
    allowed_from, to_status = LEDGER_EXPORT_MOVES[event]
    return apply_transition(
        job,
        to_status=to_status,
        allowed_from=allowed_from,
        actor=actor,
        action=f"insights.ledgerexport.{event}",
        changes=changes,
        data=data,
    )


def _stale_before(now: dt.datetime) -> dt.datetime:
    """A run started before this cannot still be running: django-q2 has killed it (plus a minute)."""
    return now - dt.timedelta(seconds=settings.LEDGER_EXPORT_TIMEOUT + 60)


def enqueue(job_id: int) -> None:
    """Hand the job to a worker after commit. ``robust``: a broker outage must not turn the request
    into an error page; the scheduled sweep enqueues jobs left queued."""
    transaction.on_commit(
        lambda: async_task(TASK, job_id, timeout=settings.LEDGER_EXPORT_TIMEOUT, task_name=f"ledger-export-{job_id}"),
        robust=True,
    )


@transaction.atomic
def ledger_export_request(
    *,
    actor,
    ledger: str,
    filters: Mapping,
    period_label: str,
    description: str,
    unmask: bool = False,
    row_count: int | None = None,
    query: str = "",
    now=None,
) -> tuple[LedgerExport, bool]:
    """Queue a background export of a ledger for ``actor``; returns ``(job, created)``.

    ``filters`` are the ledger's filters as data (``{"period": "2026-03"}`` or ``{"start", "end"}``
    plus ``department``/``region`` ids and ``metric``); the worker applies them again with the
    requester's permissions. Asking again for the same export while it is still queued or running
    returns that job instead of writing the file twice. Unmasked exports (supervisors and
    administrators only) are audited as ``insights.ledger.unmasked_export``, like immediate ones.
    """
    if not is_portal_staff(actor):
        raise PermissionDeniedError()
    if unmask and not is_supervisor(actor):
        raise PermissionDeniedError(_("只有督办人员和管理员可以导出完整联系方式。"))
    if ledger not in LedgerKind.values:
        raise ActionError({"ledger": _("台账类型无效。")})
    filters = dict(filters)
    existing = (
        LedgerExport.objects.filter(
            requested_by=actor, ledger=ledger, unmasked=unmask, status__in=PENDING, filters=filters
        )
        .order_by("-created_at")
        .first()
    )
    if existing is not None:
        return existing, False
    job = LedgerExport(
        ledger=ledger,
        requested_by=actor,
        filters=filters,
        period_label=period_label,
        description=description[:200],
        unmasked=unmask,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        row_count=row_count,
        created_at=_now(now),
    )
    job.full_clean()
    job.save()
    audit_record(
        actor=actor,
        action="insights.ledgerexport.requested",
        target=job,
        data={"ledger": ledger, "filters": filters, "unmasked": unmask, "rows": row_count},
    )
    if unmask:
        audit_record(
            actor=actor,
            action="insights.ledger.unmasked_export",
            data={"period": period_label, "ledger": ledger, "query": query, "export": job.pk},
        )
    enqueue(job.pk)
    return job, True


@transaction.atomic
def ledger_export_start(*, job_id: int, now=None) -> LedgerExport | None:
    """Claim a job for one run; returns it, or None when there is nothing to do: the job is gone,
    finished, failed, expired, or running elsewhere (not yet stale) — so a task delivered twice
    writes nothing twice. A job already claimed ``LEDGER_EXPORT_MAX_ATTEMPTS`` times fails here."""
    now = _now(now)
    job = LedgerExport.objects.filter(pk=job_id).first()
    if job is None or job.status not in PENDING:
        return None
    if job.status == S.RUNNING and job.started_at and job.started_at >= _stale_before(now):
        return None
    try:
        if job.attempts >= LEDGER_EXPORT_MAX_ATTEMPTS:
            with translation.override(job.language or settings.LANGUAGE_CODE):
                message = _("导出多次中断（已尝试 %(n)d 次），不再重试。请缩小范围后重新导出。") % {"n": job.attempts}
            _fail(job, message, now=now)
            return None
        _transition(
            job,
            "started",
            changes={"attempts": job.attempts + 1, "started_at": now, "error": ""},
            data={"attempt": job.attempts + 1},
        )
    except TransitionNotAllowed:  # ConcurrentUpdate included: another worker claimed it first
        return None
    return job


@transaction.atomic
def ledger_export_finish(*, job: LedgerExport, file_name: str, row_count: int, now=None) -> LedgerExport:
    """Record the written file and tell the requester. If the job was changed meanwhile (failed by
    the sweep, claimed by a second run), the file is deleted and the job left as it is."""
    now = _now(now)
    try:
        _transition(
            job,
            "finished",
            changes={"file": file_name, "row_count": row_count, "finished_at": now},
            data={"rows": row_count},
        )
    except TransitionNotAllowed:
        transaction.on_commit(lambda: ledger_export_storage().delete(file_name))
        job.refresh_from_db()
        return job
    with translation.override(job.language or settings.LANGUAGE_CODE):
        notify(
            recipients=[job.requested_by],
            kind="insights.ledger_export.done",
            title=_("台账导出已完成：%(name)s，共 %(n)d 行") % {"name": str(job), "n": row_count},
            body=_("文件保留 %(days)d 天，请在「我的导出」中下载。") % {"days": settings.LEDGER_EXPORT_RETENTION_DAYS},
            url=reverse("insights:my_exports"),
        )
    return job


@transaction.atomic
def ledger_export_fail(*, job: LedgerExport, error: str, now=None) -> LedgerExport:
    """End a job as failed with ``error`` (a message for the requester) and tell the requester."""
    try:
        _fail(job, error, now=_now(now))
    except TransitionNotAllowed:
        job.refresh_from_db()
    return job


def _fail(job: LedgerExport, error: str, *, now) -> None:
    name = job.file.name if job.file else ""
    _transition(job, "failed", changes={"error": error[:2000], "finished_at": now, "file": ""}, data={"error": error})
    if name:
        transaction.on_commit(lambda: ledger_export_storage().delete(name))
    with translation.override(job.language or settings.LANGUAGE_CODE):
        notify(
            recipients=[job.requested_by],
            kind="insights.ledger_export.failed",
            title=_("台账导出失败：%(name)s") % {"name": str(job)},
            body=error,
            url=reverse("insights:my_exports"),
        )


def ledger_export_expire_old(*, now=None, limit: int = 500) -> int:
    """Delete the files of finished jobs older than ``LEDGER_EXPORT_RETENTION_DAYS`` and mark the
    jobs expired (each in its own transaction; a file is deleted only after its job's change has
    committed). Also deletes files left in the storage by a run that died between writing the file
    and recording it. Returns the number of jobs expired."""
    now = _now(now)
    cutoff = now - dt.timedelta(days=settings.LEDGER_EXPORT_RETENTION_DAYS)
    expired = 0
    for job in LedgerExport.objects.filter(status=S.DONE, finished_at__lt=cutoff).order_by("id")[:limit]:
        name = job.file.name
        with transaction.atomic():
            try:
                _transition(job, "expired", changes={"file": ""}, data={"file": name})
            except TransitionNotAllowed:
                continue
            if name:
                transaction.on_commit(lambda name=name: ledger_export_storage().delete(name))
        expired += 1
    _delete_orphans(cutoff)
    return expired


def _delete_orphans(cutoff: dt.datetime) -> None:
    storage = ledger_export_storage()
    kept = set(
        LedgerExport.objects.filter(status__in=[S.DONE, *PENDING]).exclude(file="").values_list("file", flat=True)
    )

    def walk(folder: str):
        try:
            folders, files = storage.listdir(folder)
        except FileNotFoundError:
            return
        for name in files:
            yield f"{folder}/{name}" if folder else name
        for sub in folders:
            yield from walk(f"{folder}/{sub}" if folder else sub)

    for name in walk(""):
        if name not in kept and storage.get_modified_time(name) < cutoff:
            storage.delete(name)
            logger.info("deleted orphan ledger export file %s", name)


def ledger_exports_to_resume(*, now=None) -> list[int]:
    """Ids of jobs a worker should look at again: queued for more than ten minutes (the broker lost
    or never got the task) or running past the timeout (the worker died). Running them again is
    safe: :func:`ledger_export_start` claims each job once and counts the attempts."""
    now = _now(now)
    stuck = LedgerExport.objects.filter(status=S.QUEUED, created_at__lt=now - dt.timedelta(minutes=10)) | (
        LedgerExport.objects.filter(status=S.RUNNING, started_at__lt=_stale_before(now))
    )
    return list(stuck.order_by("id").values_list("id", flat=True)[:100])
