"""Keep the similar-problem index in step with problems (the issues app does not know about us).

A problem's title or description is written by ``issues.actions`` with ``save()``; state moves use
conditional UPDATEs (no signal) and never touch the text, so they cost nothing here. Indexing is not
done in the saving transaction: once it commits, ``insights.tasks.index_issue`` runs on the worker
(tokenising and the index rows are off the request path, and a save never waits on them). A problem
is searchable a moment after it is saved; if the broker was down, the scheduled
``insights.tasks.index_missing`` catches up.
"""

import logging

from django.db import transaction
from django.db.models.signals import post_save, pre_delete

from insights.similarity import remove_document

logger = logging.getLogger(__name__)

TEXT_FIELDS = frozenset({"title", "description"})


def issue_text(issue) -> str:
    return f"{issue.title}\n{issue.description}"


def enqueue_indexing(issue_id: int) -> None:
    """Queue the indexing of one problem (after commit). A broker outage must not turn a saved
    problem into an error page: the scheduled catch-up indexes what was missed."""
    from django_q.tasks import async_task

    try:
        async_task("insights.tasks.index_issue", issue_id, task_name=f"index-issue-{issue_id}")
    except Exception:
        logger.exception("could not queue the indexing of problem %s", issue_id)


def on_issue_saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    if update_fields is not None and not (set(update_fields) & TEXT_FIELDS):
        return
    issue_id = instance.pk
    transaction.on_commit(lambda: enqueue_indexing(issue_id))


def on_issue_deleted(sender, instance, **kwargs):
    remove_document(issue_id=instance.pk)


def connect() -> None:
    from issues.models import Issue

    post_save.connect(on_issue_saved, sender=Issue, dispatch_uid="insights.index_issue")
    pre_delete.connect(on_issue_deleted, sender=Issue, dispatch_uid="insights.unindex_issue")
