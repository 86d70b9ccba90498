"""Receivers of core signals: an enterprise's facts changed → re-check 免申即享 policies for it."""

from django.dispatch import receiver
from django_q.tasks import async_task

from portal.signals import enterprise_facts_changed


@receiver(enterprise_facts_changed, dispatch_uid="policies.enterprise_facts_changed")
def on_enterprise_facts_changed(sender, enterprise_id: int, **kwargs) -> None:
    # The signal is sent after commit, so the task sees the new facts.
    async_task("policies.tasks.push_enterprise", enterprise_id)
