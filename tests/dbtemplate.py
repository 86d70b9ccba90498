"""Migrated once, copied for every test process: the test databases start from a template.

Django builds each test database by running every migration (≈ 10 s of CPU per pytest-xdist worker here,
most of it rendering the migration states). This module keeps one migrated database per *migration
fingerprint* — the text of every migration file of every installed app, of the project modules those
files import, the Django version and the database engine — and gives each test process a copy of it:
``CREATE DATABASE … TEMPLATE …`` on PostgreSQL, a file copy on SQLite. Django then opens the copy with
``keepdb`` and runs ``migrate`` on it, which finds nothing to apply (so a stale template could not go
unnoticed: it would apply or fail), and the copy is removed at the end of the session.

The template is built by ``manage.py migrate --run-syncdb`` in a subprocess, exactly as Django's test
runner would migrate, under a file lock so that parallel workers build it once; a half-built template is
never used (built under a temporary name, renamed when complete). ``--create-db`` rebuilds it.
Templates live in PostgreSQL as ``portal_tpl_<fingerprint>`` and on disk in the tests' cache directory
(``PORTAL_TEST_CACHE``, default ``~/.cache/portal-tests``); templates of other fingerprints older than a
week are dropped.
"""

import ast
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import django
from django.conf import settings
from django.db import connections

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("PORTAL_TEST_CACHE", Path.home() / ".cache" / "portal-tests"))
KEEP_OTHERS_FOR = 7 * 24 * 3600  # seconds: templates of other fingerprints (other branches) are kept a week


def fingerprint() -> str:
    """What a freshly migrated database depends on."""
    from django.apps import apps

    digest = hashlib.sha256()
    digest.update(f"{django.__version__}|{settings.DATABASES['default']['ENGINE']}".encode())
    project_modules: set[str] = set()
    for app in sorted(apps.get_app_configs(), key=lambda a: a.label):
        folder = Path(app.path) / "migrations"
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.py")):
            source = path.read_bytes()
            digest.update(f"{app.label}/{path.name}\0".encode() + source)
            if Path(app.path).is_relative_to(ROOT):
                project_modules |= _project_imports(source)
    for module in sorted(project_modules):
        path = ROOT / (module.replace(".", "/") + ".py")
        if path.is_file():
            digest.update(f"{module}\0".encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def _project_imports(source: bytes) -> set[str]:
    """The project modules a migration file imports (their code can shape the rows it writes)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        found |= {name for name in names if (ROOT / name.split(".")[0]).is_dir()}
    return found


def database_url(settings_dict: dict, name: str | None = None) -> str:
    """The ``DATABASE_URL`` of a configured database (``name``: another database on the same server)."""
    name = name or settings_dict["NAME"]
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{name}"
    auth = settings_dict["USER"] + (f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else "")
    return f"postgres://{auth}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/{name}"


@contextmanager
def _locked(name: str):
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _migrate(database_url: str) -> None:
    """Django's own migration of a test database, in a process of its own (the test settings)."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--run-syncdb", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"migrating the template database failed:\n{done.stdout}\n{done.stderr}")


class _Postgres:
    def __init__(self, db: dict):
        self.db = db

    def _admin(self):
        import psycopg

        return psycopg.connect(
            host=self.db["HOST"] or "127.0.0.1",
            port=self.db["PORT"] or 5432,
            user=self.db["USER"],
            password=self.db["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        )

    def exists(self, conn, name: str) -> bool:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None

    def ensure_template(self, name: str, rebuild: bool) -> None:
        with self._admin() as conn:
            if self.exists(conn, name) and not rebuild:
                return
            building = f"{name}_building"
            conn.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{building}"')
        _migrate(database_url(self.db, building))
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
            conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{int(time.time())}'")
            self._drop_old(conn, keep=name)

    def _drop_old(self, conn, keep: str) -> None:
        rows = conn.execute(
            "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database WHERE datname LIKE 'portal_tpl_%%'"
        ).fetchall()
        for other, stamp in rows:
            if other != keep and stamp and stamp.isdigit() and time.time() - int(stamp) > KEEP_OTHERS_FOR:
                conn.execute(f'DROP DATABASE IF EXISTS "{other}" WITH (FORCE)')

    def copy(self, template: str, target: str) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{template}"')

    def drop(self, target: str) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


class _Sqlite:
    def __init__(self, db: dict):
        self.db = db

    def ensure_template(self, name: str, rebuild: bool) -> None:
        path = CACHE / f"{name}.sqlite3"
        if path.exists() and not rebuild:
            return
        building = path.with_suffix(".building")
        building.unlink(missing_ok=True)
        _migrate(database_url(self.db, str(building)))
        os.replace(building, path)
        path.touch()
        for other in CACHE.glob("portal_tpl_*.sqlite3"):
            if other != path and time.time() - other.stat().st_mtime > KEEP_OTHERS_FOR:
                other.unlink(missing_ok=True)

    def copy(self, template: str, target: str) -> None:
        shutil.copyfile(CACHE / f"{template}.sqlite3", target)

    def drop(self, target: str) -> None:
        Path(target).unlink(missing_ok=True)


def prepare(rebuild: bool = False):
    """Copy the template (built first if missing) to the default alias's test database; returns the
    function that removes that copy at the end of the session."""
    db = settings.DATABASES["default"]
    vendor = {"django.db.backends.postgresql": _Postgres, "django.db.backends.sqlite3": _Sqlite}.get(db["ENGINE"])
    target = connections["default"].creation._get_test_db_name()
    if vendor is None or target == ":memory:" or "mode=memory" in target:
        return None
    backend = vendor(db)
    template = f"portal_tpl_{fingerprint()}"
    with _locked(template):
        backend.ensure_template(template, rebuild)
        backend.copy(template, target)

    def remove():
        connections.close_all()
        backend.drop(target)

    return remove
