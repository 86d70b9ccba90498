"""Attachment checks: allowed types are recognised by their content (magic bytes), not by name."""

import hashlib
import io
import zipfile

from django.utils.translation import gettext as _

from portal.exceptions import ActionError

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5

SIGNATURES = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
]
OFFICE = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}


def sniff(head: bytes, read_all) -> tuple[str, str] | None:
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(read_all())).namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            for prefix, (content_type, ext) in OFFICE.items():
                if any(name.startswith(prefix) for name in names):
                    return content_type, ext
    return None


def check_upload(upload) -> dict:
    """Validate one uploaded file; return its facts (content_type, ext, size, sha256) or raise ActionError."""
    name = getattr(upload, "name", "") or "file"
    size = upload.size
    if size == 0:
        raise ActionError({"attachments": _("附件「%(name)s」是空文件。") % {"name": name}})
    if size > MAX_ATTACHMENT_BYTES:
        raise ActionError(
            {
                "attachments": _("附件「%(name)s」超过 %(mb)d MB 的大小限制。")
                % {"name": name, "mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
            }
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    found = sniff(data[:16], lambda: data)
    if found is None:
        raise ActionError(
            {
                "attachments": _("附件「%(name)s」的文件内容不是允许的类型（PDF、PNG、JPEG、Word、Excel）。")
                % {"name": name}
            }
        )
    content_type, ext = found
    return {"content_type": content_type, "ext": ext, "size": size, "sha256": hashlib.sha256(data).hexdigest()}
