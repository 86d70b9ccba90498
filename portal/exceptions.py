"""Errors that actions raise; views turn them into messages, the API into 400/409 JSON."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class ActionError(ValidationError):
    """The input is wrong (400). Subclass of ValidationError so forms and DRF show its message."""


class TransitionNotAllowed(Exception):
    """The move is not allowed from the object's current state (409)."""

    def __init__(self, message=None):
        super().__init__(message or _("当前状态下不能执行此操作。"))
        self.message = message or _("当前状态下不能执行此操作。")


class ConcurrentUpdate(TransitionNotAllowed):
    """Someone else changed the object first (409)."""

    def __init__(self, message=None):
        super().__init__(message or _("该记录已被他人修改，请刷新后重试。"))


class PermissionDeniedError(Exception):
    """The user may see the object but not perform this action on it (403)."""

    def __init__(self, message=None):
        super().__init__(message or _("您没有执行此操作的权限。"))
        self.message = message or _("您没有执行此操作的权限。")
