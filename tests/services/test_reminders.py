"""Automatic value-added items: 证照到期提醒 and 年报提醒 as idempotent scheduled tasks."""

import datetime as dt

import pytest

from portal.models import EnterpriseLicense, Notification
from services import actions, tasks
from services.choices import Automation
from services.models import Reminder
from tests.services.factories import BundleItemFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed(opening, submit, department):
    """The enterprise ticked 证照到期提醒 and 年报提醒."""
    annual = BundleItemFactory(
        bundle=opening.bundle,
        service=ServiceItemFactory(
            name="年报提醒", department=department, kind="value_added", automation=Automation.ANNUAL_REPORT
        ),
        kind="value_added",
    )
    return submit(selected_ids=[*opening.basic_ids, opening.reminder.pk, annual.pk])


def test_license_expiry_reminder_is_sent_once(subscribed, enterprise, other_enterprise, member):
    today = dt.date(2026, 12, 1)
    EnterpriseLicense.objects.create(enterprise=enterprise, name="化妆品生产许可证", expires_on=dt.date(2026, 12, 20))
    EnterpriseLicense.objects.create(enterprise=enterprise, name="食品经营许可证", expires_on=dt.date(2027, 6, 1))
    EnterpriseLicense.objects.create(enterprise=other_enterprise, name="未订阅", expires_on=dt.date(2026, 12, 10))
    # when the scheduled task runs twice (django-q2 may deliver twice)
    assert actions.reminders_license_expiry(today=today) == 1
    assert actions.reminders_license_expiry(today=today) == 0
    # then exactly one reminder, for the licence within 30 days, of the subscribed enterprise
    reminder = Reminder.objects.get()
    assert reminder.enterprise == enterprise and reminder.due_on == dt.date(2026, 12, 20)
    notes = Notification.objects.filter(kind="services.reminder.license_expiry", recipient=member)
    assert notes.count() >= 1 and "化妆品生产许可证" in notes.first().title
    assert len({n.channel for n in notes}) == notes.count()


def test_a_renewed_licence_is_reminded_again(subscribed, enterprise):
    licence = EnterpriseLicense.objects.create(enterprise=enterprise, name="许可证", expires_on=dt.date(2026, 12, 20))
    assert actions.reminders_license_expiry(today=dt.date(2026, 12, 1)) == 1
    licence.expires_on = dt.date(2031, 12, 20)
    licence.save()
    assert actions.reminders_license_expiry(today=dt.date(2031, 12, 1)) == 1


def test_annual_report_reminder_in_june_only_once_a_year(subscribed):
    assert actions.reminders_annual_report(today=dt.date(2026, 3, 1)) == 0
    assert actions.reminders_annual_report(today=dt.date(2026, 6, 10)) == 1
    assert actions.reminders_annual_report(today=dt.date(2026, 6, 20)) == 0
    assert actions.reminders_annual_report(today=dt.date(2027, 6, 10)) == 1


def test_without_the_item_nothing_is_sent(submit, enterprise):
    submit()
    EnterpriseLicense.objects.create(enterprise=enterprise, name="许可证", expires_on=dt.date(2026, 12, 20))
    assert actions.reminders_license_expiry(today=dt.date(2026, 12, 1)) == 0
    assert actions.reminders_annual_report(today=dt.date(2026, 6, 10)) == 0


def test_scheduled_tasks_are_declared_and_run(subscribed):
    names = {spec["func"] for spec in tasks.SCHEDULES}
    assert names == {"services.tasks.send_license_expiry_reminders", "services.tasks.send_annual_report_reminders"}
    assert tasks.send_license_expiry_reminders() >= 0
    assert tasks.send_annual_report_reminders() >= 0
