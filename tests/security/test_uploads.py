"""Uploads checked by content (issue 12, finding 6): a malicious corpus, 100 % refused, through the one
validator every upload field uses, and through the fields themselves."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from issues.models import Issue
from issues.uploads import check_upload
from portal.exceptions import ActionError
from portal.uploads import ATTACHMENT_KINDS, XLSX, inspect_bytes, inspect_upload
from services.forms import ImportForm
from tests.security.samples import malicious_corpus, valid_files, zip_bomb

MAX = 10 * 1024 * 1024


def test_the_malicious_corpus_is_refused_entirely():
    # Given at least the 13 kinds of file the attack used
    corpus = malicious_corpus()
    assert len(corpus) >= 13
    # When each goes through the one upload validator
    accepted = []
    for what, name, data in corpus:
        try:
            inspect_bytes(data, name=name, kinds=ATTACHMENT_KINDS, max_bytes=200 * 1024 * 1024)
        except ValidationError:
            continue
        accepted.append(what)
    # Then every one is refused (N of N)
    assert accepted == [], f"accepted {len(accepted)} of {len(corpus)}: {accepted}"


def test_valid_files_of_every_allowed_type_are_accepted():
    kinds = {}
    for what, name, data in valid_files():
        facts = inspect_bytes(data, name=name, kinds=ATTACHMENT_KINDS, max_bytes=MAX)
        kinds[what] = facts.kind
    assert set(kinds.values()) == set(ATTACHMENT_KINDS)


@pytest.mark.parametrize(("what", "name", "data"), malicious_corpus(), ids=lambda v: v if isinstance(v, str) else "")
def test_each_malicious_file_is_refused_as_a_problem_attachment(what, name, data):
    upload = SimpleUploadedFile(name, data)
    with pytest.raises(ActionError) as refused:
        check_upload(upload)
    assert "attachments" in refused.value.message_dict


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4" + b"x" * 64)
    with pytest.raises(ValidationError, match="大小限制"):
        inspect_upload(upload, max_bytes=16)


def test_the_catalogue_import_refuses_a_100_mb_zip_bomb_without_parsing_it(monkeypatch):
    # Given a 100 MB zip bomb that is small on disk, named .xlsx
    bomb = zip_bomb(100)
    assert len(bomb) < 1024 * 1024

    # When it is uploaded to the catalogue import (openpyxl must never see it)
    def never(*args, **kwargs):
        raise AssertionError("openpyxl opened the file")

    monkeypatch.setattr("services.excel.load_workbook", never)
    form = ImportForm(data={}, files={"file": SimpleUploadedFile("catalogue.xlsx", bomb)})
    # Then the form refuses it
    assert not form.is_valid()
    assert "file" in form.errors
    # And the reader refuses it too, if handed the bytes directly
    from services.excel import read_workbook

    with pytest.raises(ActionError):
        read_workbook(bomb)


def test_the_catalogue_import_takes_only_excel():
    for _what, name, data in valid_files():
        form = ImportForm(data={}, files={"file": SimpleUploadedFile(name, data)})
        assert form.is_valid() is (name.endswith(".xlsx")), name
    workbook = {what: data for what, _name, data in valid_files()}["Excel (openpyxl)"]
    assert inspect_bytes(workbook, name="c.xlsx", kinds={XLSX}, max_bytes=MAX).kind == XLSX


@pytest.mark.django_db
def test_the_problem_report_form_refuses_a_polyglot_and_stores_nothing(client_for, member, enterprise):
    # Given an enterprise member reporting a problem with a PDF/HTML polyglot attached
    _what, name, data = malicious_corpus()[0]
    # When the form is posted
    response = client_for(member).post(
        "/issues/new/",
        {
            "enterprise": enterprise.pk,
            "category": "other",
            "title": "t",
            "description": "d",
            "attachments": [SimpleUploadedFile(name, data, content_type="application/pdf")],
        },
    )
    # Then the page says why and nothing is stored
    assert response.status_code == 200
    assert "不是允许的类型" in response.content.decode()
    assert not Issue.objects.exists()


def _workbook_with_raw(cell_xml: bytes) -> bytes:
    """A catalogue workbook whose second row's name cell is written as raw XML (openpyxl would refuse)."""
    import io
    import zipfile

    from openpyxl import Workbook

    from services.excel import ITEM_COLUMNS

    workbook = Workbook()
    workbook.active.title = "事项"
    workbook.active.append([label for _field, label in ITEM_COLUMNS])
    workbook.active.append(["A-1", "PLACEHOLDER"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(entry.filename, source.read(entry.filename).replace(b"PLACEHOLDER", cell_xml))
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("cell", [b"a\x00b", b"a&#0;b"], ids=["raw NUL", "NUL reference"])
def test_a_catalogue_import_with_a_nul_cell_is_a_clear_error_and_saves_nothing(cell, client_for, admin_user):
    from django.urls import reverse

    from services.models import ServiceItem

    response = client_for(admin_user).post(
        reverse("admin:services_serviceitem_import"),
        {"file": SimpleUploadedFile("catalogue.xlsx", _workbook_with_raw(cell))},
    )
    assert response.status_code == 400
    assert "不是有效的 Excel" in response.content.decode()
    assert not ServiceItem.objects.exists()


def test_a_nul_in_a_cell_value_is_named_with_its_row(monkeypatch):
    from services.excel import read_workbook

    data = _workbook_with_raw(b"PLACEHOLDER")
    real = __import__("services.excel", fromlist=["load_workbook"]).load_workbook

    class Nul:
        def __init__(self, book):
            self.book = book

        def __getattr__(self, name):
            return getattr(self.book, name)

        def __getitem__(self, name):
            sheet = self.book[name]

            class Rows:
                def iter_rows(self, values_only):
                    for row in sheet.iter_rows(values_only=values_only):
                        yield tuple(v.replace("PLACEHOLDER", "a\x00b") if isinstance(v, str) else v for v in row)

            return Rows()

    monkeypatch.setattr("services.excel.load_workbook", lambda *a, **k: Nul(real(*a, **k)))
    with pytest.raises(ActionError, match="第 2 行"):
        read_workbook(data)
