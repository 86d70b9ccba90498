"""Choice lists of the voice app. Values are readable English slugs; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MeetingKind(models.TextChoices):
    """The formats of a 政企恳谈会; each brings problems in through one intake channel (CHANNEL_OF_KIND)."""

    ROUNDTABLE = "roundtable", _("政企恳谈会")
    INDUSTRY_CHAIN = "industry_chain", _("产业链恳谈会")
    CHAMBER = "chamber", _("商会恳谈会")
    SALON = "salon", _("茶咖沙龙")


# The issues Channel code (issues migration 0002) a problem raised at a meeting of each kind comes in by.
CHANNEL_OF_KIND = {
    MeetingKind.ROUNDTABLE: "roundtable",
    MeetingKind.INDUSTRY_CHAIN: "roundtable",
    MeetingKind.CHAMBER: "roundtable",
    MeetingKind.SALON: "roundtable",
}
OFFICER_CHANNEL = "experience-officer"


class InquiryStatus(models.TextChoices):
    DRAFT = "draft", _("准备中")
    VOTING = "voting", _("投票中")
    CLOSED = "closed", _("已公布结果")


class BallotChoice(models.TextChoices):
    GOOD = "good", _("好")
    FAIRLY_GOOD = "fairly_good", _("较好")
    AVERAGE = "average", pgettext_lazy("ballot", "一般")  # not the difficulty 一般 (routine)
    POOR = "poor", _("差")


class OfficerBackground(models.TextChoices):
    DEPUTY = "deputy", _("人大代表")
    CPPCC = "cppcc", _("政协委员")
    ENTREPRENEUR = "entrepreneur", _("企业家")
    JOURNALIST = "journalist", _("媒体记者")
    OTHER = "other", _("其他")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已聘任")
    REJECTED = "rejected", _("未通过")


# The four dimensions an experience officer rates, 1–5 stars each: (field name, label).
REVIEW_DIMENSIONS = (
    ("efficiency", _("办事效率")),
    ("clarity", _("指南清晰")),
    ("convenience", _("便捷度")),
    ("attitude", _("服务态度")),
)
