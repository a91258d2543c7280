"""Bad files are refused with a clear message, and nothing is written."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from patents.importing.files import open_spreadsheet
from patents.models import ImportJob, Patent
from patents.services import imports
from tests.patents.import_helpers import GOOD, csv_file, upload_and_run, xlsx, zip_bomb

pytestmark = pytest.mark.django_db


def _refused(user, upload) -> str:
    with pytest.raises(ValidationError) as error:
        imports.start_import(organisation=user.organisation, file=upload, by=user)
    assert not Patent.objects.exists()
    assert not ImportJob.objects.exists()
    return error.value.messages[0]


def test_png_renamed_xlsx_is_refused(univ_a_staff):
    upload = SimpleUploadedFile("清单.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    assert _refused(univ_a_staff, upload) == (
        "“清单.xlsx” is a PNG image, not a spreadsheet: upload an .xlsx or .csv file."
    )


def test_binary_garbage_is_not_a_spreadsheet(univ_a_staff):
    upload = SimpleUploadedFile("清单.csv", bytes(range(256)) * 10)
    assert _refused(univ_a_staff, upload) == (
        "“清单.csv” is not a spreadsheet: upload an .xlsx or .csv file."
    )


def test_word_document_zip_is_not_a_spreadsheet(univ_a_staff):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    upload = SimpleUploadedFile("清单.xlsx", buffer.getvalue())
    assert _refused(univ_a_staff, upload) == (
        "“清单.xlsx” is not a spreadsheet: upload an .xlsx or .csv file."
    )


def test_file_over_the_size_limit_is_refused(univ_a_staff, settings):
    settings.INVENTORY_MAX_UPLOAD_BYTES = 1000
    upload = csv_file("申请号,专利名称\n" + "202110123456.7,标题\n" * 100)
    assert _refused(univ_a_staff, upload) == "The file is 2.2\xa0KB; the limit is 1000\xa0bytes."


def test_zip_bomb_is_refused_before_opening(univ_a_staff):
    message = _refused(univ_a_staff, zip_bomb())
    assert message.startswith("“bomb.xlsx” would expand to 50.0\xa0MB when opened (")
    assert message.endswith("this looks like a zip bomb, so it was not opened.")


def test_too_many_rows_is_refused(univ_a_staff, settings):
    settings.INVENTORY_MAX_ROWS = 2
    upload = xlsx([GOOD, GOOD, GOOD])
    assert _refused(univ_a_staff, upload) == (
        "The file has 3 data rows; the limit is 2: split it into smaller files."
    )


def test_missing_required_columns_are_named(univ_a_staff):
    upload = xlsx([["有效", "2021-03-15"]], headers=["法律状态", "申请日"])
    assert _refused(univ_a_staff, upload) == (
        "Required column(s) missing: “Application number”, “Title”. The first row must hold "
        "the column headers, in Chinese or English (download the template)."
    )


def test_old_xls_is_refused(univ_a_staff):
    upload = SimpleUploadedFile("清单.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert _refused(univ_a_staff, upload) == (
        "“清单.xls” is an Excel 97–2003 (.xls) file: save it as .xlsx and upload again."
    )


def test_formula_cell_is_rejected_and_never_evaluated(
    univ_a_staff, django_capture_on_commit_callbacks
):
    upload = xlsx([["202110123456.7", '=CONCAT("一种","方法")', "有效", "2021-03-15", ""]])
    job = upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, upload)
    assert job.status == "done" and not job.formula_free  # so the import looked again
    assert not Patent.objects.exists()
    error = job.row_errors.get()
    assert (error.row_number, error.column, error.code) == (2, "专利名称", "formula")
    assert error.message == (
        'This cell holds a formula (=CONCAT("一种","方法")). Panhuo reads values only and never '
        "evaluates formulas: replace it with its value and upload again."
    )


def test_headers_in_english_any_order_with_full_width_noise(
    univ_a_staff, django_capture_on_commit_callbacks
):
    upload = xlsx(
        [["一种方法", " 202110123456.7 "]], headers=["Ｔｉｔｌｅ （必填）", " Application number *"]
    )
    job = upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, upload)
    assert job.status == "done" and job.created_count == 1
    assert Patent.objects.get().application_no == "202110123456.7"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_supported_encoding(univ_a_staff, encoding, django_capture_on_commit_callbacks):
    upload = csv_file("申请号,专利名称\n2021101234567,一种电池隔膜\n", encoding=encoding)
    upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, upload)
    assert Patent.objects.get().title == "一种电池隔膜"


def test_upload_check_streams_the_header_and_counts_rows_like_the_full_read():
    import io

    from openpyxl import Workbook

    from patents.importing.files import open_spreadsheet

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["B1"] = "2023年专利清单"  # a title row, then an empty row, then the header
    sheet["B3"], sheet["C3"], sheet["D3"] = "序号", "申请号", "Title"
    sheet["C4"], sheet["D4"] = "202110123456.7", "一种方法"
    sheet["C9"] = "2021101234567"  # rows 5–8 are empty: absent from the XML
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()

    def opened(rows_needed: bool) -> tuple[object, ...]:
        found = open_spreadsheet(
            io.BytesIO(content), name="f.xlsx", size=len(content), rows_needed=rows_needed
        )
        return found.header_row, found.data_rows, sorted(found.positions)

    assert opened(False) == opened(True) == (3, 6, ["application_no", "title"])


def _with_corrupt_member(content: bytes) -> bytes:
    """The same workbook plus a stored member whose bytes no longer match its CRC."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("docProps/custom.xml", b"<Properties>" + b"x" * 100 + b"</Properties>")
    damaged = bytearray(buffer.getvalue())
    damaged[damaged.index(b"<Properties>") + 20] ^= 0xFF
    return bytes(damaged)


def test_a_verified_digest_skips_only_the_rescan_of_the_very_same_bytes():
    content = xlsx([GOOD]).read()
    damaged = _with_corrupt_member(content)

    def opened(data: bytes, digest: str) -> int:
        return open_spreadsheet(
            io.BytesIO(data), name="f.xlsx", size=len(data), verified_sha256=digest
        ).data_rows

    assert opened(content, hashlib.sha256(content).hexdigest()) == opened(content, "") == 1
    # The very bytes verified before: only the sheet is read again (for formulas).
    assert opened(damaged, hashlib.sha256(damaged).hexdigest()) == 1
    # Different bytes than the ones verified: every member is streamed and checked again.
    with pytest.raises(ValidationError, match="is not a spreadsheet"):
        opened(damaged, hashlib.sha256(content).hexdigest())


def test_a_verified_formula_free_file_is_not_searched_for_formulas_again(monkeypatch):
    from patents.importing import files

    content = xlsx([GOOD]).read()
    digest = hashlib.sha256(content).hexdigest()
    checked = open_spreadsheet(io.BytesIO(content), name="f.xlsx", size=len(content))
    assert checked.formula_cells == {}

    def streamed(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the sheet was decompressed again")

    monkeypatch.setattr(files, "_stream_members", streamed)
    opened = open_spreadsheet(
        io.BytesIO(content),
        name="f.xlsx",
        size=len(content),
        verified_sha256=digest,
        formula_free=True,
    )
    assert opened.data_rows == 1
    # Without the matching digest, "formula free" is not taken on trust.
    with pytest.raises(AssertionError, match="decompressed again"):
        open_spreadsheet(
            io.BytesIO(content),
            name="f.xlsx",
            size=len(content),
            verified_sha256="0" * 64,
            formula_free=True,
        )


def test_excel_unicode_text_utf16_with_bom_is_read(
    univ_a_staff, django_capture_on_commit_callbacks
):
    # Excel's "Unicode Text": UTF-16 little-endian with a byte-order mark, tab-separated.
    upload = csv_file("申请号\t专利名称\r\n2021101234567\t一种电池隔膜\r\n", encoding="utf-16")
    assert upload.read(2) == b"\xff\xfe"
    job = upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, upload)
    assert job.created_count == 1
    assert Patent.objects.get().title == "一种电池隔膜"


UNKNOWN_ENCODING = (
    "“清单.csv” is in a text encoding Panhuo does not recognise (it reads UTF-8, UTF-16 and "
    "GB18030/GBK): save it as “CSV UTF-8” or as .xlsx and upload again."
)


def test_big5_csv_is_refused_as_an_unknown_encoding_not_as_missing_columns(univ_a_staff):
    upload = csv_file("申請號,專利名稱\n2021101234567,一種鋰離子電池隔膜的製備方法\n", "big5")
    assert _refused(univ_a_staff, upload) == UNKNOWN_ENCODING


def test_utf16_without_its_byte_order_mark_is_an_unknown_encoding(univ_a_staff):
    upload = csv_file("申请号,专利名称\n2021101234567,一种电池隔膜\n", encoding="utf-16-le")
    assert _refused(univ_a_staff, upload) == UNKNOWN_ENCODING


def test_gbk_with_rare_name_characters_is_still_read(
    univ_a_staff, django_capture_on_commit_callbacks
):
    text = "申请号,专利名称,发明人\n2021101234567,一种锂离子电池隔膜的制备方法,王赟；李喆；张堃\n"
    upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, csv_file(text, "gbk"))
    assert Patent.objects.get().inventors == ["王赟", "李喆", "张堃"]


def test_csv_cell_too_long_names_its_row_and_column(univ_a_staff):
    rows = "2021101234567,一种电池隔膜,短摘要\n" * 2 + "2021201234562,一种装置," + "长" * 131073
    upload = csv_file("申请号,专利名称,摘要\n" + rows + "\n")
    assert _refused(univ_a_staff, upload) == (
        "Row 4, column C (“摘要”): the cell holds 131073 characters, more than the 131072 a CSV "
        "cell may hold. A quotation mark that is never closed often runs the rest of the file "
        "into one cell: check that row, or save the file as .xlsx."
    )
    import csv

    assert csv.field_size_limit() == 131072  # the process-wide limit is back
