"""Keep the similar-problem index in step with problems (the issues app does not know about us).

A problem's title or description is written by ``issues.actions`` with ``save()``; state moves use
conditional UPDATEs (no signal) and never touch the text, so they cost nothing here. The index row is
written in the same transaction as the problem, so a committed problem is always searchable.
"""

from django.db.models.signals import post_save, pre_delete

from insights.similarity import index_document, remove_document

TEXT_FIELDS = frozenset({"title", "description"})


def issue_text(issue) -> str:
    return f"{issue.title}\n{issue.description}"


def on_issue_saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    if update_fields is not None and not (set(update_fields) & TEXT_FIELDS):
        return
    index_document(issue_id=instance.pk, text=issue_text(instance))


def on_issue_deleted(sender, instance, **kwargs):
    remove_document(issue_id=instance.pk)


def connect() -> None:
    from issues.models import Issue

    post_save.connect(on_issue_saved, sender=Issue, dispatch_uid="insights.index_issue")
    pre_delete.connect(on_issue_deleted, sender=Issue, dispatch_uid="insights.unindex_issue")
