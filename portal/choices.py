"""Choice lists of the core app. Values are readable English slugs; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业用户")
    CLERK = "clerk", _("窗口人员")
    HANDLER = "handler", _("部门承办人")
    SUPERVISOR = "supervisor", _("督办人员")
    ADMIN = "admin", _("系统管理员")
    SECURITY = "security", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")
    # A calling system's service account (one per Open311 key): registers problems on the key's channel
    # and nothing else. It never logs in (no usable password) and sees nothing through visible_to().
    INTEGRATION = "integration", _("对接系统")
    # Outside people with a voice (issue 17): not portal staff, they see no problems.
    DEPUTY = "deputy", _("人大代表")
    OFFICER = "officer", _("营商环境体验官")


STAFF_ROLES = frozenset({Role.CLERK, Role.HANDLER, Role.SUPERVISOR, Role.ADMIN, Role.SECURITY, Role.AUDITOR})
# 三员分立: the system, security and audit administrators. None of them can change its own or another
# one's account in the application; the operator assigns these roles on the server (``manage.py
# set_role``).
PRIVILEGED_ROLES = frozenset({Role.ADMIN, Role.SECURITY, Role.AUDITOR})


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县区")
    TOWNSHIP = "township", _("乡镇")


class DepartmentKind(models.TextChoices):
    GOVERNMENT = "government", _("政府部门")
    BOARD = "board", _("增值服务板块")
    TASK_FORCE = "task_force", _("产业链专班")
    CATCH_ALL = "catch_all", _("兜底办")
    SERVICE_CENTRE = "service_centre", _("企业综合服务中心")


class Board(models.TextChoices):
    POLICY = "policy", _("政策")
    TECH = "tech", _("科创")
    TALENT = "talent", _("人才")
    FINANCE = "finance", _("金融")
    IP = "ip", _("知识产权")
    OPENING = "opening", _("开放")
    LAW = "law", _("法治")
    PROJECT = "project", _("项目")
    REGISTRATION = "registration", _("商事登记")


class SizeClass(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class Certification(models.TextChoices):
    HIGH_TECH = "high_tech", _("高新技术企业")
    TECH_SME = "tech_sme", _("科技型中小企业")
    SPECIALIZED = "specialized", _("专精特新中小企业")
    LITTLE_GIANT = "little_giant", _("专精特新“小巨人”企业")
    INNOVATIVE_SME = "innovative_sme", _("创新型中小企业")
    RD_CENTRE = "rd_centre", _("省级企业研发中心")
    EXPORTER = "exporter", _("对外贸易经营者备案")


class TaxCreditGrade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    M = "M", "M"
    C = "C", "C"
    D = "D", "D"


class MembershipKind(models.TextChoices):
    LEGAL_REP = "legal_rep", _("法定代表人")
    AGENT = "agent", _("经办人")


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("待核验")
    VERIFIED = "verified", _("已核验")
    REJECTED = "rejected", _("已驳回")


class NotificationChannel(models.TextChoices):
    INBOX = "inbox", _("站内信")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    SKIPPED = "skipped", _("无需发送")
