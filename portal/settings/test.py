"""Test settings: sync task queue, in-memory e-mail, fast password hashing."""

import hashlib
import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, Q_CLUSTER

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdef"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# The SQLite test database is a file (in RAM where /dev/shm exists), not Django's in-memory default, so that
# the system tests' qcluster and gunicorn processes open the same database as the test (tests/system).
# One file per checkout and process: several suites may run at once.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _shm = Path("/dev/shm")  # noqa: S108 - a RAM disk for a throw-away test database, named per checkout
    _tmp = _shm if _shm.is_dir() else Path(tempfile.gettempdir())
    _tag = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]
    DATABASES["default"]["TEST"] = {"NAME": str(_tmp / f"portal-test-{_tag}-{os.getpid()}.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A throw-away test database: a commit need not wait for its WAL to reach the disk (measured here:
    # 1.8–2.2 ms → 0.1–0.2 ms per committed insert); what other connections see is unchanged.
    _options = DATABASES["default"]["OPTIONS"]
    _options["options"] = " ".join(filter(None, [_options.get("options"), "-c synchronous_commit=off"]))

# A replica alias that is a test mirror of default (tests/portal/test_db_router.py); routing to it stays off
# unless a test turns it on with override_settings(DATABASE_READ_REPLICA="replica").
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DATABASE_READ_REPLICA = None
