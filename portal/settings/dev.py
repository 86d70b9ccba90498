"""Local development: DEBUG on, console e-mail. ``make run`` writes a ``.env`` with a secret key."""

from .base import *  # noqa: F403
from .base import env

DEBUG = True
SECRET_KEY = env("DJANGO_SECRET_KEY") or "dev-only-insecure-key-run-make-run-to-generate-one"
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
INTERNAL_IPS = ["127.0.0.1"]
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
