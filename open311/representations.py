"""What one service, service definition, request or update looks like in GeoReport v2.

Nothing that identifies a person leaves here: no contact name or phone, no actor; the description,
the public reply and timeline notes only to the channel that registered the problem."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from issues.choices import IssueStatus
from issues.models import Category, Issue, IssueEvent
from issues.workflow import ISSUE

from .models import ApiKey
from .selectors import catch_all_category_code, ownerless_kinds


def iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def end_of_day(day: dt.date | None) -> str | None:
    """A deadline date (inclusive) as the last second of that day in the portal's time zone."""
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=timezone.get_default_timezone()).isoformat()


def open_or_closed(status: str) -> str:
    """GeoReport's two statuses: ``closed`` once the loop has ended (办结 or withdrawn), else ``open``.
    A replied problem stays open: the follow-up call or a bad rating can still reopen it."""
    return "open" if status in ISSUE.group("open") else "closed"


def service(category: Category) -> dict:
    keywords = [category.name, category.code]
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": _("涉企问题：%(name)s") % {"name": category.name},
        "metadata": True,
        "type": "realtime",
        "keywords": ",".join(keywords),
        "group": category.parent.name if category.parent_id else _("涉企问题"),
    }


def service_definition(category: Category) -> dict:
    attributes = [
        {
            "variable": True,
            "code": "uscc",
            "datatype": "string",
            "required": True,
            "datatype_description": _("18 位统一社会信用代码（GB 32100-2015）"),
            "order": 1,
            "description": _("提出问题的企业的统一社会信用代码，须为本平台已登记的企业。"),
        },
        {
            "variable": True,
            "code": "contact_name",
            "datatype": "string",
            "required": False,
            "datatype_description": _("不超过 50 个字"),
            "order": 2,
            "description": _("联系人姓名；不填时使用企业登记的法定代表人。"),
        },
        {
            "variable": True,
            "code": "contact_phone",
            "datatype": "string",
            "required": False,
            "datatype_description": _("不超过 20 位的电话号码"),
            "order": 3,
            "description": _("联系电话；不填时使用企业登记的联系电话。"),
        },
    ]
    if category.code == catch_all_category_code():
        attributes.append(
            {
                "variable": True,
                "code": "ownerless_kind",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": None,
                "order": 4,
                "description": _("“三不管”问题的类型。"),
                "values": [{"key": kind.code, "name": kind.name} for kind in ownerless_kinds()],
            }
        )
    return {"service_code": category.code, "attributes": attributes}


def status_notes(issue: Issue, *, own: bool) -> str:
    notes = [_("办理状态：%(label)s（%(status)s）") % {"label": issue.get_status_display(), "status": issue.status}]
    step = issue.current_step_name()
    if step:
        notes.append(step)
    due = issue.current_due()
    if due:
        notes.append(_("当前期限：%(date)s") % {"date": due.isoformat()})
    if own and issue.public_reply and issue.status not in ISSUE.group("awaiting_dispatch"):
        notes.append(_("答复：%(reply)s") % {"reply": issue.public_reply})
    return "；".join(notes)


def service_request(issue: Issue, *, api_key: ApiKey) -> dict:
    own = issue.channel_id == api_key.channel_id
    updated = issue.updated_at
    if issue.status == IssueStatus.CLOSED and issue.closed_at:
        updated = issue.closed_at
    return {
        "service_request_id": issue.reference,
        "status": open_or_closed(issue.status),
        "status_notes": status_notes(issue, own=own),
        "service_name": issue.category.name,
        "service_code": issue.category.code,
        "description": issue.description[:4000] if own else None,
        "agency_responsible": issue.lead_department.name if issue.lead_department_id else None,
        "service_notice": None,
        "requested_datetime": iso(issue.registered_at),
        "updated_datetime": iso(updated),
        "expected_datetime": end_of_day(issue.current_due()),
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


# Timeline notes the registering channel may read: what the portal answers, not what staff record about
# calls with people (follow-up notes, return reasons).
NOTE_EVENTS = frozenset({"reply", "close", "withdraw"})


def request_update(event: IssueEvent, *, api_key: ApiKey) -> dict:
    own = event.issue.channel_id == api_key.channel_id
    status = event.to_status or event.from_status or event.issue.status
    description = event.action_label
    if event.to_status in IssueStatus.values:
        description = f"{description}（{IssueStatus(event.to_status).label}）"
    if own and event.note and event.action in NOTE_EVENTS:
        description = f"{description}：{event.note}"
    return {
        "update_id": str(event.pk),
        "service_request_id": event.issue.reference,
        "status": open_or_closed(status),
        "updated_datetime": iso(event.at),
        "description": description,
        "media_url": None,
    }
