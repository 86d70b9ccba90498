"""System checks of the portal.

The static files manifest: production stores static files under hashed names
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
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages

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
        return [checks.Error(f"The static files manifest cannot be read: {error}.", hint=HINT, id="portal.E002")]
    if not isinstance(storage, ManifestFilesMixin):
        return []
    where = f"{settings.STATIC_ROOT}/{storage.manifest_name}"
    if storage.read_manifest() is None:
        return [
            checks.Error(
                f"The static files manifest {where} is missing: every page would answer 500.",
                hint=HINT,
                id="portal.E001",
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
                id="portal.E003",
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
