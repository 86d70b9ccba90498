"""Problem attachments: how many, how large; what a file really is is checked by portal.uploads."""

from django.core.exceptions import ValidationError

from portal.exceptions import ActionError
from portal.uploads import ATTACHMENT_KINDS, inspect_upload

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5


def check_upload(upload) -> dict:
    """Validate one uploaded file; return its facts (content_type, ext, size, sha256) or raise ActionError."""
    try:
        facts = inspect_upload(upload, kinds=ATTACHMENT_KINDS, max_bytes=MAX_ATTACHMENT_BYTES)
    except ValidationError as exc:
        raise ActionError({"attachments": exc.messages}) from None
    return {"content_type": facts.content_type, "ext": facts.ext, "size": facts.size, "sha256": facts.sha256}
