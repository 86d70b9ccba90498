"""All writes of the voice app (DESIGN.md rule 1): keyword-only, atomic, validated and audited.

Problems raised at a meeting or found by an experience officer go through ``issues.actions.issue_submit``
(the one intake action), so they run the same loop and deadlines as any other problem.
"""

import datetime as dt
import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from issues import actions as issue_actions
from issues.models import Channel, Issue
from portal.audit import audit_record
from portal.choices import Role
from portal.exceptions import ActionError, PermissionDeniedError, TransitionNotAllowed
from portal.models import Department, Enterprise, User
from portal.permissions import (
    is_admin,
    is_clerk,
    is_deputy,
    is_handler,
    is_officer,
    is_supervisor,
)

from .choices import (
    CHANNEL_OF_KIND,
    OFFICER_CHANNEL,
    REVIEW_DIMENSIONS,
    ApplicationStatus,
    BallotChoice,
    InquiryStatus,
)
from .models import (
    BallotCount,
    Inquiry,
    InquiryDepartment,
    MeetingSeries,
    MeetingSession,
    OfficerApplication,
    ServiceReview,
    SessionAttendee,
    SessionProblem,
    VoteMarker,
    VotingCode,
)


def _now(now):
    return now or timezone.now()


def _require(condition: bool, message) -> None:
    if not condition:
        raise PermissionDeniedError(message)


# --------------------------------------------------------------------------------------- meetings


@transaction.atomic
def series_create(*, actor: User, name: str, kind: str, organiser: Department, description: str = "") -> MeetingSeries:
    _require(is_clerk(actor), _("只有窗口人员或督办人员可以设立恳谈会。"))
    series = MeetingSeries(name=(name or "").strip(), kind=kind, organiser=organiser, description=description.strip())
    series.full_clean()
    series.save()
    audit_record(actor=actor, action="voice.series.created", target=series, data={"kind": kind})
    return series


@transaction.atomic
def session_create(
    *,
    actor: User,
    series: MeetingSeries,
    held_at: dt.datetime,
    venue: str,
    host: str,
    topic: str,
    agenda: str = "",
    attendees=(),
    number: int | None = None,
) -> MeetingSession:
    """Register a session with its invited enterprises: ``attendees`` is a list of dicts
    ``{"enterprise", "person_name", "person_title", "attended"}``."""
    _require(is_clerk(actor), _("只有窗口人员或督办人员可以登记恳谈会。"))
    if number is None:
        last = series.sessions.order_by("-number").values_list("number", flat=True).first()
        number = (last or 0) + 1
    session = MeetingSession(
        series=series,
        number=number,
        held_at=held_at,
        venue=(venue or "").strip(),
        host=(host or "").strip(),
        topic=(topic or "").strip(),
        agenda=(agenda or "").strip(),
        created_by=actor,
    )
    session.full_clean()
    session.save()
    rows, seen = [], set()
    for row in attendees:
        enterprise = row["enterprise"]
        if enterprise.pk in seen:
            raise ActionError({"attendees": _("同一企业只能登记一次：%(name)s") % {"name": enterprise.name}})
        seen.add(enterprise.pk)
        attendee = SessionAttendee(
            session=session,
            enterprise=enterprise,
            person_name=(row.get("person_name") or "").strip(),
            person_title=(row.get("person_title") or "").strip(),
            attended=row.get("attended", True),
        )
        attendee.full_clean(exclude=["session"])
        rows.append(attendee)
    SessionAttendee.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="voice.session.created",
        target=session,
        data={"series": series.pk, "number": number, "enterprises": len(rows)},
    )
    return session


def _meeting_channel(session: MeetingSession) -> Channel:
    return Channel.objects.get(code=CHANNEL_OF_KIND[session.series.kind])


@transaction.atomic
def session_register_problems(*, actor: User, session: MeetingSession, problems, now=None) -> list[Issue]:
    """Register the problems raised at a session in one go. Each is a real problem (``issue_submit``)
    through the meeting kind's channel, discovered actively, registered at the session's time (so the
    2-working-day dispatch clock runs from the session), and linked to the session. ``problems`` is a
    list of dicts ``{"enterprise", "title", "description", "category"}``; one bad row changes nothing."""
    _require(is_clerk(actor), _("只有窗口人员或督办人员可以登记恳谈会上的问题。"))
    problems = list(problems)
    if not problems:
        raise ActionError({"problems": _("请至少填写一个问题。")})
    if session.held_at > _now(now):
        raise TransitionNotAllowed(_("会议尚未召开，不能登记会上提出的问题。"))
    invited = set(session.attendees.values_list("enterprise_id", flat=True))
    channel = _meeting_channel(session)
    issues = []
    for row in problems:
        enterprise = row.get("enterprise")
        if enterprise is None or enterprise.pk not in invited:
            raise ActionError({"enterprise": _("该企业不在本次会议的参会企业名单中。")})
        issue = issue_actions.issue_submit(
            actor=actor,
            title=row.get("title", ""),
            description=row.get("description", ""),
            category=row.get("category"),
            enterprise=enterprise,
            channel=channel,
            discovery="active",
            now=session.held_at,
        )
        link = SessionProblem(session=session, issue=issue)
        link.full_clean()
        link.save()
        issues.append(issue)
    audit_record(
        actor=actor,
        action="voice.session.problems_registered",
        target=session,
        data={"issues": [issue.reference for issue in issues]},
    )
    return issues


# -------------------------------------------------------------------------------------- inquiries


@transaction.atomic
def inquiry_create(*, actor: User, title: str, held_on: dt.date, common_issues, departments, body: str = "") -> Inquiry:
    """Prepare an inquiry on one or more common problems, with the departments to be questioned."""
    _require(is_supervisor(actor), _("只有督办人员可以安排专题询问。"))
    common_issues, departments = list(common_issues), list(dict.fromkeys(departments))
    if not common_issues:
        raise ActionError({"common_issues": _("请至少选择一个共性问题。")})
    if not departments:
        raise ActionError({"departments": _("请至少选择一个被询问部门。")})
    inquiry = Inquiry(title=(title or "").strip(), held_on=held_on, created_by=actor)
    if body:
        inquiry.body = body.strip()
    inquiry.full_clean()
    inquiry.save()
    inquiry.common_issues.set(common_issues)
    rows = InquiryDepartment.objects.bulk_create(
        [InquiryDepartment(inquiry=inquiry, department=dept, order=i) for i, dept in enumerate(departments)]
    )
    rows = list(InquiryDepartment.objects.filter(inquiry=inquiry))
    BallotCount.objects.bulk_create(
        [BallotCount(inquiry_department=row, choice=choice) for row in rows for choice in BallotChoice.values]
    )
    audit_record(
        actor=actor,
        action="voice.inquiry.created",
        target=inquiry,
        data={"common_issues": [c.pk for c in common_issues], "departments": [d.code for d in departments]},
    )
    return inquiry


@transaction.atomic
def inquiry_answer(*, actor: User, inquiry_department: InquiryDepartment, answer: str) -> InquiryDepartment:
    """Record a questioned department's answer (its own handler, or a supervisor taking it down)."""
    own = is_handler(actor) and actor.department_id == inquiry_department.department_id
    _require(own or is_supervisor(actor), _("只有被询问部门或督办人员可以录入答复。"))
    if inquiry_department.inquiry.status == InquiryStatus.CLOSED:
        raise TransitionNotAllowed(_("询问结果已公布，答复不能再修改。"))
    answer = (answer or "").strip()
    if not answer:
        raise ActionError({"answer": _("请填写答复内容。")})
    InquiryDepartment.objects.filter(pk=inquiry_department.pk).update(answer=answer)
    inquiry_department.answer = answer
    audit_record(
        actor=actor,
        action="voice.inquiry.answered",
        target=inquiry_department.inquiry,
        data={"department": inquiry_department.department.code},
    )
    return inquiry_department


_INQUIRY_MOVES = {
    "open": (InquiryStatus.DRAFT, InquiryStatus.VOTING),
    "close": (InquiryStatus.VOTING, InquiryStatus.CLOSED),
}


@transaction.atomic
def inquiry_move(*, actor: User, inquiry: Inquiry, move: str) -> Inquiry:
    """Open the ballot (``open``) or close it and publish the tally (``close``). One wins when two try."""
    _require(is_supervisor(actor), _("只有督办人员可以开启或结束投票。"))
    if move not in _INQUIRY_MOVES:
        raise ActionError({"move": _("未知的操作。")})
    source, target = _INQUIRY_MOVES[move]
    if not Inquiry.objects.filter(pk=inquiry.pk, status=source).update(status=target):
        raise TransitionNotAllowed()
    inquiry.status = target
    audit_record(actor=actor, action=f"voice.inquiry.{move}", target=inquiry, data={"status": target})
    return inquiry


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


# No 0/O, 1/I/L: the codes are read off paper.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


@transaction.atomic
def inquiry_issue_codes(*, actor: User, inquiry: Inquiry, count: int, rng=None) -> list[str]:
    """Make ``count`` one-time voting codes to print and hand out; only their hashes are kept, so the
    codes are shown this once."""
    _require(is_supervisor(actor), _("只有督办人员可以生成投票码。"))
    if inquiry.status == InquiryStatus.CLOSED:
        raise TransitionNotAllowed(_("投票已结束。"))
    if not 1 <= count <= 500:
        raise ActionError({"count": _("一次可生成 1 至 500 个投票码。")})
    choose = rng.choice if rng else secrets.choice
    codes = ["".join(choose(_CODE_ALPHABET) for _i in range(10)) for _n in range(count)]
    VotingCode.objects.bulk_create([VotingCode(inquiry=inquiry, code_hash=_hash_code(c)) for c in codes])
    audit_record(actor=actor, action="voice.inquiry.codes_issued", target=inquiry, data={"count": count})
    return codes


@transaction.atomic
def ballot_cast(*, actor: User | None, inquiry: Inquiry, department: Department, choice: str, code: str = "") -> None:
    """One anonymous ballot on one department's answer, by a People's Congress member account or by a
    printed one-time code. The marker (who has voted on which department) and the counter (how many
    ballots said what) are written in the same transaction and share nothing that links them. A second
    ballot by the same voter on the same department is refused (409) and changes nothing."""
    if choice not in BallotChoice.values:
        raise ActionError({"choice": _("评价只能是好、较好、一般或差。")})
    row = InquiryDepartment.objects.filter(inquiry=inquiry, department=department).first()
    if row is None:
        raise ActionError({"department": _("该部门不是本次询问的被询问部门。")})
    code = (code or "").strip()
    voting_code = None
    if code:
        voting_code = VotingCode.objects.filter(inquiry=inquiry, code_hash=_hash_code(code)).first()
        if voting_code is None:
            raise ActionError({"code": _("投票码无效。")})
    else:
        _require(is_deputy(actor), _("只有人大代表或持投票码者可以投票。"))
    # Lock the inquiry row while voting: closing the ballot (a conditional UPDATE of the same row) waits for
    # the ballots in flight, so no ballot is counted after the tally is published.
    if not list(Inquiry.objects.select_for_update().filter(pk=inquiry.pk, status=InquiryStatus.VOTING).values("pk")):
        raise TransitionNotAllowed(_("本次询问当前不在投票时间内。"))
    try:
        with transaction.atomic():
            VoteMarker.objects.create(inquiry_department=row, voter=None if voting_code else actor, code=voting_code)
    except IntegrityError:
        raise TransitionNotAllowed(_("已对该部门投过票，每个部门只能投一票。")) from None
    BallotCount.objects.filter(inquiry_department=row, choice=choice).update(count=F("count") + 1)
    # The audit row says that a ballot was cast on this department, never what it said.
    audit_record(
        actor=None if voting_code else actor,
        action="voice.ballot.cast",
        target=inquiry,
        data={"department": department.code, "by": "code" if voting_code else "account"},
    )


# ------------------------------------------------------------------------------ experience officers


@transaction.atomic
def officer_apply(
    *, actor: User, background: str, organisation: str = "", statement: str = "", now=None
) -> OfficerApplication:
    if not actor.is_authenticated or actor.is_portal_staff:
        raise PermissionDeniedError(_("工作人员不能申请担任营商环境体验官。"))
    if OfficerApplication.objects.filter(user=actor, status=ApplicationStatus.PENDING).exists():
        raise TransitionNotAllowed(_("您已有一份待审核的申请。"))
    application = OfficerApplication(
        user=actor,
        background=background,
        organisation=(organisation or "").strip(),
        statement=(statement or "").strip(),
        created_at=_now(now),
    )
    application.full_clean()
    application.save()
    audit_record(actor=actor, action="voice.officer.applied", target=application, data={"background": background})
    return application


@transaction.atomic
def officer_decide(
    *,
    actor: User,
    application: OfficerApplication,
    approve: bool,
    term_start: dt.date | None = None,
    term_end: dt.date | None = None,
    now=None,
) -> OfficerApplication:
    """An administrator approves (with a term; the account becomes an officer) or rejects."""
    _require(is_admin(actor), _("只有系统管理员可以审核体验官申请。"))
    changes = {"decided_by": actor, "decided_at": _now(now)}
    if approve:
        if not term_start or not term_end or term_end <= term_start:
            raise ActionError({"term_end": _("请填写聘期，结束日期须晚于开始日期。")})
        changes.update(status=ApplicationStatus.APPROVED, term_start=term_start, term_end=term_end)
    else:
        changes.update(status=ApplicationStatus.REJECTED)
    if not OfficerApplication.objects.filter(pk=application.pk, status=ApplicationStatus.PENDING).update(**changes):
        raise TransitionNotAllowed(_("该申请已被审核。"))
    for field, value in changes.items():
        setattr(application, field, value)
    if approve:
        User.objects.filter(pk=application.user_id).update(role=Role.OFFICER)
    audit_record(
        actor=actor,
        action="voice.officer.approved" if approve else "voice.officer.rejected",
        target=application,
        data={"user": application.user_id, "term_start": term_start, "term_end": term_end},
    )
    return application


def officer_in_term(user, today: dt.date | None = None) -> bool:
    """An officer account whose approved term covers today."""
    if not is_officer(user):
        return False
    today = today or timezone.localdate()
    return OfficerApplication.objects.filter(
        user=user, status=ApplicationStatus.APPROVED, term_start__lte=today, term_end__gte=today
    ).exists()


@transaction.atomic
def review_submit(
    *,
    actor: User,
    service_item,
    stars: dict[str, int],
    findings: str = "",
    bundle=None,
    enterprise: Enterprise | None = None,
    now=None,
) -> ServiceReview:
    """An officer in term rates one service item (1–5 stars on each dimension) and writes findings."""
    now = _now(now)
    _require(officer_in_term(actor, today=timezone.localtime(now).date()), _("只有在聘期内的营商环境体验官可以评价。"))
    if bundle is not None and not bundle.items.filter(service=service_item).exists():
        raise ActionError({"bundle": _("该事项不属于所选的一件事。")})
    review = ServiceReview(
        officer=actor,
        service_item=service_item,
        bundle=bundle,
        enterprise=enterprise,
        findings=(findings or "").strip(),
        reviewed_at=now,
        **{field: stars.get(field) for field, _label in REVIEW_DIMENSIONS},
    )
    review.full_clean()
    review.save()
    audit_record(
        actor=actor,
        action="voice.review.submitted",
        target=review,
        data={"service_item": service_item.code, **{f: stars.get(f) for f, _label in REVIEW_DIMENSIONS}},
    )
    return review


@transaction.atomic
def review_raise_problem(
    *, actor: User, review: ServiceReview, category, enterprise: Enterprise | None = None, now=None
) -> Issue:
    """A clerk turns an officer's finding into a problem in one step (channel 营商环境体验官)."""
    _require(is_clerk(actor), _("只有窗口人员或督办人员可以将体验发现转为问题。"))
    if not review.findings:
        raise ActionError({"findings": _("这条评价没有填写发现的问题。")})
    enterprise = enterprise or review.enterprise
    if enterprise is None:
        raise ActionError({"enterprise": _("请选择问题所涉及的企业。")})
    claimed = ServiceReview.objects.filter(pk=review.pk, issue__isnull=True)
    if not claimed.exists():
        raise TransitionNotAllowed(_("这条发现已转为问题。"))
    issue = issue_actions.issue_submit(
        actor=actor,
        title=_("体验官发现：%(item)s") % {"item": review.service_item.name[:100]},
        description=review.findings,
        category=category,
        enterprise=enterprise,
        channel=Channel.objects.get(code=OFFICER_CHANNEL),
        discovery="active",
        now=now,
    )
    if not claimed.update(issue=issue):
        raise TransitionNotAllowed(_("这条发现已转为问题。"))
    review.issue = issue
    audit_record(actor=actor, action="voice.review.raised", target=review, data={"issue": issue.reference})
    return issue
