"""System checks of the core app.

1. The audit trail's protection (issue 12, finding 7).

``portal.W001``/``W002`` run with the database checks (``manage.py check --database default``, and
``migrate``; the deployment runs the former before starting the app, docs/deployment.md): they warn when
the application connects to PostgreSQL as a superuser or as (a member of) the role that owns the audit
table, because then it could disable the triggers and erase the trail.

2. The static files manifest: production stores static files under hashed names
(``CompressedManifestStaticFilesStorage``), and a page that links a file missing from
``collectstatic``'s manifest answers 500. Without a manifest that is every page. So the check is an
Error: in ``manage.py check --deploy``, and at start-up, where :func:`raise_on_static_manifest_errors`
(called by ``portal/wsgi.py`` and ``portal/asgi.py``) stops gunicorn from booting instead of serving
500s. It is a deployment check so that ``collectstatic`` itself, ``migrate`` and the workers, which do
not need the manifest, still run.
"""

from django.conf import STATICFILES_STORAGE_ALIAS, settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core import checks
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages
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


def connected_as_superuser(connection) -> bool:
    """Whether ``connection`` (PostgreSQL) is a superuser's: only one may switch triggers off for its own
    transaction (``session_replication_role = replica``), as seed_scale and the tests' flush do."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return bool(cursor.fetchone()[0])


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


# --- Static files manifest ---------------------------------------------------------------------


# collectstatic's default ignore patterns: the files it never copies.
IGNORE_PATTERNS = ["CVS", ".*", "*~"]
HINT = "Run `manage.py collectstatic --noinput` with these settings (docs/deployment.md, section 5)."


def collectable_static_files() -> set[str]:
    """Every static file collectstatic would copy, as manifest keys (forward slashes)."""
    found = set()
    for finder in finders.get_finders():
        for path, _storage in finder.list(IGNORE_PATTERNS):
            found.add(path.replace("\\", "/"))
    return found


def static_manifest_errors() -> list[checks.CheckMessage]:
    """Errors when the static storage keeps a manifest and the manifest is missing, unreadable or stale."""
    try:
        storage = storages.create_storage(settings.STORAGES[STATICFILES_STORAGE_ALIAS])
    except ValueError as error:  # a manifest that is not valid JSON fails in the storage's __init__
        return [checks.Error(f"The static files manifest cannot be read: {error}.", hint=HINT, id="portal.E012")]
    if not isinstance(storage, ManifestFilesMixin):
        return []
    where = f"{settings.STATIC_ROOT}/{storage.manifest_name}"
    if storage.read_manifest() is None:
        return [
            checks.Error(
                f"The static files manifest {where} is missing: every page would answer 500.",
                hint=HINT,
                id="portal.E011",
            )
        ]
    missing = sorted(collectable_static_files() - set(storage.hashed_files))
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        return [
            checks.Error(
                f"{len(missing)} static files are missing from the manifest {where} ({shown}): "
                "the pages that use them would answer 500.",
                hint=HINT,
                id="portal.E013",
            )
        ]
    return []


@checks.register(checks.Tags.staticfiles, deploy=True)
def static_manifest_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return static_manifest_errors()


def raise_on_static_manifest_errors() -> None:
    """At web start-up: refuse to serve with a missing or stale manifest (see the module docstring)."""
    errors = static_manifest_errors()
    if errors:
        raise ImproperlyConfigured("\n".join(f"{error.msg}\nHINT: {error.hint}" for error in errors))
