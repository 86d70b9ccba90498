from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.choices import STAFF_ROLES, Role


class User(AbstractUser):
    """One person who logs in: an enterprise member, a clerk, a handler, a supervisor or an admin.

    ``role`` is the person's main role; staff roles belong to ``department`` (a clerk's service
    centre, a handler's department). Enterprise membership lives in :class:`Membership`.
    """

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.ENTERPRISE)
    department = models.ForeignKey(
        "portal.Department",
        verbose_name=_("所属部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    office_phone = models.CharField(_("办公电话"), max_length=30, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_portal_staff(self) -> bool:
        return self.is_authenticated and (self.role in STAFF_ROLES or self.is_superuser)

    def has_role(self, *roles: str) -> bool:
        if not self.is_authenticated or not self.is_active:
            return False
        if self.is_superuser and Role.ADMIN in roles:
            return True
        return self.role in roles

    def save(self, *args, **kwargs):
        # A new password ends every API token issued under the old one (``set_password`` keeps the raw
        # password in ``_password`` until the next save).
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            from portal.actions import api_tokens_revoke

            api_tokens_revoke(actor=None, user=self, reason="password_changed")
