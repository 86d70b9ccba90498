"""Models of the issues app: 涉企问题, their configuration (channels, categories, 三不管 kinds,
deadline rules) and their history (events, ratings, follow-ups, extensions, escalations, appeals).

Status and workflow fields change only through :mod:`issues.actions`; see docs/issues-model.md.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.choices import Role
from portal.models.enterprises import enterprise_ids_for

from .choices import (
    EVENT_LABELS,
    AppealStatus,
    Discovery,
    IssueStatus,
    Level,
    OverdueStep,
    RatingScore,
    RatingSource,
    RequestStatus,
    Tier,
)


class ConfigQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Channel(models.Model):
    """One intake channel (线上门户, 12345热线, 政企恳谈会 …), configured by administrators."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ConfigQuerySet.as_manager()

    class Meta:
        verbose_name = _("受理渠道")
        verbose_name_plural = _("受理渠道")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """One node of the problem taxonomy (用工, 融资, 用地/厂房 …); ``parent`` allows sub-categories."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级分类"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ConfigQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题分类")
        verbose_name_plural = _("问题分类")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class OwnerlessKind(models.Model):
    """One kind of 三不管 case the 兜底 office catches (职责不清, 多头管理, 新业态无主管 …)."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    description = models.TextField(_("说明"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ConfigQuerySet.as_manager()

    class Meta:
        verbose_name = _("三不管类型")
        verbose_name_plural = _("三不管类型")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class DeadlineRule(models.Model):
    """The time limits for problems of one category and tier (blank = any); the most specific rule wins.

    Defaults follow Zhejiang practice: 交办 ≤ 2 working days after registration, reply ≤ 14 calendar days
    after dispatch, follow-up ≤ 3 working days after the reply, 重办 ≤ 15 working days, return ≤ 1
    working day after dispatch.
    """

    category = models.ForeignKey(
        Category, verbose_name=_("问题分类"), on_delete=models.CASCADE, null=True, blank=True, related_name="rules"
    )
    tier = models.CharField(_("难易程度"), max_length=10, choices=Tier.choices, blank=True)
    dispatch_working_days = models.PositiveSmallIntegerField(_("交办时限（工作日）"), default=2)
    reply_days = models.PositiveSmallIntegerField(_("答复时限（天）"), default=14)
    reply_in_working_days = models.BooleanField(
        _("答复时限按工作日计"), default=False, help_text=_("不勾选则按自然日计算。")
    )
    followup_working_days = models.PositiveSmallIntegerField(_("回访时限（工作日）"), default=3)
    redo_working_days = models.PositiveSmallIntegerField(_("重办时限（工作日）"), default=15)
    return_working_days = models.PositiveSmallIntegerField(_("退回时限（工作日）"), default=1)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("办理时限规则")
        verbose_name_plural = _("办理时限规则")
        constraints = [models.UniqueConstraint(fields=["category", "tier"], name="uniq_issue_deadline_rule")]

    def __str__(self) -> str:
        return f"{self.category or _('全部分类')} / {self.get_tier_display() or _('全部难度')}"


class IssueQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Deny by default. Members: their verified enterprises' problems. Handlers: problems their
        department leads or co-handles now. Clerks, supervisors, admins, auditors: all."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.role in (Role.CLERK, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR):
            return self
        if user.role == Role.HANDLER:
            if user.department_id is None:
                return self.none()
            co = Issue.co_departments.through.objects.filter(issue=OuterRef("pk"), department_id=user.department_id)
            return self.filter(Q(lead_department_id=user.department_id) | Exists(co))
        if user.role == Role.ENTERPRISE:
            return self.filter(enterprise_id__in=enterprise_ids_for(user))
        return self.none()

    def for_department(self, department):
        co = Issue.co_departments.through.objects.filter(issue=OuterRef("pk"), department=department)
        return self.filter(Q(lead_department=department) | Exists(co))


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

    # Overdue marking by the sweep.
    overdue = models.BooleanField(_("超期"), default=False, db_index=True)
    overdue_step = models.CharField(_("超期环节"), max_length=10, choices=OverdueStep.choices, blank=True)
    ever_overdue = models.BooleanField(_("曾超期"), default=False)

    rating = models.PositiveSmallIntegerField(
        _("最新评价"), choices=RatingScore.choices, null=True, blank=True, help_text=_("本轮评价，重办后清空。")
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
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def round(self) -> int:
        """1 for the first handling, 2 after the first 重办 …"""
        return self.reopen_count + 1

    def current_due(self):
        """The deadline of the step the problem is at now, or None."""
        if self.status in (IssueStatus.SUBMITTED, IssueStatus.RETURNED):
            return self.dispatch_due
        if self.status in (IssueStatus.DISPATCHED, IssueStatus.ACCEPTED, IssueStatus.REOPENED):
            return self.reply_due
        if self.status == IssueStatus.REPLIED:
            return self.followup_due
        return None

    def current_step_name(self) -> str:
        if self.status in (IssueStatus.SUBMITTED, IssueStatus.RETURNED):
            return str(_("等待交办"))
        if self.status in (IssueStatus.DISPATCHED, IssueStatus.REOPENED):
            return str(_("等待部门签收办理"))
        if self.status == IssueStatus.ACCEPTED:
            return str(_("部门办理中"))
        if self.status == IssueStatus.REPLIED:
            return str(_("等待回访"))
        if self.status == IssueStatus.FOLLOWED_UP:
            return str(_("等待评价与办结"))
        return self.get_status_display()


class IssueAttachment(models.Model):
    """One file attached to a problem (photo, PDF, scan); stored outside the web root, served by a view."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to="issues/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class IssueEvent(models.Model):
    """One step in a problem's timeline: who did what, when (mirrors the audit row, readable by users).

    ``action`` is the event name of the transition table (dispatch, accept, return, reply …);
    ``public`` says whether the enterprise sees it.
    """

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("动作"), max_length=30, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, null=True, blank=True
    )
    department = models.ForeignKey(
        "portal.Department", verbose_name=_("部门"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, blank=True)
    note = models.TextField(_("说明"), blank=True)
    public = models.BooleanField(_("企业可见"), default=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["issue", "at"]), models.Index(fields=["action", "at"])]

    def __str__(self) -> str:
        return f"{self.issue_id} {self.action}"

    @property
    def action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


class Rating(models.Model):
    """One 好差评 of one round of a problem: from the enterprise, or recorded by the clerk during the
    follow-up call with the enterprise's words (``source``). Never edited."""

    issue = models.ForeignKey(Issue, on_delete=models.PROTECT, related_name="ratings")
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    score = models.PositiveSmallIntegerField(
        _("评价"), choices=RatingScore.choices, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("评价理由"), blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=RatingSource.choices)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "portal.Department", verbose_name=_("被评价部门"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("评价时间"), default=timezone.now)

    class Meta:
        verbose_name = _("好差评")
        verbose_name_plural = _("好差评")
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["issue", "round"], name="uniq_issue_rating_per_round")]

    def __str__(self) -> str:
        return f"{self.issue_id} #{self.round}: {self.score}"


class FollowUp(models.Model):
    """One follow-up call or visit (回访) by a clerk after a reply: reached or not, satisfied or not."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="follow_ups")
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("回访时间"), default=timezone.now)
    reached = models.BooleanField(_("已联系上"), default=True)
    satisfied = models.BooleanField(_("企业满意"), null=True, blank=True)
    note = models.TextField(_("回访记录"), blank=True)
    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, null=True, blank=True, related_name="follow_up")

    class Meta:
        verbose_name = _("回访记录")
        verbose_name_plural = _("回访记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.issue_id} {self.at:%Y-%m-%d}"


class ExtensionRequest(models.Model):
    """One request by the lead department to extend the reply deadline; decided by a supervisor."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="extension_requests")
    department = models.ForeignKey("portal.Department", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    reason = models.TextField(_("延期理由"))
    previous_due = models.DateField(_("原期限"))
    requested_due = models.DateField(_("申请延至"))
    status = models.CharField(_("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    version = models.PositiveIntegerField(default=0, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.issue_id} → {self.requested_due}"


class Escalation(models.Model):
    """One 提级: the problem moved from a department to one at a higher government level."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="escalations")
    from_department = models.ForeignKey(
        "portal.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_department = models.ForeignKey("portal.Department", on_delete=models.PROTECT, related_name="+")
    from_level = models.CharField(_("原层级"), max_length=10, choices=Level.choices)
    to_level = models.CharField(_("提级至"), max_length=10, choices=Level.choices)
    reason = models.TextField(_("提级理由"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("提级时间"), default=timezone.now)

    class Meta:
        verbose_name = _("提级记录")
        verbose_name_plural = _("提级记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.issue_id} {self.from_level}→{self.to_level}"


class Appeal(models.Model):
    """One 申诉 by a department against a bad rating; a supervisor decides. An upheld appeal leaves the
    rating untouched but excludes it from the department's satisfaction figures."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="appeals")
    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="appeal")
    department = models.ForeignKey("portal.Department", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("申诉理由"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申诉时间"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING)
    version = models.PositiveIntegerField(default=0, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("裁定时间"), null=True, blank=True)
    decision_note = models.TextField(_("裁定意见"), blank=True)

    class Meta:
        verbose_name = _("差评申诉")
        verbose_name_plural = _("差评申诉")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.issue_id} {self.get_status_display()}"


class OverdueMark(models.Model):
    """One overdue step the sweep found: unique per problem, step and deadline, so running the sweep
    twice, or on several workers at once, records and notifies it exactly once."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="overdue_marks")
    step = models.CharField(_("环节"), max_length=10, choices=OverdueStep.choices)
    due = models.DateField(_("期限"))
    department = models.ForeignKey(
        "portal.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(_("发现时间"), default=timezone.now)

    class Meta:
        verbose_name = _("超期记录")
        verbose_name_plural = _("超期记录")
        ordering = ["-marked_at"]
        constraints = [models.UniqueConstraint(fields=["issue", "step", "due"], name="uniq_issue_overdue_mark")]

    def __str__(self) -> str:
        return f"{self.issue_id} {self.step} {self.due}"
