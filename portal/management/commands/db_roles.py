"""``manage.py db_roles --owner portal_owner --app portal_app [--apply]``: separate the role that owns the
schema from the role the application connects as (PostgreSQL; docs/deployment.md).

The owner role owns every table, sequence, view and function (run migrations and ``audit_purge`` as
it); the application role may read and write the ordinary tables but may only SELECT and INSERT audit
rows: no UPDATE, DELETE or TRUNCATE, and as it owns nothing it cannot alter or disable the triggers.
Prints the SQL; ``--apply`` runs it (connected as a superuser, after ``migrate``). Run it again after
migrations that add tables if they were applied by another role than the owner.
"""

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

AUDIT_TABLES = ("portal_auditlog", "portal_auditanchor")
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def db_roles_sql(*, owner: str, app: str) -> list[str]:
    """The statements, for the current database and schema (role names must match ``ROLE_NAME``)."""
    if not (ROLE_NAME.match(owner) and ROLE_NAME.match(app)):
        raise ValueError("role names must be plain identifiers")
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), current_schema()")
        database, schema = cursor.fetchone()
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", [schema])
        tables = [r[0] for r in cursor.fetchall()]
        cursor.execute("SELECT viewname FROM pg_views WHERE schemaname = %s ORDER BY 1", [schema])
        views = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            """SELECT s.relname FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
               WHERE s.relkind = 'S' AND n.nspname = %s
                 AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = s.oid AND d.deptype IN ('a', 'i'))
               ORDER BY 1""",
            [schema],
        )
        sequences = [r[0] for r in cursor.fetchall()]  # those not owned by a table column
        cursor.execute(
            """SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = %s
                 AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
               ORDER BY 1""",
            [schema],
        )
        functions = [r[0] for r in cursor.fetchall()]
    s, o, a = q(schema), q(owner), q(app)
    statements = [
        # S608: both names were checked against ROLE_NAME above.
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{owner}') "  # noqa: S608
        f"THEN CREATE ROLE {o} LOGIN; END IF; END $$",
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{app}') "  # noqa: S608
        f"THEN CREATE ROLE {a} LOGIN; END IF; END $$",
        f"ALTER ROLE {a} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS",
        f"REVOKE {o} FROM {a}",
        f"ALTER DATABASE {q(database)} OWNER TO {o}",
        f"ALTER SCHEMA {s} OWNER TO {o}",
        *(f"ALTER TABLE {s}.{q(t)} OWNER TO {o}" for t in tables),
        *(f"ALTER VIEW {s}.{q(v)} OWNER TO {o}" for v in views),
        *(f"ALTER SEQUENCE {s}.{q(seq)} OWNER TO {o}" for seq in sequences),
        *(f"ALTER FUNCTION {s}.{f} OWNER TO {o}" for f in functions),
        f"REVOKE ALL ON DATABASE {q(database)} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {q(database)} TO {a}",
        f"REVOKE ALL ON SCHEMA {s} FROM PUBLIC",
        f"REVOKE ALL ON SCHEMA {s} FROM {a}",
        f"GRANT USAGE ON SCHEMA {s} TO {a}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {a}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {a}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {s} TO {a}",
        f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {s} TO {a}",
        # The audit trail: read and append only.
        *(f"REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON {s}.{q(t)} FROM {a}" for t in AUDIT_TABLES),
        f"REVOKE INSERT ON {s}.{q('portal_auditanchor')} FROM {a}",
        # Tables that later migrations create (run as the owner) get the same grants.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {a}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {a}",
    ]
    return statements


class Command(BaseCommand):
    help = "Print (or --apply) the PostgreSQL GRANTs that separate the schema owner from the application role."

    def add_arguments(self, parser):
        parser.add_argument("--owner", required=True, help="role that owns the schema (migrations, purges)")
        parser.add_argument("--app", required=True, help="role the application connects as")
        parser.add_argument("--apply", action="store_true", help="run the statements (as a superuser)")

    def handle(self, *args, owner, app, apply, **options):
        if connection.vendor != "postgresql":
            raise CommandError("db_roles is for PostgreSQL; SQLite has no roles (see docs/deployment.md).")
        for role in (owner, app):
            if not ROLE_NAME.match(role):
                raise CommandError(f"{role!r} is not a plain role name (lower-case letters, digits, _).")
        if owner == app:
            raise CommandError("The owner and the application role must differ.")
        statements = db_roles_sql(owner=owner, app=app)
        if not apply:
            self.stdout.write(";\n".join(statements) + ";")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(self.style.SUCCESS(f"{len(statements)} statements applied: {owner} owns, {app} uses."))
