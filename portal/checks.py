"""System checks of the core app: the audit trail's protection (issue 12, finding 7).

``portal.W001``/``W002`` run with the database checks (``manage.py check --database default``, and
``migrate``; the deployment runs the former before starting the app, docs/deployment.md): they warn when
the application connects to PostgreSQL as a superuser or as (a member of) the role that owns the audit
table, because then it could disable the triggers and erase the trail."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError, connections


@register()
def audit_retention_check(app_configs, **kwargs):
    if settings.AUDIT_RETENTION_DAYS < 184:
        return [
            Error(
                "AUDIT_RETENTION_DAYS is below 184 days.",
                hint="等保2.0 asks for at least six months of audit records; set DJANGO_AUDIT_RETENTION_DAYS ≥ 184.",
                id="portal.E001",
            )
        ]
    return []


AUDIT_ROLE_QUERY = """
SELECT r.rolsuper,
       t.tableowner,
       pg_has_role(current_user, t.tableowner, 'MEMBER')
FROM pg_roles r, pg_tables t
WHERE r.rolname = current_user AND t.schemaname = current_schema() AND t.tablename = 'portal_auditlog'
"""


def audit_role_warnings(connection) -> list:
    if connection.vendor != "postgresql":
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute(AUDIT_ROLE_QUERY)
            row = cursor.fetchone()
    except DatabaseError:
        return []
    if row is None:
        return []
    superuser, owner, member_of_owner = row
    if superuser:
        return [
            Warning(
                "The application connects to PostgreSQL as a superuser: it could erase the audit trail.",
                hint="Connect as the application role set up by `manage.py db_roles` (docs/deployment.md).",
                id="portal.W001",
            )
        ]
    if member_of_owner:
        return [
            Warning(
                f"The application connects as the owner of the audit table ({owner}): it could disable the "
                "audit triggers and erase the trail.",
                hint="Let a separate owner role own the schema: `manage.py db_roles` (docs/deployment.md).",
                id="portal.W002",
            )
        ]
    return []


@register(Tags.database)
def audit_role_check(app_configs, databases=None, **kwargs):
    warnings = []
    for alias in databases or []:
        warnings += audit_role_warnings(connections[alias])
    return warnings
