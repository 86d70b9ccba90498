"""Automatic value-added items (证照到期提醒, 年报提醒): idempotent reminders."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.notifications import notify

from ..choices import Automation, TaskStatus
from ..models import ApplicationItem, Reminder
from .applications import _members_of

# --- Automatic value-added items ------------------------------------------------------------

LICENSE_REMINDER_DAYS = 30
ANNUAL_REPORT_DEADLINE = (6, 30)
ANNUAL_REPORT_WINDOW_DAYS = 30


def _subscribed_tasks(automation: str):
    return (
        ApplicationItem.objects.filter(service__automation=automation, status=TaskStatus.DONE)
        .select_related("application")
        .order_by("application__enterprise_id", "id")
    )


@transaction.atomic
def reminder_send(*, enterprise_id: int, kind: str, subject: str, due_on: dt.date, title: str, task=None) -> bool:
    """Record and send one reminder unless it was already sent (idempotent by subject)."""
    if Reminder.objects.filter(enterprise_id=enterprise_id, kind=kind, subject=subject).exists():
        return False
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                enterprise_id=enterprise_id, kind=kind, subject=subject, due_on=due_on, task=task
            )
    except IntegrityError:
        return False
    audit_record(actor=None, action="services.reminder.sent", target=reminder, data={"subject": subject})
    notify(recipients=_members_of(enterprise_id), kind=f"services.reminder.{kind}", title=title, url="/my/enterprises/")
    return True


def reminders_license_expiry(*, today: dt.date | None = None) -> int:
    """证照到期提醒: licences expiring within 30 days, for enterprises that ticked the item."""
    from portal.models import EnterpriseLicense

    today = today or timezone.localdate()
    tasks = {}
    for task in _subscribed_tasks(Automation.LICENSE_EXPIRY):
        tasks.setdefault(task.application.enterprise_id, task)
    sent = 0
    licenses = EnterpriseLicense.objects.filter(
        enterprise_id__in=list(tasks),
        expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=LICENSE_REMINDER_DAYS),
    ).order_by("id")
    for lic in licenses:
        sent += reminder_send(
            enterprise_id=lic.enterprise_id,
            kind=Automation.LICENSE_EXPIRY,
            subject=f"license:{lic.pk}:{lic.expires_on.isoformat()}",
            due_on=lic.expires_on,
            title=_("证照到期提醒：「%(name)s」将于 %(date)s 到期，请及时办理延续。")
            % {"name": lic.name, "date": lic.expires_on.isoformat()},
            task=tasks[lic.enterprise_id],
        )
    return sent


def reminders_annual_report(*, today: dt.date | None = None) -> int:
    """年报提醒: within 30 days before 30 June, once a year, for enterprises that ticked the item."""
    today = today or timezone.localdate()
    deadline = dt.date(today.year, *ANNUAL_REPORT_DEADLINE)
    if not 0 <= (deadline - today).days <= ANNUAL_REPORT_WINDOW_DAYS:
        return 0
    tasks = {}
    for task in _subscribed_tasks(Automation.ANNUAL_REPORT):
        tasks.setdefault(task.application.enterprise_id, task)
    sent = 0
    for enterprise_id, task in tasks.items():
        sent += reminder_send(
            enterprise_id=enterprise_id,
            kind=Automation.ANNUAL_REPORT,
            subject=f"annual:{today.year}",
            due_on=deadline,
            title=_("年报提醒：请于 %(date)s 前通过国家企业信用信息公示系统报送 %(year)s 年度报告。")
            % {"date": deadline.isoformat(), "year": today.year - 1},
            task=task,
        )
    return sent
