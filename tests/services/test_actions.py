"""Submitting a bundle and moving its tasks: the rules, the roll-up, deadlines and audit."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from portal.exceptions import ConcurrentUpdate, PermissionDeniedError, TransitionNotAllowed
from portal.models import AuditLog, Notification
from services import actions
from services.choices import ApplicationStatus, Channel, TaskStatus
from services.models import Application, ApplicationItem, BundleVersion

pytestmark = pytest.mark.django_db


def _messages(exc_info) -> str:
    return " ".join(exc_info.value.messages)


def test_submit_creates_one_task_per_chosen_item_with_shared_answers(opening, submit, department, handler):
    # given the 企业开办 bundle
    # when the member submits the basic items and 免费刻章
    application = submit()
    # then there is one application with a reference, and three tasks with the shared answers
    assert application.reference.startswith("YLS")
    assert application.status == ApplicationStatus.SUBMITTED
    tasks = list(application.items.order_by("order"))
    assert [t.name for t in tasks] == ["企业设立登记", "发票申领", "免费刻章"]
    assert all(t.answers["contact_phone"] == "13812345678" for t in tasks)
    assert tasks[0].department == department
    assert application.channel == Channel.ONLINE
    assert application.bundle_version.snapshot["items"][0]["name"] == "企业设立登记"
    assert application.offered["value_added"][0] == {"id": opening.free_seal.pk, "name": "免费刻章", "chosen": True}
    assert AuditLog.objects.filter(action="services.application.submitted", target_id=str(application.pk)).exists()
    assert Notification.objects.filter(kind="services.task.assigned").exists()


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("stranger", "不属于一类事"),
        ("basic_unticked", "是基本服务，必须办理"),
        ("excludes", "不能同时选择"),
        ("requires", "需要同时选择「预约银行开户」"),
        ("unpublished", "已下架或尚未发布"),
    ],
)
def test_bad_selection_is_refused_and_nothing_saved(opening, submit, case, expected):
    # given a selection that breaks one rule of the bundle
    from tests.services.factories import BundleItemFactory

    selected = [*opening.basic_ids]
    if case == "stranger":
        selected.append(BundleItemFactory().pk)
    elif case == "basic_unticked":
        selected = [opening.basic_ids[0]]
    elif case == "excludes":
        selected += [opening.free_seal.pk, opening.paid_seal.pk]
    elif case == "requires":
        selected += [opening.bank_contact.pk]
    elif case == "unpublished":
        opening.bundle.published = False
        opening.bundle.save()
    # when it is submitted
    with pytest.raises(ValidationError) as exc_info:
        submit(selected_ids=selected)
    # then the message says what is wrong and nothing was saved
    assert expected in _messages(exc_info)
    assert Application.objects.count() == 0
    assert ApplicationItem.objects.count() == 0


def test_api_style_submission_adds_basic_items(opening, submit):
    application = submit(selected_ids=[opening.bank_booking.pk, opening.bank_contact.pk], basic_included=True)
    assert application.items.count() == 4


def test_same_token_twice_creates_one_application(submit):
    # given an application submitted with a form token
    first = submit(idempotency_key="tok-1")
    # when the same form is posted again
    with pytest.raises(actions.DuplicateSubmission) as exc_info:
        submit(idempotency_key="tok-1")
    # then the second post points at the first application and nothing new exists
    assert exc_info.value.application == first
    assert "请勿重复提交" in _messages(exc_info)
    assert Application.objects.count() == 1


def test_member_cannot_apply_for_another_enterprise(submit, other_enterprise):
    with pytest.raises(ValidationError) as exc_info:
        submit(enterprise=other_enterprise)
    assert "不是该企业的已核验成员" in _messages(exc_info)
    assert Application.objects.count() == 0


def test_handler_cannot_submit(submit, handler):
    with pytest.raises(PermissionDeniedError):
        submit(actor=handler)


def test_clerk_submits_at_the_window_on_behalf(submit, clerk):
    application = submit(actor=clerk)
    assert application.channel == Channel.WINDOW
    assert application.on_behalf
    assert application.submitted_by == clerk


def test_bad_contact_phone_is_refused(submit):
    with pytest.raises(ValidationError) as exc_info:
        submit(contact_phone="abc")
    assert "有效的联系电话" in _messages(exc_info)


def test_automatic_item_is_done_at_once(opening, submit):
    application = submit(selected_ids=[*opening.basic_ids, opening.reminder.pk])
    task = application.items.get(service_code="330000-VA-005")
    assert task.status == TaskStatus.DONE
    assert "自动提醒" in task.result


def test_task_moves_roll_up_the_application(submit, handler, other_handler):
    # given an application with tasks of two departments
    application = submit()
    amr_tasks = list(application.items.filter(department=handler.department))
    tax_task = application.items.get(department=other_handler.department)
    # when the 市场监管 handler accepts one task
    actions.task_transition(actor=handler, task=amr_tasks[0], event="accept")
    application.refresh_from_db()
    # then the application is in progress and the handler is recorded
    assert application.status == ApplicationStatus.IN_PROGRESS
    amr_tasks[0].refresh_from_db()
    assert amr_tasks[0].handler == handler
    # when everything is completed except the tax task, which is refused
    for task in amr_tasks:
        task.refresh_from_db()
        if task.status == TaskStatus.PENDING:
            actions.task_transition(actor=handler, task=task, event="accept")
        actions.task_transition(actor=handler, task=task, event="complete", result="营业执照已核发")
    actions.task_transition(actor=other_handler, task=tax_task, event="reject", reason="经营范围不需要发票")
    application.refresh_from_db()
    # then the application is partly done
    assert application.status == ApplicationStatus.PARTLY_DONE
    assert AuditLog.objects.filter(action="services.applicationitem.complete").count() == 2
    assert AuditLog.objects.filter(action="services.application.status_rolled_up").exists()


def test_all_done_is_done_and_all_refused_is_refused():
    assert actions.roll_up_status(["done", "done"]) == ApplicationStatus.DONE
    assert actions.roll_up_status(["refused"]) == ApplicationStatus.REFUSED
    assert actions.roll_up_status(["pending", "supplement"]) == ApplicationStatus.NEEDS_MATERIALS
    assert actions.roll_up_status(["pending", "pending"]) == ApplicationStatus.SUBMITTED
    assert actions.roll_up_status(["pending", "done"]) == ApplicationStatus.IN_PROGRESS


def test_department_cannot_move_another_departments_task(submit, other_handler, handler):
    application = submit()
    task = application.items.filter(department=handler.department).first()
    with pytest.raises(PermissionDeniedError):
        actions.task_transition(actor=other_handler, task=task, event="accept")
    task.refresh_from_db()
    assert task.status == TaskStatus.PENDING


def test_moves_outside_the_table_are_refused(submit, handler):
    task = submit().items.filter(department=handler.department).first()
    with pytest.raises(TransitionNotAllowed) as exc_info:
        actions.task_transition(actor=handler, task=task, event="complete", result="x")
    assert "待受理" in str(exc_info.value.message)


def test_refusal_and_completion_need_a_text(submit, handler):
    task = submit().items.filter(department=handler.department).first()
    with pytest.raises(ValidationError):
        actions.task_transition(actor=handler, task=task, event="reject", reason=" ")
    task.refresh_from_db()
    assert task.status == TaskStatus.PENDING


def test_stale_copy_loses_to_the_first_mover(submit, handler):
    task = submit().items.filter(department=handler.department).first()
    stale = ApplicationItem.objects.get(pk=task.pk)
    actions.task_transition(actor=handler, task=task, event="accept")
    with pytest.raises(ConcurrentUpdate):
        actions.task_transition(actor=handler, task=stale, event="reject", reason="重复")


def test_due_dates_skip_holidays_and_honour_make_up_saturdays(submit, handler, monkeypatch, opening):
    # given "today" is Friday 2026-02-13, before the Spring Festival (2026-02-14 Saturday is a
    # make-up working day, 2026-02-15..23 are off, 2026-02-28 is a make-up Saturday)
    from django.utils import timezone

    fixed = dt.datetime(2026, 2, 13, 10, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    application = submit()
    setup = application.items.get(service_code="330000-AMR-001")  # 1 working day
    seal = application.items.get(service_code="330000-VA-001")  # 3 working days
    # then one working day later is the make-up Saturday, three is after the holiday
    assert setup.due_date == dt.date(2026, 2, 14)
    assert seal.due_date == dt.date(2026, 2, 25)


def test_asking_for_materials_pauses_the_clock(submit, handler, monkeypatch):
    from django.utils import timezone

    day = {"now": dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)}  # Monday
    monkeypatch.setattr(timezone, "now", lambda: day["now"])
    task = submit().items.get(service_code="330000-VA-001")
    assert task.due_date == dt.date(2026, 3, 5)
    actions.task_transition(actor=handler, task=task, event="request_materials", note="请补充租赁合同")
    assert task.status == TaskStatus.SUPPLEMENT
    # when the materials come in two working days later
    day["now"] = dt.datetime(2026, 3, 4, 2, 0, tzinfo=dt.UTC)
    actions.task_transition(actor=handler, task=task, event="resume")
    task.refresh_from_db()
    # then the due date moved on by the two paused working days
    assert task.paused_days == 2
    assert task.due_date == dt.date(2026, 3, 9)
    assert task.status == TaskStatus.IN_PROGRESS


def test_publish_freezes_a_version_and_changes_make_a_new_one(opening, admin_user, submit):
    actions.bundle_publish(actor=admin_user, bundle=opening.bundle)
    first = submit()
    opening.paid_seal.delete()
    second = submit()
    assert first.bundle_version != second.bundle_version
    assert len(first.bundle_version.snapshot["items"]) == len(second.bundle_version.snapshot["items"]) + 1
    assert BundleVersion.objects.filter(bundle=opening.bundle).count() == 2


def test_due_dates_follow_the_administrators_override_table(submit, monkeypatch):
    # given an administrator marked Monday 2026-03-09 as a day off (e.g. a local typhoon closure)
    from django.utils import timezone

    from portal.models import CalendarOverride

    CalendarOverride.objects.create(date=dt.date(2026, 3, 9), is_working_day=False)
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 3, 6, 2, 0, tzinfo=dt.UTC))  # Friday
    # when a one-working-day item is submitted on the Friday before
    task = submit().items.get(service_code="330000-AMR-001")
    # then it is due on Tuesday, not Monday
    assert task.due_date == dt.date(2026, 3, 10)


@pytest.mark.parametrize(
    ("submitted", "code", "due"),
    [
        (dt.datetime(2026, 2, 27, 2, 0, tzinfo=dt.UTC), "330000-AMR-001", dt.date(2026, 2, 28)),  # 调休 Saturday
        (dt.datetime(2026, 9, 25, 2, 0, tzinfo=dt.UTC), "330000-AMR-001", dt.date(2026, 9, 28)),  # 中秋 Sunday off
        (dt.datetime(2026, 9, 30, 2, 0, tzinfo=dt.UTC), "330000-VA-001", dt.date(2026, 10, 10)),  # 国庆, 10-10 works
        (dt.datetime(2026, 10, 3, 2, 0, tzinfo=dt.UTC), "330000-TAX-001", dt.date(2026, 10, 8)),  # 即办件 on a holiday
    ],
)
def test_more_calendar_cases(submit, monkeypatch, submitted, code, due):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: submitted)
    assert submit().items.get(service_code=code).due_date == due


def test_a_bundle_scoped_to_a_region_refuses_enterprises_elsewhere(opening, submit, enterprise):
    from tests.portal.factories import RegionFactory

    huzhou = RegionFactory(code="330500", name="湖州市", level="city")
    anji = RegionFactory(code="330523", name="安吉县", level="county", parent=huzhou)
    opening.bundle.region = anji
    opening.bundle.save()
    with pytest.raises(ValidationError) as exc_info:
        submit()
    assert "仅面向" in _messages(exc_info) and "安吉县" in _messages(exc_info)
    assert Application.objects.count() == 0
    # an enterprise registered under 湖州 (吴兴区 → 湖州市) may apply for a 湖州-wide bundle
    enterprise.region.parent = huzhou
    enterprise.region.save()
    opening.bundle.region = huzhou
    opening.bundle.save()
    assert submit().pk


def test_every_move_is_notified_to_the_enterprise(submit, handler, member):
    task = submit().items.get(service_code="330000-AMR-001")
    actions.task_transition(actor=handler, task=task, event="accept")
    actions.task_transition(actor=handler, task=task, event="request_materials", note="请补充公司章程签字页")
    kinds = set(Notification.objects.filter(recipient=member).values_list("kind", flat=True))
    assert {"services.application.submitted", "services.task.accept", "services.task.request_materials"} <= kinds
    note = Notification.objects.filter(recipient=member, kind="services.task.request_materials").first()
    assert "补正材料" in note.title and note.body == "请补充公司章程签字页"


def test_an_application_received_earlier_is_recorded_with_its_own_dates(submit, handler):
    # given a paper application received on Monday 2026-03-02 and entered later
    from django.utils import timezone

    received = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
    application = submit(now=received)
    task = application.items.get(service_code="330000-VA-001")  # 3 working days
    # then its dates count from then, and it is overdue today
    assert application.submitted_at == received and application.reference.startswith("YLS20260302")
    assert task.due_date == dt.date(2026, 3, 5) and task.is_overdue
    # and a move recorded for the next day keeps that date
    actions.task_transition(actor=handler, task=task, event="accept", now=received + dt.timedelta(days=1))
    task.refresh_from_db()
    assert task.accepted_at == received + dt.timedelta(days=1)
    # but a date in the future is refused, and nothing is saved
    count = Application.objects.count()
    with pytest.raises(ValidationError, match="办理时间不能晚于当前时间"):
        submit(now=timezone.now() + dt.timedelta(hours=1))
    with pytest.raises(ValidationError, match="办理时间不能晚于当前时间"):
        actions.task_transition(actor=handler, task=task, event="start", now=timezone.now() + dt.timedelta(days=1))
    assert Application.objects.count() == count
    task.refresh_from_db()
    assert task.status == TaskStatus.ACCEPTED
