"""Models of the insights app: the similar-problem index, common problems (共性问题) and their reuse.

The index rows are derived data (rebuilt by ``manage.py insights_reindex``); common problems are
records staff keep, changed only through :mod:`insights.actions`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.permissions import is_handler, is_portal_staff, reads_all_cases

from .choices import CommonIssueStatus, LedgerExportStatus, LedgerKind, MechanismKind
from .storage import ledger_export_storage


class IssueSearchDoc(models.Model):
    """The search entry of one problem: its title and description cut into index terms.

    On PostgreSQL the table also has ``search_vector tsvector GENERATED ALWAYS AS
    (to_tsvector('simple', tokens)) STORED`` with a GIN index (migration 0002), so the vector can never
    disagree with ``tokens``. The foreign key has no database constraint on purpose: the index is
    derived data that bulk rebuilds and the benchmark load with COPY; deleting a problem still removes
    its entry (Django's cascade).
    """

    issue = models.OneToOneField(
        "issues.Issue", on_delete=models.CASCADE, related_name="search_doc", db_constraint=False
    )
    tokens = models.TextField(_("索引词"))
    length = models.PositiveIntegerField(_("词数"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("问题检索索引")
        verbose_name_plural = _("问题检索索引")

    def __str__(self) -> str:
        return f"{self.issue_id}: {self.tokens[:40]}"


class SearchTerm(models.Model):
    """One (term, problem) pair of the inverted index used where PostgreSQL full-text search is not
    available (SQLite, the embedded default). Not written on PostgreSQL."""

    issue_id = models.BigIntegerField()
    token = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("检索词条")
        verbose_name_plural = _("检索词条")
        indexes = [models.Index(fields=["token", "issue_id"]), models.Index(fields=["issue_id"])]

    def __str__(self) -> str:
        return f"{self.token} → {self.issue_id}"


class TermStat(models.Model):
    """How many indexed problems contain one term (document frequency), for idf weights: the folded
    sum of :class:`TermStatChange` rows, written only by the scheduled fold (never by a problem's save,
    so no two saves contend on a common term's row)."""

    token = models.CharField(max_length=64, primary_key=True)
    df = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("词频统计")
        verbose_name_plural = _("词频统计")

    def __str__(self) -> str:
        return f"{self.token}: {self.df}"


class TermStatChange(models.Model):
    """One pending change of a document frequency: +1 when an indexed problem gains ``token``, −1 when
    it loses it. Indexing only appends these rows (no shared row is updated); the scheduled
    :func:`insights.similarity.fold_term_changes` adds them into :class:`TermStat` and deletes them,
    and a search adds the few still pending, so frequencies are exact at every moment."""

    token = models.CharField(max_length=64)
    delta = models.SmallIntegerField()

    class Meta:
        verbose_name = _("词频变动")
        verbose_name_plural = _("词频变动")
        indexes = [models.Index(fields=["token"])]

    def __str__(self) -> str:
        return f"{self.token} {self.delta:+d}"


class CommonIssueQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff who see all problems see every common problem; a handler those its department leads
        or that link a problem of its department; enterprises and anonymous users only the published
        ones (through the public library, which shows public fields only)."""
        if reads_all_cases(user):
            return self
        if is_handler(user) and user.department_id:
            return self.filter(
                Q(lead_department_id=user.department_id)
                | Q(links__issue__lead_department_id=user.department_id)
                | Q(is_public=True)
            ).distinct()
        return self.filter(is_public=True)

    def public(self):
        return self.filter(is_public=True)


class CommonIssue(models.Model):
    """One 共性问题: the same difficulty raised by many enterprises (across regions and channels),
    with its root cause, the department leading the fix, the lasting mechanism (长效机制) adopted and,
    through :class:`CommonIssueReuse`, the places where the solution has been reused.

    ``title``, ``summary``, ``solution`` and ``mechanism`` are written for the public library and must
    not name enterprises or people; ``root_cause`` and ``internal_note`` are for staff.
    """

    reference = models.CharField(_("编号"), max_length=30, unique=True, editable=False)
    title = models.CharField(_("标题"), max_length=120)
    summary = models.TextField(_("问题概述"), help_text=_("公开展示，不写企业名称和个人信息。"))
    root_cause = models.TextField(_("根源分析"), blank=True)
    lead_department = models.ForeignKey(
        "portal.Department", verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="common_issues"
    )
    category = models.ForeignKey(
        "issues.Category", verbose_name=_("问题分类"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    solution = models.TextField(_("统一答复（公开）"), blank=True)
    mechanism_kind = models.CharField(_("长效机制类型"), max_length=20, choices=MechanismKind.choices, blank=True)
    mechanism = models.TextField(_("长效机制"), blank=True)
    mechanism_adopted_on = models.DateField(_("机制出台日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=CommonIssueStatus.choices, default=CommonIssueStatus.OPEN, db_index=True
    )
    is_public = models.BooleanField(_("在经验库公开"), default=False)
    is_exemplary = models.BooleanField(_("典型案例"), default=False)
    internal_note = models.TextField(_("内部备注"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    answered_at = models.DateTimeField(_("统一答复时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = CommonIssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("共性问题")
        verbose_name_plural = _("共性问题")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["is_public", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class CommonIssueLink(models.Model):
    """One problem counted under a common problem. A problem belongs to at most one common problem."""

    common_issue = models.ForeignKey(CommonIssue, on_delete=models.CASCADE, related_name="links")
    issue = models.OneToOneField("issues.Issue", on_delete=models.CASCADE, related_name="common_link")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(_("关联时间"), default=timezone.now)
    score = models.FloatField(_("相似度"), null=True, blank=True)

    class Meta:
        verbose_name = _("共性问题关联")
        verbose_name_plural = _("共性问题关联")
        ordering = ["linked_at", "id"]

    def __str__(self) -> str:
        return f"{self.common_issue_id} ← {self.issue_id}"


class CommonIssueReuse(models.Model):
    """One place (region, optionally a department there) that adopted the solution of a common problem:
    一地突破、全域共享."""

    common_issue = models.ForeignKey(CommonIssue, on_delete=models.CASCADE, related_name="reuses")
    region = models.ForeignKey("portal.Region", verbose_name=_("复用地区"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "portal.Department",
        verbose_name=_("复用部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("复用情况"), blank=True)
    reused_on = models.DateField(_("复用日期"), default=timezone.localdate)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("推广复用记录")
        verbose_name_plural = _("推广复用记录")
        ordering = ["reused_on", "id"]
        constraints = [models.UniqueConstraint(fields=["common_issue", "region"], name="uniq_common_issue_reuse")]

    def __str__(self) -> str:
        return f"{self.common_issue_id} @ {self.region_id}"


class LedgerExportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only the member of staff who asked for an export sees it (deny by default): not other
        staff, not administrators — the file may hold unmasked personal data that only the requester
        was cleared and audited for."""
        if is_portal_staff(user):
            return self.filter(requested_by=user)
        return self.none()


class LedgerExport(models.Model):
    """One 台账 export too large to be written inside a web request (more rows than
    ``settings.LEDGER_EXPORT_ASYNC_ROWS``): who asked for which ledger with which filters (as data,
    which the worker applies again with the requester's permissions), whether contacts are unmasked,
    how far the work is and — once done — the xlsx file in private storage, until the retention
    period deletes it and the job shows as expired. Changed only through :mod:`insights.actions`."""

    ledger = models.CharField(_("台账"), max_length=20, choices=LedgerKind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="ledger_exports"
    )
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    period_label = models.CharField(_("统计周期"), max_length=30)
    description = models.CharField(_("导出范围"), max_length=200)
    unmasked = models.BooleanField(_("含完整联系方式"), default=False)
    language = models.CharField(_("语言"), max_length=10, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=LedgerExportStatus.choices, default=LedgerExportStatus.QUEUED, db_index=True
    )
    version = models.PositiveIntegerField(default=0, editable=False)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    row_count = models.PositiveIntegerField(_("行数"), null=True, blank=True)
    file = models.FileField(
        _("文件"), storage=ledger_export_storage, upload_to="%Y/%m/", max_length=200, blank=True, editable=False
    )
    error = models.TextField(_("错误信息"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = LedgerExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("台账导出任务")
        verbose_name_plural = _("台账导出任务")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"]),
            models.Index(fields=["status", "finished_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_ledger_display()} {self.description}"

    @property
    def download_name(self) -> str:
        """The name the immediate download of the same ledger has."""
        return f"{self.ledger}-{self.period_label}.xlsx"

    def can_download(self) -> bool:
        return self.status == LedgerExportStatus.DONE and bool(self.file)


class RankingDay(models.Model):
    """The 晾晒 figures of one department for the problems first dispatched on one day (a rollup).

    A ranking sums these rows over its period instead of reading every problem: the cost follows the
    period's departments × days, not the table. ``received`` … ``follow_up_satisfied`` count the problems
    the department leads whose first dispatch fell on ``day`` (the conditions of
    :func:`insights.rankings.metric_filters`); ``returns`` and ``extensions`` count what the department
    itself did on that day's problems; ``reply_days`` / ``close_days`` are the working days from first
    dispatch to the reply / to 办结 summed over ``reply_count`` / ``close_count`` problems (calendar of
    :class:`RankingRollupState.calendar_fingerprint`). Written only by :mod:`insights.rollups`, always
    recomputed from the raw rows of whole days.
    """

    day = models.DateField(_("首次交办日期"))
    department = models.ForeignKey(
        "portal.Department", verbose_name=_("部门"), on_delete=models.CASCADE, related_name="+"
    )
    received = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    accepted_on_time = models.PositiveIntegerField(default=0)
    replied = models.PositiveIntegerField(default=0)
    replied_on_time = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    followed_up = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    follow_up_rated = models.PositiveIntegerField(default=0)
    follow_up_satisfied = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    returns = models.PositiveIntegerField(default=0)
    extensions = models.PositiveIntegerField(default=0)
    reply_days = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    close_days = models.PositiveIntegerField(default=0)
    close_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("晾晒日汇总")
        verbose_name_plural = _("晾晒日汇总")
        constraints = [models.UniqueConstraint(fields=["day", "department"], name="insights_rankingday_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}"


class RankingRollupState(models.Model):
    """The one row saying how far :class:`RankingDay` goes (the watermark of the scheduled refresh).

    ``event_id``: the newest problem event the last refresh saw; ``delta_from_id``: the newest one the
    refresh before saw. Every day touched by an event after ``delta_from_id`` is recounted from the raw
    rows at read time (one refresh of overlap, for a transaction that committed late), so a ranking
    always equals the recount. ``calendar_fingerprint``: the working-day calendar the day sums were
    counted with (empty: never built); a different calendar makes the rows unusable until rebuilt.
    """

    event_id = models.BigIntegerField(default=0)
    delta_from_id = models.BigIntegerField(default=0)
    calendar_fingerprint = models.CharField(max_length=64, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("晾晒汇总状态")
        verbose_name_plural = _("晾晒汇总状态")

    def __str__(self) -> str:
        return f"{self.event_id} @ {self.refreshed_at}"
