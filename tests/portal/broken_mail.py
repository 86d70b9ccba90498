from django.core.mail.backends.base import BaseEmailBackend


class BrokenBackend(BaseEmailBackend):
    """A mail backend whose server is down, for the retry test."""

    def send_messages(self, email_messages):
        raise ConnectionError("SMTP down")
