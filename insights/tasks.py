"""Background tasks of this app (django-q2). ``SCHEDULES`` lists periodic ones for setup_schedules.

Tasks take ids, re-fetch and call :mod:`insights.actions`; each is safe to run twice.
"""

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

logger = logging.getLogger(__name__)


def run_ledger_export(job_id: int) -> str:
    """Write one background ledger export: claim the job, write the xlsx into private storage
    (outside any transaction), record it and tell the requester.

    Returns ``skipped`` when there is nothing to do (already done, failed, expired or running
    elsewhere), so a task delivered twice changes nothing. An error ends the job as failed and the
    task itself succeeds, so django-q2 does not deliver it again and again.
    """
    from insights import actions, exports

    job = actions.ledger_export_start(job_id=job_id)
    if job is None:
        return "skipped"
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            file_name, row_count = exports.write_ledger_export(job)
    except Exception:
        logger.exception("ledger export %s failed", job_id)
        with translation.override(job.language or settings.LANGUAGE_CODE):
            message = _("生成文件时出错，请稍后重新导出；如仍失败，请联系管理员（导出编号 %(id)s）。") % {"id": job.pk}
        actions.ledger_export_fail(job=job, error=message)
        return "failed"
    job = actions.ledger_export_finish(job=job, file_name=file_name, row_count=row_count)
    return str(job.status)


def sweep_ledger_exports() -> dict[str, int]:
    """Scheduled: delete the files of exports older than the retention period (the jobs show as
    expired), and hand jobs that were never picked up or whose worker died to a worker again."""
    from insights import actions

    expired = actions.ledger_export_expire_old()
    resumed = actions.ledger_exports_to_resume()
    for job_id in resumed:
        async_task(
            "insights.tasks.run_ledger_export",
            job_id,
            timeout=settings.LEDGER_EXPORT_TIMEOUT,
            task_name=f"ledger-export-{job_id}",
        )
    return {"expired": expired, "resumed": len(resumed)}


def index_issue(issue_id: int) -> str:
    """Index one problem's text for the similar-problem search (queued after its save commits).
    Re-reads the problem; idempotent (the same text changes nothing); a deleted problem is unindexed."""
    from insights import similarity
    from insights.signals import issue_text
    from issues.models import Issue

    issue = Issue.objects.filter(pk=issue_id).only("title", "description").first()
    if issue is None:
        similarity.remove_document(issue_id=issue_id)
        return "removed"
    similarity.index_document(issue_id=issue_id, text=issue_text(issue))
    return "indexed"


def index_missing(*, hours: int = 48) -> int:
    """Scheduled: index the problems registered in the last ``hours`` that have no index entry yet
    (their task was lost: a broker outage, a worker killed). Returns how many were indexed."""
    from issues.models import Issue

    since = timezone.now() - dt.timedelta(hours=hours)
    missing = list(
        Issue.objects.filter(registered_at__gte=since, search_doc__isnull=True).values_list("pk", flat=True)[:5000]
    )
    for issue_id in missing:
        index_issue(issue_id)
    return len(missing)


def fold_term_changes() -> int:
    """Scheduled every minute: add the pending document-frequency changes into ``TermStat``."""
    from insights import similarity

    return similarity.fold_term_changes()


def refresh_ranking_rollups() -> dict:
    """Scheduled every 5 minutes: recount the 晾晒 rollup's days touched since the watermark."""
    from insights import rollups

    return rollups.refresh()


def rebuild_ranking_rollups() -> dict:
    """Scheduled nightly: rebuild the 晾晒 rollup from the raw rows (whatever a refresh could miss)."""
    from insights import rollups

    return rollups.refresh(rebuild=True)


SCHEDULES: list[dict] = [
    {
        "name": "insights.sweep_ledger_exports",
        "func": "insights.tasks.sweep_ledger_exports",
        "schedule_type": "I",
        "minutes": 15,
    },
    {
        "name": "insights.fold_term_changes",
        "func": "insights.tasks.fold_term_changes",
        "schedule_type": "I",
        "minutes": 1,
    },
    {
        "name": "insights.index_missing",
        "func": "insights.tasks.index_missing",
        "schedule_type": "I",
        "minutes": 10,
    },
    {
        "name": "insights.refresh_ranking_rollups",
        "func": "insights.tasks.refresh_ranking_rollups",
        "schedule_type": "I",
        "minutes": 5,
    },
    {
        "name": "insights.rebuild_ranking_rollups",
        "func": "insights.tasks.rebuild_ranking_rollups",
        "schedule_type": "D",
    },
]
