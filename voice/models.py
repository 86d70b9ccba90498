"""The enterprises' voice (issue 17): 政企恳谈会 sessions, 人大专题询问 with anonymous ballots, and
营商环境体验官 reviews of services. Problems raised here are ordinary problems of the issues app
(created through ``issues.actions.issue_submit``); this app only links them to where they were raised.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ApplicationStatus, BallotChoice, InquiryStatus, MeetingKind, OfficerBackground

# --------------------------------------------------------------------------------------- meetings


class MeetingSeries(models.Model):
    """One recurring meeting format, e.g. 湖州「政企恳谈会」 every Wednesday, or a chamber's 商会恳谈会."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("形式"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.ROUNDTABLE)
    organiser = models.ForeignKey(
        "portal.Department", verbose_name=_("组织部门"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("简介"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("恳谈会系列")
        verbose_name_plural = _("恳谈会系列")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class MeetingSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every session's public summary is open to anyone; the full record (people, problems) is for
        staff only and is decided by :func:`voice.selectors.may_see_full_session`, not by this queryset."""
        return self


class MeetingSession(models.Model):
    """One session of a series: when and where, who hosted, which enterprises came, the agenda."""

    series = models.ForeignKey(MeetingSeries, verbose_name=_("系列"), on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveIntegerField(_("期数"))
    held_at = models.DateTimeField(_("召开时间"), db_index=True)
    venue = models.CharField(_("地点"), max_length=120)
    host = models.CharField(_("主持领导"), max_length=60, help_text=_("公开展示：领导职务及姓名。"))
    topic = models.CharField(_("主题"), max_length=120)
    agenda = models.TextField(_("议程"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = MeetingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("恳谈会场次")
        verbose_name_plural = _("恳谈会场次")
        ordering = ["-held_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["series", "number"], name="voice_session_number_unique")]

    def __str__(self) -> str:
        return f"{self.series.name} 第{self.number}期"


class SessionAttendee(models.Model):
    """One enterprise invited to a session, the person who came for it (staff only) and whether it came."""

    session = models.ForeignKey(MeetingSession, on_delete=models.CASCADE, related_name="attendees")
    enterprise = models.ForeignKey("portal.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT)
    person_name = models.CharField(_("参会人"), max_length=50, blank=True)
    person_title = models.CharField(_("职务"), max_length=50, blank=True)
    attended = models.BooleanField(_("已到会"), default=True)

    class Meta:
        verbose_name = _("参会企业")
        verbose_name_plural = _("参会企业")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "enterprise"], name="voice_attendee_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.enterprise_id}"


class SessionProblem(models.Model):
    """One problem raised at a session: the link between the session and the issues app's problem."""

    session = models.ForeignKey(MeetingSession, on_delete=models.PROTECT, related_name="problems")
    issue = models.OneToOneField("issues.Issue", on_delete=models.PROTECT, related_name="meeting_link")

    class Meta:
        verbose_name = _("恳谈会问题")
        verbose_name_plural = _("恳谈会问题")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.issue_id}"


# -------------------------------------------------------------------------------------- inquiries


class Inquiry(models.Model):
    """One 人大专题询问: the People's Congress questions departments on common problems, the departments
    answer, and the members vote on each department's answer anonymously."""

    title = models.CharField(_("询问主题"), max_length=120)
    body = models.CharField(_("询问机关"), max_length=60, default="市人大常委会")
    held_on = models.DateField(_("询问日期"))
    common_issues = models.ManyToManyField(
        "insights.CommonIssue", verbose_name=_("询问的共性问题"), related_name="inquiries"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=InquiryStatus.choices, default=InquiryStatus.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("专题询问")
        verbose_name_plural = _("专题询问")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class InquiryDepartment(models.Model):
    """One department questioned at an inquiry, with its answer."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="departments")
    department = models.ForeignKey("portal.Department", verbose_name=_("被询问部门"), on_delete=models.PROTECT)
    answer = models.TextField(_("应询答复"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("被询问部门")
        verbose_name_plural = _("被询问部门")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inquiry", "department"], name="voice_inquiry_department_unique")
        ]

    def __str__(self) -> str:
        return f"{self.inquiry_id}: {self.department_id}"


class VotingCode(models.Model):
    """One one-time voting code printed for an inquiry (only its SHA-256 is kept). It names nobody: the
    slips are handed out at random in the hall."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("投票码")
        verbose_name_plural = _("投票码")

    def __str__(self) -> str:
        return f"{self.inquiry_id}: {self.code_hash[:8]}…"


class VoteMarker(models.Model):
    """ "This voter (an account or a printed code) has voted on this department — and nothing else: no
    choice, no time, no link to a ballot. Unique per voter and department, so a second ballot fails."""

    inquiry_department = models.ForeignKey(InquiryDepartment, on_delete=models.CASCADE, related_name="+")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code = models.ForeignKey(VotingCode, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("投票记录")
        verbose_name_plural = _("投票记录")
        constraints = [
            models.UniqueConstraint(fields=["inquiry_department", "voter"], name="voice_marker_voter_unique"),
            models.UniqueConstraint(fields=["inquiry_department", "code"], name="voice_marker_code_unique"),
            models.CheckConstraint(
                condition=Q(voter__isnull=False, code__isnull=True) | Q(voter__isnull=True, code__isnull=False),
                name="voice_marker_one_voter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inquiry_department_id}"


class BallotCount(models.Model):
    """The ballot box of one department for one choice: how many ballots said 好 (or 较好 …).

    Ballots are counted, not stored one per row: a row per ballot would carry an insertion order (its id,
    its place on disk) that could be matched with the order of the voters' markers. A counter has no
    order, no time and no voter, so nobody — not even someone reading the database — can link a ballot
    to a voter."""

    inquiry_department = models.ForeignKey(InquiryDepartment, on_delete=models.CASCADE, related_name="counts")
    choice = models.CharField(_("评价"), max_length=12, choices=BallotChoice.choices)
    count = models.PositiveIntegerField(_("票数"), default=0)

    class Meta:
        verbose_name = _("票数")
        verbose_name_plural = _("票数")
        constraints = [
            models.UniqueConstraint(fields=["inquiry_department", "choice"], name="voice_ballot_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.inquiry_department_id}: {self.choice} {self.count}"


# ------------------------------------------------------------------------------ experience officers


class OfficerApplication(models.Model):
    """One application to serve as 营商环境体验官, its decision and, once approved, the term served."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="officer_applications")
    background = models.CharField(_("身份"), max_length=20, choices=OfficerBackground.choices)
    organisation = models.CharField(_("单位"), max_length=100, blank=True)
    statement = models.TextField(_("申请理由"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING, db_index=True
    )
    term_start = models.DateField(_("聘期开始"), null=True, blank=True)
    term_end = models.DateField(_("聘期结束"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)

    class Meta:
        verbose_name = _("体验官申请")
        verbose_name_plural = _("体验官申请")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.status}"


def _stars(label):
    return models.PositiveSmallIntegerField(label, validators=[MinValueValidator(1), MaxValueValidator(5)])


class ServiceReview(models.Model):
    """One experience of a service item (or a bundle, rated on one of its items) by an officer: 1–5
    stars per dimension and the findings; a finding may become a problem (``issue``)."""

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_reviews")
    service_item = models.ForeignKey(
        "services.ServiceItem", verbose_name=_("服务事项"), on_delete=models.PROTECT, related_name="officer_reviews"
    )
    bundle = models.ForeignKey(
        "services.Bundle", verbose_name=_("一件事"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "portal.Enterprise",
        verbose_name=_("体验时代办的企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    efficiency = _stars(_("办事效率"))
    clarity = _stars(_("指南清晰"))
    convenience = _stars(_("便捷度"))
    attitude = _stars(_("服务态度"))
    findings = models.TextField(_("发现的问题与建议"), blank=True)
    reviewed_at = models.DateTimeField(_("体验时间"), default=timezone.now, db_index=True)
    issue = models.OneToOneField(
        "issues.Issue", null=True, blank=True, on_delete=models.PROTECT, related_name="officer_review"
    )

    class Meta:
        verbose_name = _("体验评价")
        verbose_name_plural = _("体验评价")
        ordering = ["-reviewed_at", "-id"]
        indexes = [models.Index(fields=["service_item", "reviewed_at"])]

    def __str__(self) -> str:
        return f"{self.service_item_id}: {self.officer_id} {self.reviewed_at:%Y-%m-%d}"
