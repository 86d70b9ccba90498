"""One problem (涉企问题) and its visibility rules."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models.enterprises import enterprise_ids_for
from portal.permissions import is_enterprise_user, is_handler, link_enterprise_id, reads_all_cases

from ..choices import (
    Discovery,
    IssueStatus,
    Level,
    OverdueStep,
    RatingScore,
    Tier,
)
from ..workflow import ISSUE
from ..workflow import statuses as group_statuses
from .config import Category, Channel, OwnerlessKind

# The step a problem is at: (the overdue step it would be, its deadline field, the statuses of that step).
# Said once: current_due() / current_step(), current_due_expression(), the overdue condition and the sweep
# all read it. A status not listed (followed up, closed, withdrawn) has no deadline.
STEPS = (
    (OverdueStep.DISPATCH, "dispatch_due", group_statuses("awaiting_dispatch")),
    (OverdueStep.REPLY, "reply_due", group_statuses("working")),
    (OverdueStep.FOLLOW_UP, "followup_due", group_statuses("awaiting_follow_up")),
)


def current_due_expression():
    """The deadline of the step a problem is at, in SQL (``Issue.current_due()`` in Python)."""
    # A one-status step compares with "=", not "IN (…)": the index on DEADLINE_KEY was built from this
    # exact SQL, and PostgreSQL uses an expression index only for the same expression.
    return Case(
        *[
            When(status__in=statuses, then=F(field)) if len(statuses) > 1 else When(status=statuses[0], then=F(field))
            for _step, field, statuses in STEPS
        ],
        default=None,
        output_field=models.DateField(),
    )


NO_DEADLINE = dt.date(9999, 12, 31)
# The sort key of the deadline order; never NULL, so keyset pages compare it with plain < and >. The index
# in Issue.Meta is built from the same expression: PostgreSQL uses it only for this exact expression.
DEADLINE_KEY = Coalesce(current_due_expression(), Value(NO_DEADLINE), output_field=models.DateField())


def local_today() -> dt.date:
    """Today in the portal's time zone (Asia/Shanghai): the day deadlines are compared with."""
    return timezone.localdate()


def overdue_condition(today: dt.date | None = None) -> Q:
    """Overdue now: the deadline of the step the problem is at has passed (``Issue.is_overdue()`` in
    Python). Derived at read time from the due dates, so a sweep that did not run never shows a late
    problem as on time. ``DEADLINE_KEY < today``: the index ``issues_issue_deadline_key`` serves it (a
    finished problem's key is 9999-12-31, never before today)."""
    return Q(LessThan(DEADLINE_KEY, today or local_today()))


def ever_overdue_condition(today: dt.date | None = None) -> Q:
    """Was or is late: the sweep or a late move recorded it (``ever_overdue``), the reply came after its
    deadline (``replied_on_time`` is set by the reply itself, sweep or not), or a step is late now."""
    return Q(ever_overdue=True) | Q(replied_on_time=False) | overdue_condition(today)


class IssueQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Deny by default. Members: their verified enterprises' problems. Handlers: problems their
        department leads or co-handles now. Clerks, supervisors, admins, auditors: all. The holder of a
        signed status link (portal.permissions.LinkHolder): that enterprise's problems."""
        if link_enterprise_id(user) is not None:
            return self.filter(enterprise_id=link_enterprise_id(user))
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if reads_all_cases(user):
            return self
        if is_handler(user):
            if user.department_id is None:
                return self.none()
            co = Issue.co_departments.through.objects.filter(issue=OuterRef("pk"), department_id=user.department_id)
            return self.filter(Q(lead_department_id=user.department_id) | Exists(co))
        if is_enterprise_user(user):
            return self.filter(enterprise_id__in=enterprise_ids_for(user))
        return self.none()

    def with_current_due(self):
        """Annotate ``current_due_date``: the deadline of the step the problem is at (None when finished)."""
        return self.annotate(current_due_date=current_due_expression())

    def overdue(self, today: dt.date | None = None):
        """The problems whose current step is past its deadline (see :func:`overdue_condition`)."""
        return self.filter(overdue_condition(today))

    def by_deadline(self):
        """Most urgent first, problems without a current deadline last, ties by id. Sorted by
        ``deadline_key`` (the current deadline, or 9999-12-31 when there is none): the same order as
        ``current_due_date`` with nulls last, but an expression the index ``issues_issue_deadline_key``
        holds, so the sort and the pages after a cursor read the index instead of sorting every row."""
        return self.annotate(deadline_key=DEADLINE_KEY).order_by("deadline_key", "id")

    def for_department(self, department):
        co = Issue.co_departments.through.objects.filter(issue=OuterRef("pk"), department=department)
        return self.filter(Q(lead_department=department) | Exists(co))


def _choice_label(choices: type[models.TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class Issue(models.Model):
    """One problem (涉企问题) an enterprise raised, through any channel, and its whole closed loop.

    Counters and timestamps are kept on the row so rankings aggregate with plain SQL.
    """

    reference = models.CharField(_("编号"), max_length=30, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "portal.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="issues"
    )
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=20)
    channel = models.ForeignKey(Channel, verbose_name=_("受理渠道"), on_delete=models.PROTECT, related_name="issues")
    discovery = models.CharField(_("发现方式"), max_length=10, choices=Discovery.choices, default=Discovery.PASSIVE)
    category = models.ForeignKey(Category, verbose_name=_("问题分类"), on_delete=models.PROTECT, related_name="issues")
    ownerless_kind = models.ForeignKey(
        OwnerlessKind,
        verbose_name=_("三不管类型"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issues",
    )
    tier = models.CharField(_("难易程度"), max_length=10, choices=Tier.choices, default=Tier.GENERAL)
    level = models.CharField(_("办理层级"), max_length=10, choices=Level.choices, default=Level.CITY)
    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("问题描述"))
    status = models.CharField(
        _("状态"), max_length=20, choices=IssueStatus.choices, default=IssueStatus.SUBMITTED, db_index=True
    )
    version = models.PositiveIntegerField(default=0, editable=False)

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("登记时间"), default=timezone.now, db_index=True)

    lead_department = models.ForeignKey(
        "portal.Department",
        verbose_name=_("牵头部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_issues",
    )
    co_departments = models.ManyToManyField(
        "portal.Department", verbose_name=_("协办部门"), blank=True, related_name="co_issues"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_issues",
    )
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("交办人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reopen_limit_reached = models.BooleanField(
        _("重办已达上限"),
        default=False,
        help_text=_("重办次数已达上限后又有差评：不再重办，由督办提级、集中会商或说明理由办结。"),
    )
    with_supervisor = models.BooleanField(
        _("已转兜底督办"), default=False, help_text=_("两次退回或两次交办未解决，须由督办人员处理。")
    )

    reply = models.TextField(_("答复（内部）"), blank=True)
    public_reply = models.TextField(_("答复（企业可见）"), blank=True)

    # Timestamps of the current round (reset on 重办 where it makes sense).
    dispatched_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    first_dispatched_at = models.DateTimeField(_("首次交办时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("重办时间"), null=True, blank=True)

    # Computed deadlines (dates, inclusive). Never typed.
    dispatch_due = models.DateField(_("交办期限"), null=True, blank=True, db_index=True)
    return_due = models.DateField(_("退回期限"), null=True, blank=True)
    accept_due = models.DateField(_("签收期限"), null=True, blank=True, help_text=_("交办或重办后 1 个工作日内。"))
    reply_due = models.DateField(_("答复期限"), null=True, blank=True, db_index=True)
    followup_due = models.DateField(_("回访期限"), null=True, blank=True, db_index=True)
    accepted_on_time = models.BooleanField(_("按时签收"), null=True, blank=True)
    replied_on_time = models.BooleanField(_("按时答复"), null=True, blank=True)

    # Counters for rankings.
    dispatch_count = models.PositiveSmallIntegerField(_("交办次数"), default=0)
    returns_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    extensions_count = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    escalation_count = models.PositiveSmallIntegerField(_("提级次数"), default=0)
    followup_count = models.PositiveSmallIntegerField(_("回访次数"), default=0)

    # "Overdue now" is never stored: it is derived from the current step's deadline (is_overdue(),
    # overdue_condition()). ever_overdue records that a step was late (the sweep, or a move made after the
    # step's deadline); rankings read it with ever_overdue_condition().
    ever_overdue = models.BooleanField(_("曾超期"), default=False)

    rating = models.PositiveSmallIntegerField(
        _("企业评价"),
        choices=RatingScore.choices,
        null=True,
        blank=True,
        help_text=_("企业本人对本轮办理的好差评，重办后清空。"),
    )
    follow_up_satisfaction = models.PositiveSmallIntegerField(
        _("回访满意度"),
        choices=RatingScore.choices,
        null=True,
        blank=True,
        help_text=_("本轮回访时企业在电话中表示的满意度，由工作人员记录；不是企业的好差评，重办后清空。"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("涉企问题")
        verbose_name_plural = _("涉企问题")
        ordering = ["-registered_at", "-id"]
        indexes = [
            models.Index(fields=["status", "reply_due"]),
            models.Index(fields=["lead_department", "status"]),
            models.Index(fields=["enterprise", "-registered_at"]),
            models.Index(fields=["category", "status"]),
            # the deadline order (by_deadline) of every list sorted by urgency, and its keyset pages
            models.Index(DEADLINE_KEY, F("id"), name="issues_issue_deadline_key"),
            # the rankings' cohort (first dispatched in a period) and its drill-down order: every rankings
            # query reads the period's rows only, whatever the table's size (docs/issues-model.md); the 台账
            # pages in this order, and its count is an index-only scan: the cohort's other conditions (a lead
            # department, not withdrawn) are in the index too (key columns, not INCLUDE: SQLite has none)
            models.Index(fields=["first_dispatched_at", "id", "lead_department", "status"], name="issues_issue_cohort"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def round(self) -> int:
        """1 for the first handling, 2 after the first 重办 …"""
        return self.reopen_count + 1

    # Django's get_FOO_display rebuilds the field's choices as a dict on every call (≈ 0.1 ms); lists call
    # these once per row, so they ask the choices' enum instead (the same label, or the value if unknown).
    def get_status_display(self) -> str:
        return _choice_label(IssueStatus, self.status)

    def get_level_display(self) -> str:
        return _choice_label(Level, self.level)

    def current_step(self) -> tuple[str, dt.date | None]:
        """(the step the problem is at, its deadline), or ("", None) when the problem has no deadline now."""
        for step, field, statuses in STEPS:
            if self.status in statuses:
                return step, getattr(self, field)
        return "", None

    def current_due(self):
        """The deadline of the step the problem is at now, or None."""
        return self.current_step()[1]

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Whether the current step is past its deadline (``overdue_condition()`` in SQL)."""
        due = self.current_due()
        return due is not None and due < (today or local_today())

    @property
    def overdue(self) -> bool:
        """Overdue now, derived from the current step's deadline (no stored flag can be stale)."""
        return self.is_overdue()

    @property
    def overdue_step(self) -> str:
        """The step that is late now (dispatch / reply / follow_up), or "" when none is."""
        return self.current_step()[0] if self.is_overdue() else ""

    def current_step_name(self) -> str:
        if self.status in ISSUE.group("awaiting_dispatch"):
            return str(_("等待交办"))
        if self.status in (IssueStatus.DISPATCHED, IssueStatus.REOPENED):
            return str(_("等待部门签收办理"))
        if self.status == IssueStatus.ACCEPTED:
            return str(_("部门办理中"))
        if self.status == IssueStatus.REPLIED:
            return str(_("等待回访"))
        if self.status == IssueStatus.FOLLOWED_UP:
            return str(_("等待评价与办结"))
        return ""  # finished: the status says it all
