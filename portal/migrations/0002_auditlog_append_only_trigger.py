"""On PostgreSQL, refuse UPDATE and DELETE of audit rows in the database itself."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION portal_auditlog_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'portal_auditlog is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS portal_auditlog_append_only ON portal_auditlog;
CREATE TRIGGER portal_auditlog_append_only BEFORE UPDATE OR DELETE ON portal_auditlog
  FOR EACH ROW EXECUTE FUNCTION portal_auditlog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS portal_auditlog_append_only ON portal_auditlog;
DROP FUNCTION IF EXISTS portal_auditlog_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
