"""Demo data of this app, called by ``manage.py seed_demo`` after the core demo data.

``context`` holds the core objects: regions, departments (by code), enterprises (list), clerk,
supervisor, admin, handlers (by department code), members (ent-a, ent-b). Idempotent: the
catalogue is loaded by code (the same rows give the same result) and each demo application has
its own idempotency key, so a second run adds nothing. Everything goes through the actions.
"""

import datetime as dt
import random

from django.utils import timezone

from services import actions
from services.choices import ItemKind, TaskEvent, TaskStatus
from services.demo_catalogue import bundle_item_rows, bundle_rows, item_rows
from services.models import Application, Bundle, BundleItem

# key, bundle, applicant ("ent-a"/"ent-b" or an enterprise index for the clerk), value-added codes, plan
# plan: what the departments do with the tasks — "none", "accept_some", "supplement", "done",
# "partly", "refused", "mixed", "overdue" (received 40 days ago at the window, accepted the next working
# day, still open: past its promised time, so the supervisors' overdue views have something to show).
DEMO_APPLICATIONS = [
    ("demo-01", "qykb", "ent-a", ["330500-VA-0001", "330500-VA-0005", "330500-VA-0006"], "mixed"),
    ("demo-02", "wmkf", "ent-b", [], "none"),
    ("demo-03", "xmjs", 2, ["330500-VA-0101"], "accept_some"),
    ("demo-04", "kjcx", "ent-a", ["330500-VA-0301"], "supplement"),
    ("demo-05", "rzfw", 3, ["330500-VA-0401", "330500-VA-0402"], "done"),
    ("demo-06", "zpyg", 4, ["330500-VA-0201"], "partly"),
    ("demo-07", "bgzx", 5, [], "refused"),
    ("demo-08", "mscyl", 6, ["330500-VA-0801", "330500-VA-0802"], "accept_some"),
    ("demo-09", "mzcyl", 3, ["330500-VA-0701"], "none"),
    ("demo-10", "qykb", 7, ["330500-VA-0002", "330500-VA-0003", "330500-VA-0008"], "done"),
    ("demo-11", "xmjs", 2, ["330500-VA-0101"], "overdue"),
    ("demo-12", "rzfw", 4, ["330500-VA-0401"], "overdue"),
]
OVERDUE_DAYS_AGO = 40

CONTACTS = ["沈建国", "陆晓峰", "钱佳怡", "吴志强", "孙丽华", "周海涛", "郑雨婷", "王立新"]


def seed(*, rng: random.Random, context: dict, stdout) -> None:
    admin = context["admin"]
    counts = actions.catalogue_load(
        actor=admin, items=item_rows(), bundles=bundle_rows(), bundle_items=bundle_item_rows()
    )
    stdout.write(f"services: {counts['items']} items, {counts['bundles']} bundles loaded")
    created = 0
    for key, bundle_code, applicant, extras, plan in DEMO_APPLICATIONS:
        if Application.objects.filter(idempotency_key=key).exists():
            continue
        bundle = Bundle.objects.get(code=bundle_code)
        if isinstance(applicant, str):
            actor = context["members"][applicant]
            enterprise = context["enterprises"][0 if applicant == "ent-a" else 1]
        else:
            actor, enterprise = context["clerk"], context["enterprises"][applicant]
        items = BundleItem.objects.filter(bundle=bundle).select_related("service")
        selected = [bi.pk for bi in items if bi.kind == ItemKind.BASIC or bi.service.code in extras]
        received = timezone.now() - dt.timedelta(days=OVERDUE_DAYS_AGO) if plan == "overdue" else None
        application = actions.application_submit(
            actor=actor,
            bundle=bundle,
            enterprise=enterprise,
            selected_ids=selected,
            contact_name=rng.choice(CONTACTS),
            contact_phone="139" + "".join(str(rng.randrange(10)) for _ in range(8)),
            address=enterprise.address,
            idempotency_key=key,
            now=received,
        )
        _play(application, plan, context["handlers"], rng, received=received)
        created += 1
    stdout.write(f"services: {created} demo applications created")


def _play(application: Application, plan: str, handlers: dict, rng: random.Random, received=None) -> None:
    tasks = [
        t for t in application.items.select_related("department").order_by("order") if t.status == TaskStatus.PENDING
    ]

    def move(task, *events, at=None, **text):
        handler = handlers[task.department.code]
        for event in events:
            task.refresh_from_db()
            actions.task_transition(actor=handler, task=task, event=event, now=at, **text.get(event, {}))

    done = {TaskEvent.COMPLETE: {"result": "已办结，证照已推送至企业电子证照库"}}
    for index, task in enumerate(tasks):
        if plan == "none":
            continue
        if plan == "accept_some":
            if index % 3 == 0:
                move(task, TaskEvent.ACCEPT)
            elif index % 3 == 1:
                move(task, TaskEvent.ACCEPT, TaskEvent.START)
        elif plan == "supplement":
            if index == 0:
                move(
                    task,
                    TaskEvent.REQUEST_MATERIALS,
                    **{TaskEvent.REQUEST_MATERIALS: {"note": "请补充近三年研发费用专项审计报告"}},
                )
            else:
                move(task, TaskEvent.ACCEPT)
        elif plan == "done":
            move(task, TaskEvent.ACCEPT, TaskEvent.COMPLETE, **done)
        elif plan == "partly":
            if index == 0:
                move(task, TaskEvent.REJECT, **{TaskEvent.REJECT: {"reason": "申请人不属于本市高层次人才认定范围"}})
            else:
                move(task, TaskEvent.ACCEPT, TaskEvent.COMPLETE, **done)
        elif plan == "refused":
            move(task, TaskEvent.REJECT, **{TaskEvent.REJECT: {"reason": "企业存在未结清税款，暂不予受理"}})
        elif plan == "mixed":
            step = index % 4
            if step == 0:
                move(task, TaskEvent.ACCEPT, TaskEvent.COMPLETE, **done)
            elif step == 1:
                move(task, TaskEvent.ACCEPT, TaskEvent.START)
            elif step == 2:
                move(task, TaskEvent.ACCEPT)
        elif plan == "overdue":
            next_day = received + dt.timedelta(days=1)
            if index % 2 == 0:
                move(task, TaskEvent.ACCEPT, TaskEvent.START, at=next_day)
            else:
                move(task, TaskEvent.ACCEPT, at=next_day)
