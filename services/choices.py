"""Choice lists of the services app. Values are readable English slugs; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemType(models.TextChoices):
    LICENSING = "licensing", _("行政许可")
    CONFIRMATION = "confirmation", _("行政确认")
    FILING = "filing", _("行政备案")
    BENEFIT = "benefit", _("行政给付")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")
    VALUE_ADDED = "value_added", _("增值服务")


class ItemKind(models.TextChoices):
    BASIC = "basic", _("基本服务")
    VALUE_ADDED = "value_added", _("增值服务")


class ProviderSide(models.TextChoices):
    GOVERNMENT = "government", _("政府侧")
    SOCIETY = "society", _("社会侧")
    MARKET = "market", _("市场侧")


class Automation(models.TextChoices):
    MANUAL = "manual", _("人工办理")
    LICENSE_EXPIRY = "license_expiry", _("证照到期提醒（自动）")
    ANNUAL_REPORT = "annual_report", _("年报提醒（自动）")


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("原件")
    COPY = "copy", _("复印件")
    ELECTRONIC = "electronic", _("电子材料")


class BundleKind(models.TextChoices):
    LIFECYCLE = "lifecycle", _("企业生命周期")
    INDUSTRY_CHAIN = "industry_chain", _("产业链")


class LifecycleStage(models.TextChoices):
    OPENING = "opening", _("企业开办")
    CONSTRUCTION = "construction", _("项目建设")
    EMPLOYMENT = "employment", _("招聘用工/人才")
    INNOVATION = "innovation", _("科技创新")
    FINANCING = "financing", _("融资")
    TRADE = "trade", _("外贸开放")
    CHANGE = "change", _("变更/迁移/注销")


class Channel(models.TextChoices):
    ONLINE = "online", _("线上门户")
    WINDOW = "window", _("综合窗口")
    APP = "app", _("浙里办/企业码")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    IN_PROGRESS = "in_progress", _("办理中")
    NEEDS_MATERIALS = "needs_materials", _("待补正")
    DONE = "done", _("已办结")
    PARTLY_DONE = "partly_done", _("部分办结")
    REFUSED = "refused", _("不予受理")


class TaskStatus(models.TextChoices):
    PENDING = "pending", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    IN_PROGRESS = "in_progress", _("办理中")
    SUPPLEMENT = "supplement", _("补正材料")
    DONE = "done", _("已办结")
    REFUSED = "refused", _("不予受理")


class TaskEvent(models.TextChoices):
    ACCEPT = "accept", _("受理")
    START = "start", _("开始办理")
    REQUEST_MATERIALS = "request_materials", _("要求补正材料")
    RESUME = "resume", _("材料已补齐")
    COMPLETE = "complete", _("办结")
    REJECT = "reject", _("不予受理")
