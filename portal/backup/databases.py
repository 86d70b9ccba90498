"""Dump and restore per database vendor, and connections to a database other than ``default``.

PostgreSQL: the checksums are read in a REPEATABLE READ transaction whose snapshot is exported and
handed to ``pg_dump --snapshot``, so the dump and the manifest describe the same instant even while the
portal keeps writing. ``pg_restore`` loads the custom-format dump in one transaction into an empty
database. SQLite: the online backup API copies the live database (WAL mode) in one step, which reads a
single consistent snapshot; the checksums are then read from that copy, opened read-only.
"""

import os
import shutil
import sqlite3
import subprocess
from contextlib import contextmanager
from pathlib import Path

import dj_database_url
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.postgresql.client import DatabaseClient
from django.db.utils import load_backend

from portal.backup import BackupError

POSTGRESQL = "postgresql"
SQLITE = "sqlite"
DUMP_FILES = {POSTGRESQL: "database.dump", SQLITE: "database.sqlite3"}
_TEMPORARY_ALIAS = "backup_{}"


@contextmanager
def database(url: str | None = None, *, name: str | None = None):
    """Yield an alias: ``default``, or a temporary connection to the database at ``url``, or to the
    database ``name`` on the same server with the same credentials as ``default`` (PostgreSQL)."""
    if url and name:
        raise BackupError("Give either a database URL or a database name, not both.")
    if name:
        if vendor(DEFAULT_DB_ALIAS) != POSTGRESQL:
            raise BackupError("--database-name is for PostgreSQL; for SQLite give --database-url sqlite:///PATH.")
        config = {**connections[DEFAULT_DB_ALIAS].settings_dict, "NAME": name}
    elif url:
        config = dj_database_url.parse(url)
        if config["ENGINE"] == "django.db.backends.postgresql_psycopg2":
            config["ENGINE"] = "django.db.backends.postgresql"
    else:
        yield DEFAULT_DB_ALIAS
        return
    with _temporary_alias(config) as alias:
        yield alias


def vendor(alias: str) -> str:
    return connections[alias].vendor


def describe(alias: str) -> str:
    """The database's name without host, user or password, for messages and the manifest."""
    name = str(connections[alias].settings_dict["NAME"])
    return name if vendor(alias) == POSTGRESQL else Path(name.removeprefix("file:").split("?")[0]).name


def table_names(alias: str) -> list[str]:
    with connections[alias].cursor() as cursor:
        return connections[alias].introspection.table_names(cursor)


@contextmanager
def dumped(alias: str, directory: Path):
    """Write the database's dump into ``directory`` and yield an alias that reads the same snapshot."""
    if vendor(alias) == POSTGRESQL:
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            target = directory / DUMP_FILES[POSTGRESQL]
            _run_pg(alias, "pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}")
            _run_pg(alias, "pg_restore", "--list", str(target), check_only=True)
            yield alias
    elif vendor(alias) == SQLITE:
        target = directory / DUMP_FILES[SQLITE]
        connection = connections[alias]
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)  # pages=-1: one step, one read snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        finally:
            copy.close()
        with _temporary_alias(_sqlite_read_only(target)) as copy_alias:
            yield copy_alias
    else:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor(alias)}.")


@contextmanager
def one_snapshot(alias: str):
    """Read every table from one snapshot on PostgreSQL (verification while the portal runs)."""
    if vendor(alias) != POSTGRESQL:
        yield
        return
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def clear(alias: str) -> None:
    """Delete everything in the database (``restore --force``). On SQLite the backup API replaces the
    whole file's content anyway."""
    if vendor(alias) == POSTGRESQL:
        with connections[alias].cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
            cursor.execute("GRANT USAGE ON SCHEMA public TO PUBLIC")


def load(alias: str, dump: Path) -> None:
    """Load the dump into the (empty) database."""
    if vendor(alias) == POSTGRESQL:
        name = connections[alias].settings_dict["NAME"]
        connections[alias].close()
        _run_pg(
            alias, "pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
            f"--dbname={name}", str(dump),
        )  # fmt: skip
        return
    name = str(connections[alias].settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("Restore into an in-memory SQLite database makes no sense; give a file.")
    connections[alias].close()
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    target = sqlite3.connect(name.removeprefix("file:"))
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=WAL")  # as the portal opens it
    finally:
        source.close()
        target.close()


def _run_pg(alias: str, program: str, *arguments: str, check_only: bool = False) -> None:
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed; install the PostgreSQL client of the server's version.")
    settings_dict = connections[alias].settings_dict
    _, extra = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(extra or {})}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGDATABASE", "NAME")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    result = subprocess.run(  # noqa: S603 (fixed program, arguments built here)
        [program, *arguments],
        env=env,
        stdout=subprocess.DEVNULL if check_only else subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        hint = ""
        if "version mismatch" in result.stderr:
            major = connections[alias].pg_version // 10000
            hint = f" Install the client of the server's version: apt install postgresql-client-{major}."
        raise BackupError(f"{program} failed (exit {result.returncode}): {result.stderr.strip()}{hint}")


def _sqlite_read_only(path: Path) -> dict:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": f"file:{path}?mode=ro"}


@contextmanager
def _temporary_alias(config: dict):
    """A connection under a new alias, only in this thread and not in settings.DATABASES (so nothing else
    routes to it), closed afterwards. Without the pool: one short-lived connection is all it needs."""
    config = {**config, "OPTIONS": {k: v for k, v in config.get("OPTIONS", {}).items() if k != "pool"}}
    settings_dict = connections.configure_settings({DEFAULT_DB_ALIAS: config})[DEFAULT_DB_ALIAS]
    number = 1
    while hasattr(connections._connections, _TEMPORARY_ALIAS.format(number)):
        number += 1
    alias = _TEMPORARY_ALIAS.format(number)
    connections[alias] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]
