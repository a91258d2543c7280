"""Build small inventory files in memory for the import tests."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

HEADERS = ["申请号", "专利名称", "法律状态", "申请日", "主分类号"]
GOOD = ["202110123456.7", "一种锂离子电池隔膜的制备方法", "有效", "2021-03-15", "H01M 50/403"]


def xlsx(
    rows: Sequence[Sequence[object]], headers: Sequence[str] = HEADERS, name: str = "清单.xlsx"
) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(text: str, encoding: str = "utf-8", name: str = "清单.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding))


def zip_bomb(name: str = "bomb.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    return SimpleUploadedFile(name, buffer.getvalue())


def upload_and_run(capture, user, upload):  # type: ignore[no-untyped-def]
    """start_import, then run the task the commit enqueued (in-process), and return the job."""
    from patents.services import imports

    with capture(execute=True) as callbacks:
        job = imports.start_import(organisation=user.organisation, file=upload, by=user)
    # the import task was enqueued on commit (the import itself may enqueue matching work)
    assert callbacks
    job.refresh_from_db()
    return job
