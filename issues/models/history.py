"""The history of a problem: attachments, events, ratings, follow-ups, extensions, escalations, appeals,
overdue marks. Each row is visible with its problem."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.permissions import is_enterprise_user, link_enterprise_id

from ..choices import (
    EVENT_LABELS,
    AppealStatus,
    Level,
    OverdueStep,
    RatingScore,
    RatingSource,
    RequestStatus,
)
from .issue import Issue


class IssueChildQuerySet(models.QuerySet):
    """Rows that belong to one problem are visible with that problem (deny by default)."""

    def visible_to(self, user):
        issues = Issue.objects.visible_to(user)
        if not issues.query.has_filters():  # every problem: no semi-join with the whole problem table
            return self.all()
        return self.filter(issue__in=issues)


class IssueEventQuerySet(IssueChildQuerySet):
    def visible_to(self, user):
        qs = super().visible_to(user)
        if is_enterprise_user(user) or link_enterprise_id(user) is not None:
            return qs.filter(public=True)
        return qs


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

    objects = IssueChildQuerySet.as_manager()

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

    objects = IssueEventQuerySet.as_manager()

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
    """One 好差评 of one round of a problem, given by the enterprise's own member (GB/T 39734: the
    service user's own act, once per handling). Never edited.

    ``source`` ``follow_up`` marks only legacy rows a clerk typed in during a follow-up call before
    ratings became the enterprise's own; they count nowhere and block nothing (see FollowUp.satisfaction)."""

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

    objects = IssueChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("好差评")
        verbose_name_plural = _("好差评")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "round"], condition=Q(source="enterprise"), name="uniq_issue_rating_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} #{self.round}: {self.score}"


class FollowUp(models.Model):
    """One follow-up call or visit (回访) by a clerk after a reply: reached or not, what the enterprise said
    (``note``), and — if it stated one — its satisfaction level (回访满意度), attributed to the clerk and
    published separately: never the enterprise's 好差评 (``rating`` links only legacy rows)."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="follow_ups")
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("回访时间"), default=timezone.now)
    reached = models.BooleanField(_("已联系上"), default=True)
    satisfied = models.BooleanField(_("企业满意"), null=True, blank=True)
    note = models.TextField(_("回访记录"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("回访满意度"),
        choices=RatingScore.choices,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, null=True, blank=True, related_name="follow_up")

    objects = IssueChildQuerySet.as_manager()

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

    objects = IssueChildQuerySet.as_manager()

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

    objects = IssueChildQuerySet.as_manager()

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

    objects = IssueChildQuerySet.as_manager()

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

    objects = IssueChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("超期记录")
        verbose_name_plural = _("超期记录")
        ordering = ["-marked_at"]
        constraints = [models.UniqueConstraint(fields=["issue", "step", "due"], name="uniq_issue_overdue_mark")]

    def __str__(self) -> str:
        return f"{self.issue_id} {self.step} {self.due}"
