"""One permission mechanism, deny by default (DESIGN.md rule 7).

Pages declare the roles that may open them with :class:`RoleRequiredMixin`; objects are fetched
through the model's ``visible_to(user)`` queryset, so another enterprise's object is a 404.
The API uses :class:`HasPortalRole` with the same declaration.

The role groups and the predicates on them (``is_clerk``, ``is_handler``, ``reads_all_cases`` …) are the one
role vocabulary: ``visible_to``, views, actions, admin and templates (``{% if user|is_a:"clerk" %}``) ask
them instead of spelling out roles.
"""

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from portal.choices import PRIVILEGED_ROLES, STAFF_ROLES, Role

# --- the role vocabulary: each group of roles named once, and asked through the predicates below -------
ENTERPRISE_ROLES = frozenset({Role.ENTERPRISE})
# Window work (窗口): the clerks, and the supervisors and system administrators who may do what they do.
CLERK_ROLES = frozenset({Role.CLERK, Role.SUPERVISOR, Role.ADMIN})
HANDLER_ROLES = frozenset({Role.HANDLER})
SUPERVISOR_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
ADMIN_ROLES = frozenset({Role.ADMIN})
AUDIT_ROLES = frozenset({Role.AUDITOR})
DEPUTY_ROLES = frozenset({Role.DEPUTY})
OFFICER_ROLES = frozenset({Role.OFFICER})
INTEGRATION_ROLES = frozenset({Role.INTEGRATION})
# Who reads every case (problems, applications, common problems): window work and the audit administrator.
CASE_READER_ROLES = CLERK_ROLES | AUDIT_ROLES
ALL_STAFF = STAFF_ROLES


class LinkHolder(AnonymousUser):
    """Whoever opens a signed, expiring link to one enterprise's status page (企业码): not logged in,
    and allowed to see that enterprise and its problems only. The models' ``visible_to`` answer for
    it like for anyone else, so the signed page asks the same question as every other page."""

    def __init__(self, enterprise_id: int):
        super().__init__()
        self.link_enterprise_id = enterprise_id


def link_enterprise_id(user) -> int | None:
    """The enterprise a :class:`LinkHolder` may see; None for everyone else."""
    return getattr(user, "link_enterprise_id", None)


def user_has_role(user, roles) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_role(*roles))


def is_enterprise_user(user) -> bool:
    """An enterprise's account (it acts for the enterprises it is a verified member of)."""
    return user_has_role(user, ENTERPRISE_ROLES)


def is_clerk(user) -> bool:
    """Does window work: a clerk, a supervisor or the system administrator."""
    return user_has_role(user, CLERK_ROLES)


def is_handler(user) -> bool:
    """A department's handler (部门承办人)."""
    return user_has_role(user, HANDLER_ROLES)


def is_supervisor(user) -> bool:
    """Supervises (督办): a supervisor or the system administrator."""
    return user_has_role(user, SUPERVISOR_ROLES)


def is_admin(user) -> bool:
    """The system administrator (catalogues, drafts, configuration)."""
    return user_has_role(user, ADMIN_ROLES)


def is_auditor(user) -> bool:
    return user_has_role(user, AUDIT_ROLES)


def is_deputy(user) -> bool:
    """A deputy of the people's congress (人大代表): votes on inquiries."""
    return user_has_role(user, DEPUTY_ROLES)


def is_officer(user) -> bool:
    """A business-environment officer (营商环境体验官): records what they find."""
    return user_has_role(user, OFFICER_ROLES)


def is_calling_system(user) -> bool:
    """A calling system's service account (one per Open311 key)."""
    return user_has_role(user, INTEGRATION_ROLES)


def reads_all_cases(user) -> bool:
    """Reads every problem, application and common problem: window work, the audit administrator and a
    superuser (whatever its role)."""
    return bool(
        user and user.is_authenticated and user.is_active and (user.is_superuser or user.has_role(*CASE_READER_ROLES))
    )


def is_portal_staff(user) -> bool:
    """Any member of staff (not an enterprise, a deputy, an officer or a calling system)."""
    return bool(user and user.is_authenticated and user.is_active and user.is_portal_staff)


# The names templates use: ``{% if user|is_a:"clerk" %}`` (portal_tags.is_a).
ROLE_PREDICATES = {
    "enterprise": is_enterprise_user,
    "clerk": is_clerk,
    "handler": is_handler,
    "supervisor": is_supervisor,
    "admin": is_admin,
    "auditor": is_auditor,
    "case_reader": reads_all_cases,
    "staff": is_portal_staff,
    "deputy": is_deputy,
    "officer": is_officer,
}


# --- who is told: the active accounts whose main role is one role (notification recipients, not who may) --


def _active_with_role(role):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(role=role, is_active=True)


def department_handlers(department_ids):
    """The active handlers of these departments."""
    return _active_with_role(Role.HANDLER).filter(department_id__in=list(department_ids))


def supervisor_accounts():
    """The active supervisors (not the system administrator, who may supervise but is not told)."""
    return _active_with_role(Role.SUPERVISOR)


def clerk_accounts():
    """The active clerks (not supervisors or the system administrator)."""
    return _active_with_role(Role.CLERK)


# --- 三员分立: the three administrators' powers, by role only (a superuser flag grants none of them) ----


def _acts_as(user, role) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role == role)


def can_read_audit_log(user) -> bool:
    """Only the audit administrator reads the audit trail (not the system administrator, not a superuser)."""
    return _acts_as(user, Role.AUDITOR)


def is_privileged_account(user) -> bool:
    return bool(user.role in PRIVILEGED_ROLES or user.is_superuser)


def can_manage_accounts(user) -> bool:
    """The system administrator creates and edits ordinary accounts (never the three administrators')."""
    return _acts_as(user, Role.ADMIN)


def can_edit_account(actor, target) -> bool:
    """Whether ``actor`` may edit ``target`` (profile, role, password) in the application: only the system
    administrator, and only ordinary accounts, never its own, the security or the audit administrator's."""
    return can_manage_accounts(actor) and not is_privileged_account(target) and actor.pk != target.pk


def can_unlock_accounts(user) -> bool:
    """The security administrator lifts a sign-in back-off."""
    return _acts_as(user, Role.SECURITY)


def can_manage_tokens(user) -> bool:
    """System and security administrators list and revoke anyone's API tokens."""
    return _acts_as(user, Role.ADMIN) or _acts_as(user, Role.SECURITY)


class RoleRequiredMixin(AccessMixin):
    """Anonymous → login page; logged in without one of ``allowed_roles`` → 403."""

    allowed_roles: frozenset[str] = frozenset()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not user_has_role(request.user, self.allowed_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class HasPortalRole(BasePermission):
    """API permission: the view's ``allowed_roles`` (all authenticated users when it has none)."""

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        roles = getattr(view, "allowed_roles", None)
        per_action = getattr(view, "action_roles", {}) or {}
        action = getattr(view, "action", None)
        if action in per_action:
            roles = per_action[action]
        if roles is None:
            return True
        return user_has_role(request.user, roles)
