"""Choice lists of the policies app. Values are readable English slugs; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyMode(models.TextChoices):
    EXEMPT = "exempt", _("免申即享")
    FAST = "fast", _("快申快享")
    APPLY = "apply", _("申报制")


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    EXPIRED = "expired", _("已失效")


class EntitlementStatus(models.TextChoices):
    PENDING = "pending", _("待兑付确认")
    CONFIRMED = "confirmed", _("已确认兑付")
    WITHDRAWN = "withdrawn", _("已撤回")


class Operator(models.TextChoices):
    GTE = "gte", "≥"
    GT = "gt", ">"
    LTE = "lte", "≤"
    LT = "lt", "<"
    EQ = "eq", "="
    NE = "ne", "≠"
    IN = "in", _("属于")
    NOT_IN = "not_in", _("不属于")
    BETWEEN = "between", _("介于（含两端）")
    GT_LTE = "gt_lte", _("大于…且不超过…")
    IS_TRUE = "is_true", _("是")
    IS_FALSE = "is_false", _("否")
