"""Backups that restore: one code path for PostgreSQL and SQLite, uploads and private exports included.

A backup is a directory::

    manifest.json       written last: time, database, migration state, per-table rows and checksums,
                        the sha256 of every other file, and the sha256 of every archived file
    database.dump       PostgreSQL: ``pg_dump -Fc`` of the same snapshot the checksums were read from
    database.sqlite3    SQLite: a copy made with the online backup API (consistent while the app writes)
    media.tar           MEDIA_ROOT (uploads), without LEDGER_EXPORT_ROOT when that lies inside it
    exports.tar         LEDGER_EXPORT_ROOT (private ledger exports)

``manage.py backup --out DIR`` writes one, ``manage.py restore DIR`` puts it back into an empty database
and empty file roots and then verifies it, ``manage.py backup_verify DIR`` compares a database (and the
file roots) with a manifest. The modules: :mod:`.tables` (row counts and checksums), :mod:`.databases`
(dump, restore and connections per vendor), :mod:`.files` (tar archives), :mod:`.runner` (the three
procedures the commands call).
"""


class BackupError(Exception):
    """A backup, restore or verification that cannot go on; the message says what to do."""
