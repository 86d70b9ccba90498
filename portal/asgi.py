"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.prod")
application = get_asgi_application()

from portal.checks import raise_on_static_manifest_errors  # noqa: E402 - needs the app registry

raise_on_static_manifest_errors()  # as in wsgi.py: no 500 on every page for a missing manifest
