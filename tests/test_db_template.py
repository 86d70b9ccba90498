"""The test databases are copies of one migrated template (tests/dbtemplate.py)."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import dbtemplate


def test_the_copy_has_every_migration_applied_and_nothing_else(db):
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    applied = set(executor.loader.applied_migrations)
    assert applied == set(executor.loader.graph.nodes)


def test_the_fingerprint_covers_the_project_modules_a_migration_imports():
    source = b"import portal.industry\nfrom portal.audit import GENESIS\nfrom django.db import migrations\nimport os\n"
    assert dbtemplate._project_imports(source) == {"portal.industry", "portal.audit"}
    assert dbtemplate.fingerprint() == dbtemplate.fingerprint()
    assert len(dbtemplate.fingerprint()) == 16


def test_the_fingerprint_changes_with_a_migration_file(monkeypatch):
    from pathlib import Path

    before = dbtemplate.fingerprint()
    real = Path.read_bytes

    def edited(path):
        data = real(path)
        return (
            data + b"\n# edited\n" if path.name == "0001_initial.py" and path.parent.parent.name == "issues" else data
        )

    monkeypatch.setattr(Path, "read_bytes", edited)
    assert dbtemplate.fingerprint() != before
