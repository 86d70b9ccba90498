"""Choice lists of the insights app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommonIssueStatus(models.TextChoices):
    OPEN = "open", _("研究破解中")
    ANSWERED = "answered", _("已统一答复")
    INSTITUTIONALISED = "institutionalised", _("已形成长效机制")


class MechanismKind(models.TextChoices):
    POLICY = "policy", _("政策调整")
    PROCESS = "process", _("流程再造")
    STANDARD = "standard", _("标准规范")
    COORDINATION = "coordination", _("部门协同机制")
    PLATFORM = "platform", _("平台建设")
    OTHER = "other", _("其他")


class LedgerKind(models.TextChoices):
    ISSUES = "issues", _("涉企问题台账")
    APPLICATIONS = "applications", _("一类事申请台账")


class LedgerExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    EXPIRED = "expired", _("已过期")
