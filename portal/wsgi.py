"""WSGI entry point (gunicorn portal.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.prod")
application = get_wsgi_application()

# Refuse to start (gunicorn: "Worker failed to boot") rather than answer 500 on every page when
# collectstatic was not run for these settings; the error names it (portal/checks.py).
from portal.checks import raise_on_static_manifest_errors  # noqa: E402 - needs the app registry

raise_on_static_manifest_errors()
