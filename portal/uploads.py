"""Uploaded files checked by what they are, not by what they are called (issue 12, finding 6).

One allow-list of real types, used by every upload field (problem attachments, the catalogue's Excel
import). A file is accepted only when

* its name ends in one of the type's extensions, with no other file extension inside it (``x.pdf.exe``
  and ``x.exe.pdf`` are refused, ``2026.03 报告.pdf`` is fine), and without control characters;
* its size is within the field's limit;
* its bytes are that type's by magic bytes AND by structure:
  - PDF: the ``%PDF-`` header at byte 0, ``startxref`` and ``%%EOF`` in the trailer, no HTML/SVG/script
    markers in the first KB (a PDF/HTML polyglot renders as a web page in a browser that sniffs), and no
    JavaScript or launch actions;
  - PNG: the signature, then a walk over every chunk (length, type, CRC) from ``IHDR`` to ``IEND``, with
    nothing after ``IEND`` and a bounded pixel count;
  - JPEG: a walk over the marker segments from SOI through a frame header to the scan, ending at EOI,
    with nothing after it;
  - Office (docx, xlsx): a zip whose central directory is read WITHOUT inflating anything: entry count,
    total declared size and each entry's compression ratio are bounded before any library opens it
    (zipfile never inflates past an entry's declared size, so a bomb that lies about it is cut off and
    fails its CRC), no encrypted or path-escaping entries, no macros, and the parts that make it a
    Word or Excel file.

Anything else — executables, HTML, SVG (it can carry script), plain zips, truncated or padded files —
is refused with one message that names the file and the allowed types.
"""

import dataclasses
import hashlib
import io
import re
import struct
import zipfile
import zlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PDF, PNG, JPEG, DOCX, XLSX = "pdf", "png", "jpeg", "docx", "xlsx"
CONTENT_TYPES = {
    PDF: "application/pdf",
    PNG: "image/png",
    JPEG: "image/jpeg",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {PDF: (".pdf",), PNG: (".png",), JPEG: (".jpg", ".jpeg"), DOCX: (".docx",), XLSX: (".xlsx",)}
LABELS = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG", DOCX: "Word", XLSX: "Excel"}
ATTACHMENT_KINDS = frozenset(CONTENT_TYPES)

# Limits of a zip-based Office file, checked from its central directory before anything is inflated.
ZIP_MAX_ENTRIES = 1000
ZIP_MAX_TOTAL_BYTES = 50 * 1024 * 1024
ZIP_MAX_RATIO = 100  # an entry may inflate to at most 100 × its compressed size
IMAGE_MAX_PIXELS = 50_000_000

# Text that must not appear in the first KB of a PDF or an image: what a browser would take for a page.
MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta|\?xml)", re.IGNORECASE)
PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")


# An extension inside a name ("x.pdf.exe", "x.exe.pdf", "x.php.jpg") is a disguise; other dots
# ("2026.03 报告 v1.2.pdf") are fine.
SUSPECT_INNER_EXTENSIONS = frozenset(
    {
        "exe",
        "com",
        "bat",
        "cmd",
        "scr",
        "pif",
        "cpl",
        "msi",
        "msp",
        "dll",
        "sys",
        "lnk",
        "reg",
        "hta",
        "js",
        "jse",
        "vbs",
        "vbe",
        "wsf",
        "ps1",
        "psm1",
        "sh",
        "bash",
        "jar",
        "py",
        "pl",
        "rb",
        "php",
        "php5",
        "phtml",
        "asp",
        "aspx",
        "jsp",
        "cgi",
        "htm",
        "html",
        "xhtml",
        "shtml",
        "svg",
        "xml",
        "swf",
        "pdf",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "bmp",
        "tif",
        "tiff",
        "webp",
        "doc",
        "docx",
        "docm",
        "xls",
        "xlsx",
        "xlsm",
        "ppt",
        "pptx",
        "zip",
        "rar",
        "7z",
        "gz",
        "tar",
    }
)


@dataclasses.dataclass(frozen=True)
class UploadFacts:
    kind: str
    content_type: str
    ext: str
    size: int
    sha256: str


class NotThisType(Exception):
    """The bytes are not (a well-formed file of) the type their magic bytes claim."""


def _refused(name: str, kinds) -> ValidationError:
    allowed = "、".join(LABELS[k] for k in CONTENT_TYPES if k in kinds)
    return ValidationError(
        _("文件「%(name)s」的内容不是允许的类型（%(allowed)s），或文件已损坏。") % {"name": name, "allowed": allowed},
        code="upload_type",
    )


def check_pdf(data: bytes) -> None:
    if not data.startswith(b"%PDF-1.") and not data.startswith(b"%PDF-2."):
        raise NotThisType
    if MARKUP.search(data[:1024]):
        raise NotThisType
    tail = data[-1024:]
    if b"%%EOF" not in tail or b"startxref" not in tail:
        raise NotThisType
    if b" obj" not in data and b"\nobj" not in data:
        raise NotThisType
    if PDF_ACTIVE.search(data):
        raise NotThisType


def check_png(data: bytes) -> None:
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise NotThisType
    pos, first, seen_data = 8, True, False
    while True:
        if pos + 12 > len(data):
            raise NotThisType  # truncated
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 8 + length
        if end + 4 > len(data) or not kind.isalpha():
            raise NotThisType
        body = data[pos + 8 : end]
        (crc,) = struct.unpack(">I", data[end : end + 4])
        if zlib.crc32(kind + body) != crc:
            raise NotThisType
        if first:
            if kind != b"IHDR" or length != 13:
                raise NotThisType
            width, height = struct.unpack(">II", body[:8])
            if not width or not height or width * height > IMAGE_MAX_PIXELS:
                raise NotThisType
            first = False
        seen_data = seen_data or kind == b"IDAT"
        pos = end + 4
        if kind == b"IEND":
            break
    if not seen_data or pos != len(data):
        raise NotThisType  # no image data, or something hidden after the end


def check_jpeg(data: bytes) -> None:
    if not data.startswith(b"\xff\xd8\xff"):
        raise NotThisType
    pos, frame = 2, False
    while True:
        if pos + 4 > len(data) or data[pos] != 0xFF:
            raise NotThisType
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            raise NotThisType
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if length < 8:
                raise NotThisType
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            if not width or not height or width * height > IMAGE_MAX_PIXELS:
                raise NotThisType
            frame = True
        segment = data[pos + 4 : pos + 2 + length]
        if MARKUP.search(segment):
            raise NotThisType
        pos += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data runs to EOI
            break
    if not frame or not data.endswith(b"\xff\xd9") or len(data) - pos < 2:
        raise NotThisType
    if MARKUP.search(data[:1024]):
        raise NotThisType


OFFICE_PARTS = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}


def office_kind(data: bytes) -> str:
    """DOCX or XLSX when ``data`` is a well-formed, bounded Office zip; checked before inflating."""
    if not data.startswith(b"PK\x03\x04"):
        raise NotThisType
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, struct.error):
        raise NotThisType from None
    if not entries or len(entries) > ZIP_MAX_ENTRIES:
        raise NotThisType
    total = 0
    names = set()
    for entry in entries:
        name = entry.filename
        if entry.flag_bits & 0x1 or name.startswith(("/", "\\")) or ".." in name.split("/") or "\x00" in name:
            raise NotThisType  # encrypted, or a path that escapes the archive
        if name.lower().endswith(("vbaproject.bin", ".exe", ".dll", ".js", ".zip", ".jar")):
            raise NotThisType  # macros or a carried executable/archive
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise NotThisType
        if entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1) and entry.file_size > 1024 * 1024:
            raise NotThisType  # compression ratio of a bomb
        total += entry.file_size
        names.add(name)
    if total > ZIP_MAX_TOTAL_BYTES or "[Content_Types].xml" not in names:
        raise NotThisType
    found = [kind for kind, part in OFFICE_PARTS.items() if part in names]
    if len(found) != 1:
        raise NotThisType
    return found[0]


def detect(data: bytes) -> str:
    """The allowed type ``data`` really is, or NotThisType."""
    if data.startswith(b"%PDF-"):
        check_pdf(data)
        return PDF
    if data.startswith(b"\x89PNG"):
        check_png(data)
        return PNG
    if data.startswith(b"\xff\xd8"):
        check_jpeg(data)
        return JPEG
    if data.startswith(b"PK"):
        return office_kind(data)
    raise NotThisType


def _too_big(name: str, max_bytes: int) -> ValidationError:
    return ValidationError(
        _("文件「%(name)s」超过 %(mb)s MB 的大小限制。") % {"name": name, "mb": f"{max_bytes / 1048576:g}"},
        code="upload_size",
    )


def inspect_bytes(data: bytes, *, name: str, kinds=ATTACHMENT_KINDS, max_bytes: int) -> UploadFacts:
    """Check one file's name, size and content; return its facts or raise a ValidationError."""
    name = name or "file"
    if not data:
        raise ValidationError(_("文件「%(name)s」是空文件。") % {"name": name}, code="upload_empty")
    if len(data) > max_bytes:
        raise _too_big(name, max_bytes)
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    stem, dot, ext = base.rpartition(".")
    inner = {part.strip() for part in stem.split(".")[1:]}
    if not dot or inner & SUSPECT_INNER_EXTENSIONS or any(ord(c) < 32 for c in base):
        raise ValidationError(
            _("文件名「%(name)s」不合适：只能有一个扩展名（如 .pdf），不要用双重扩展名。") % {"name": name},
            code="upload_name",
        )
    try:
        kind = detect(data)
    except NotThisType:
        raise _refused(name, kinds) from None
    if kind not in kinds or f".{ext}" not in EXTENSIONS[kind]:
        raise _refused(name, kinds)
    return UploadFacts(
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        ext=EXTENSIONS[kind][0],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def inspect_upload(upload, *, kinds=ATTACHMENT_KINDS, max_bytes: int) -> UploadFacts:
    """:func:`inspect_bytes` for an uploaded file; the size is checked before anything is read."""
    name = getattr(upload, "name", "") or "file"
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise _too_big(name, max_bytes)
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    upload.seek(0)
    return inspect_bytes(data, name=name, kinds=kinds, max_bytes=max_bytes)
