"""Choice lists of the issues app. Values are readable English slugs (docs/api.md); labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IssueStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待交办")
    DISPATCHED = "dispatched", _("已交办")
    ACCEPTED = "accepted", _("已签收")
    RETURNED = "returned", _("已退回")
    REPLIED = "replied", _("已答复")
    FOLLOWED_UP = "followed_up", _("已回访")
    CLOSED = "closed", _("已办结")
    REOPENED = "reopened", _("重办中")
    WITHDRAWN = "withdrawn", _("已撤回")


# The status groups (open, working, …) are declared with the state machine: issues.workflow.GROUPS.


class Discovery(models.TextChoices):
    PASSIVE = "passive", _("被动受理")
    ACTIVE = "active", _("主动发现")


class Tier(models.TextChoices):
    GENERAL = "general", _("一般")
    COMPLEX = "complex", _("复杂")
    DIFFICULT = "difficult", _("疑难")


class Level(models.TextChoices):
    TOWNSHIP = "township", _("乡镇")
    COUNTY = "county", _("县区")
    CITY = "city", _("市")
    PROVINCE = "province", _("省")


LEVEL_ORDER = [Level.TOWNSHIP, Level.COUNTY, Level.CITY, Level.PROVINCE]


class Light(models.TextChoices):
    ON_TIME = "on_time", _("正常")
    DUE_SOON = "due_soon", _("临期")
    OVERDUE = "overdue", _("超期")
    NONE = "none", _("无时限")


class RatingScore(models.IntegerChoices):
    """GB/T 39734-2020 five levels."""

    VERY_DISSATISFIED = 1, _("非常不满意")
    DISSATISFIED = 2, _("不满意")
    BASIC = 3, _("基本满意")
    SATISFIED = 4, _("满意")
    VERY_SATISFIED = 5, _("非常满意")


class RatingSource(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业自评")
    FOLLOW_UP = "follow_up", _("回访时代录（旧数据）")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回（已答复）")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("待裁定")
    UPHELD = "upheld", _("申诉成立")
    DISMISSED = "dismissed", _("申诉不成立")


class OverdueStep(models.TextChoices):
    DISPATCH = "dispatch", _("交办超期")
    REPLY = "reply", _("答复超期")
    FOLLOW_UP = "follow_up", _("回访超期")


EVENT_LABELS = {
    "submit": _("提交问题"),
    "classify": _("分类定级"),
    "withdraw": _("撤回"),
    "dispatch": _("交办"),
    "accept": _("签收"),
    "return": _("退回"),
    "reply": _("答复"),
    "request_extension": _("申请延期"),
    "approve_extension": _("同意延期"),
    "reject_extension": _("驳回延期"),
    "escalate": _("提级"),
    "follow_up": _("回访"),
    "follow_up_unreached": _("回访（未联系上）"),
    "rate": _("评价"),
    "reopen": _("重办"),
    "close": _("办结"),
    "overdue": _("超期督办"),
    "appeal": _("差评申诉"),
    "decide_appeal": _("申诉裁定"),
    "attachment": _("上传附件"),
    "co_opinion": _("协办意见"),
    "urge": _("督办催办"),
    "withdraw_extension": _("撤回延期申请"),
    "refer_to_supervisor": _("重办已达上限，转督办"),
    "consult": _("集中会商"),
}
