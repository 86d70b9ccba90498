"""SMS delivery. A real gateway implements :class:`BaseSmsBackend`; the default only logs."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("portal.sms")


class BaseSmsBackend:
    """A gateway adapter. ``idempotency_key`` is the same for every attempt at one notification: pass it
    to the gateway's deduplication field (a client-side message id), so that a message sent again after a
    worker died mid-send reaches the phone once."""

    def send(self, *, phone: str, text: str, idempotency_key: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class LoggingSmsBackend(BaseSmsBackend):
    """Writes the message to the log with the number masked; used in development and tests."""

    def send(self, *, phone: str, text: str, idempotency_key: str) -> None:
        from portal.masking import mask_phone

        logger.info("SMS %s to %s: %s", idempotency_key, mask_phone(phone), text)


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
