"""Files made in the test, valid and malicious, for the upload checks (nothing is read from disk)."""

import io
import struct
import zipfile
import zlib


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int = 2, height: int = 2) -> bytes:
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _row in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _chunk(b"IDAT", zlib.compress(raw))
        + _chunk(b"IEND", b"")
    )


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def jpeg() -> bytes:
    return (
        b"\xff\xd8"
        + _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + _segment(0xDB, b"\x00" + bytes(range(1, 65)))
        + _segment(0xC0, b"\x08\x00\x02\x00\x02\x01\x01\x11\x00")
        + _segment(0xC4, b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00")
        + _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x12\x34\x56"
        + b"\xff\xd9"
    )


def pdf(body: bytes = b"BT /F1 12 Tf (hello) Tj ET") -> bytes:
    return (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n3 0 obj\n<< /Length "
        + str(len(body)).encode()
        + b" >>\nstream\n"
        + body
        + b"\nendstream\nendobj\nxref\n0 4\n0000000000 65535 f \ntrailer\n<< /Root 1 0 R /Size 4 >>\n"
        b"startxref\n9\n%%EOF\n"
    )


def office(kind: str, extra: dict | None = None, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
    }
    if kind == "docx":
        parts["word/document.xml"] = b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body/></w:document>'
    else:
        parts["xl/workbook.xml"] = b'<?xml version="1.0"?><workbook/>'
    parts.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["事项编码", "事项名称"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bomb(inflated_mb: int = 100) -> bytes:
    """An Office-looking zip whose one sheet inflates to ``inflated_mb`` MB of zeros (~100 KB on disk)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b"\x00" * (1024 * 1024)
            for _mb in range(inflated_mb):
                sheet.write(chunk)
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ\x90\x00" + b"\x00" * 64)
    return buffer.getvalue()


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def malicious_corpus() -> list[tuple[str, str, bytes]]:
    """(what it is, the name it is uploaded under, its bytes): every kind the attack tried, and more."""
    good_png = png()
    return [
        ("PDF/HTML polyglot", "report.pdf", b"%PDF-1.4\n" + HTML + pdf()[9:]),
        ("zip bomb named .xlsx", "ledger.xlsx", zip_bomb()),
        ("x.pdf.exe with PDF content", "x.pdf.exe", pdf()),
        ("PDF content named x.exe.pdf", "x.exe.pdf", pdf()),
        ("HTML behind JPEG magic bytes", "photo.jpg", b"\xff\xd8\xff\xe0" + HTML),
        ("SVG with script", "logo.svg", SVG),
        ("SVG with script named .png", "logo.png", SVG),
        ("EXE renamed .jpg", "photo.jpg", EXE),
        ("truncated PNG", "photo.png", good_png[:-20]),
        ("PNG with HTML appended after IEND", "photo.png", good_png + HTML),
        ("PNG with a broken chunk CRC", "photo.png", good_png[:30] + b"\x00" + good_png[31:]),
        ("plain zip named .docx", "contract.docx", plain_zip()),
        ("HTML named .pdf", "report.pdf", HTML),
        ("PDF with JavaScript", "report.pdf", pdf(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")),
        ("PDF without trailer (truncated)", "report.pdf", pdf()[:-40]),
        ("JPEG with data after EOI", "photo.jpg", jpeg() + b"PK\x03\x04" + plain_zip()),
        ("JPEG without frame header", "photo.jpg", b"\xff\xd8\xff\xd9"),
        ("xlsx with macros", "ledger.xlsx", office("xlsx", {"xl/vbaProject.bin": b"\x00" * 64})),
        ("docx with path traversal", "contract.docx", office("docx", {"../../evil.sh": b"rm -rf /"})),
        ("docx named .xlsx", "ledger.xlsx", office("docx")),
        ("valid PNG named .pdf", "report.pdf", good_png),
        ("empty file", "report.pdf", b""),
        ("name with a control character", "rep\x01ort.pdf", pdf()),
        ("valid JPEG named shell.php.jpg", "shell.php.jpg", jpeg()),
    ]


def valid_files() -> list[tuple[str, str, bytes]]:
    return [
        ("PDF", "report.pdf", pdf()),
        ("PDF with dots in its name", "2026.03 报告 v1.2.PDF", pdf()),
        ("PNG", "photo.png", png()),
        ("JPEG", "photo.jpg", jpeg()),
        ("JPEG (.jpeg)", "photo.jpeg", jpeg()),
        ("Word", "contract.docx", office("docx")),
        ("Excel (openpyxl)", "ledger.xlsx", xlsx()),
        ("Excel (stored, uncompressed)", "ledger.xlsx", office("xlsx", compression=zipfile.ZIP_STORED)),
    ]
