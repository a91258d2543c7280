"""Pages and API of inventory uploads: who may do what, and the report."""

from __future__ import annotations

import pytest
from django.urls import reverse

from patents.models import Patent
from tests.patents.import_helpers import GOOD, upload_and_run, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(univ_a_staff, django_capture_on_commit_callbacks):
    bad = ["@SUM(1+1)", "标题", "有效", "2021-03-15", ""]
    return upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx([GOOD, bad]))


def test_staff_uploads_and_is_redirected_to_the_job(
    client, univ_a_staff, django_capture_on_commit_callbacks
):
    client.force_login(univ_a_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("patents:import_new"), {"file": xlsx([GOOD])})
    assert response.status_code == 302
    assert Patent.objects.count() == 1
    page = client.get(response["Location"])
    assert 'id="import-progress"' in page.content.decode()


def test_bad_file_on_the_form_shows_the_message_and_writes_nothing(client, univ_a_staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(univ_a_staff)
    upload = SimpleUploadedFile("x.xlsx", b"\x89PNG\r\n\x1a\n")
    response = client.post(reverse("patents:import_new"), {"file": upload})
    assert response.status_code == 200
    assert "is a PNG image, not a spreadsheet" in response.content.decode()
    assert not Patent.objects.exists()


@pytest.mark.parametrize(
    "name", ["patents:import_new", "patents:import_list", "patents:import_template"]
)
def test_enterprise_gets_403(client, enterprise_user, name):
    client.force_login(enterprise_user)
    assert client.get(reverse(name)).status_code == 403


def test_anonymous_is_sent_to_login(client):
    assert client.get(reverse("patents:import_new")).status_code == 302
    assert client.get("/api/imports/").status_code in (401, 403)


@pytest.mark.parametrize(
    "name", ["patents:import_detail", "patents:import_report", "patents:import_progress"]
)
def test_other_university_gets_404(client, univ_b_staff, job, name):
    client.force_login(univ_b_staff)
    assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_report_neutralises_formulas(client, univ_a_staff, job):
    client.force_login(univ_a_staff)
    body = client.get(reverse("patents:import_report", args=[job.pk])).content.decode("utf-8-sig")
    assert "'@SUM(1+1)" in body
    assert ",@SUM" not in body


def test_template_has_headers_in_each_language(client, univ_a_staff):
    import io

    from openpyxl import load_workbook

    client.force_login(univ_a_staff)
    for lang, first in (("zh-hans", "申请号"), ("en", "Application number")):
        content = client.get(reverse("patents:import_template"), {"lang": lang}).content
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        assert sheet["A1"].value == first


def test_api_upload_detail_errors_and_refusals(
    client, univ_a_staff, univ_b_staff, enterprise_user, django_capture_on_commit_callbacks
):
    client.force_login(univ_a_staff)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/imports/", {"file": xlsx([GOOD, ["bad", "标题", "", "", ""]])})
    assert created.status_code == 201
    pk = created.json()["id"]
    detail = client.get(f"/api/imports/{pk}/").json()
    assert (detail["status"], detail["progress_percent"], detail["created_count"]) == (
        "done",
        100,
        1,
    )
    errors = client.get(f"/api/imports/{pk}/errors/").json()["results"]
    assert [(e["row_number"], e["column"], e["code"]) for e in errors] == [
        (3, "申请号", "bad_application_no")
    ]
    client.force_login(univ_b_staff)
    assert client.get(f"/api/imports/{pk}/").status_code == 404
    assert client.get(f"/api/imports/{pk}/errors/").status_code == 404
    client.force_login(enterprise_user)
    assert client.post("/api/imports/", {"file": xlsx([GOOD])}).status_code == 403


def test_xlsx_report_lists_rejected_rows_as_text_in_the_viewers_language(client, univ_a_staff, job):
    import io

    from openpyxl import load_workbook

    client.force_login(univ_a_staff)
    response = client.get(
        reverse("patents:import_report", args=[job.pk]),
        {"format": "xlsx"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response["Content-Disposition"] == f'attachment; filename="import-{job.pk}-errors.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Row", "Column", "Value", "Reason")
    assert rows[1][:3] == (3, "申请号", "'@SUM(1+1)")  # stored as text, never as a formula
    assert rows[1][3].startswith("“@SUM(1+1)” is not an application number")
    assert len(rows) == 2


def test_xlsx_report_of_another_university_is_404(client, univ_b_staff, job):
    client.force_login(univ_b_staff)
    url = reverse("patents:import_report", args=[job.pk])
    assert client.get(url, {"format": "xlsx"}).status_code == 404


def _template(client, lang: str):  # type: ignore[no-untyped-def]
    import io

    from openpyxl import load_workbook

    content = client.get(reverse("patents:import_template"), {"lang": lang}).content
    return content, load_workbook(io.BytesIO(content))


def test_template_uploaded_unchanged_creates_nothing(client, univ_a_staff):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from patents.models import ImportJob
    from patents.services import imports

    client.force_login(univ_a_staff)
    content, _workbook = _template(client, "zh-hans")
    with pytest.raises(ValidationError) as refused:
        imports.start_import(
            organisation=univ_a_staff.organisation,
            file=SimpleUploadedFile("inventory-template-zh.xlsx", content),
            by=univ_a_staff,
        )
    assert refused.value.messages == ["The file has no data rows below the header."]
    assert not Patent.objects.exists() and not ImportJob.objects.exists()


def test_template_keeps_its_example_and_instructions_on_the_notes_sheet(client, univ_a_staff):
    client.force_login(univ_a_staff)
    _content, workbook = _template(client, "en")
    inventory, notes = workbook.worksheets
    assert inventory.max_row == 1  # the headers only
    assert inventory.column_dimensions["A"].number_format == "@"  # Excel keeps the ".0"
    rows = list(notes.iter_rows(values_only=True))
    assert "an empty cell clears that field" in rows[1][0]
    by_column = {row[0]: row for row in rows if row and row[0]}
    assert by_column["Application number"][1:3] == ("yes", "202110123456.7")
    assert by_column["Title"][2] == "一种锂离子电池隔膜的制备方法"
    # Ranges come from the model fields, as the importer checks them.
    assert by_column["Technology maturity"][3] == "A whole number from 1 to 9"
    assert by_column["Royalty rate (%)"][3] == "A number from 0 to 100"
    assert by_column["Open licence fee (yuan)"][3] == "A number from 0 to 999999999999.99"


def test_example_row_of_an_earlier_template_is_not_imported_and_the_report_says_so(
    univ_a_staff, django_capture_on_commit_callbacks
):
    from patents.importing.columns import COLUMNS

    headers = [column.zh for column in COLUMNS]
    example = [column.example or None for column in COLUMNS]
    job = upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx([example], headers))
    error = job.row_errors.get()
    assert (error.row_number, error.column, error.code) == (2, "申请号", "template_example")
    assert error.message == (
        "This is the example row of the upload template, not a patent: it was not imported. "
        "Delete it from your file."
    )
    assert (job.status, job.created_count) == ("done", 0)
    assert not Patent.objects.exists()


def test_upload_page_says_before_upload_that_empty_cells_clear_fields(client, univ_a_staff):
    client.force_login(univ_a_staff)
    page = client.get(reverse("patents:import_new")).content.decode()
    warning = page[page.index('id="upload-replaces"') : page.index('id="upload-submit"')]
    assert "an empty cell clears that field" in warning
    assert "leave its column out of the file" in warning
    assert "Admitted records whose content changes go back to university review." in warning


def test_result_page_counts_records_cleared_and_sent_back_to_review(
    client, univ_a_staff, django_capture_on_commit_callbacks
):
    from patents.models import ReviewStatus

    other = ["202120123456.2", "一种实用新型装置", "审中", "2021-05-01", "G06F 16/35"]
    upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx([GOOD, other]))
    Patent.objects.filter(application_no=GOOD[0]).update(review_status=ReviewStatus.ADMITTED)
    # The IPC cell of both rows left empty: both records lose it; the admitted one also leaves
    # the library for review.
    job = upload_and_run(
        django_capture_on_commit_callbacks,
        univ_a_staff,
        xlsx([[*GOOD[:4], ""], [*other[:4], ""]]),
    )
    assert job.updated_count == 2
    client.force_login(univ_a_staff)
    page = client.get(reverse("patents:import_detail", args=[job.pk])).content.decode()
    assert (
        '<li data-testid="import-cleared">Empty cells cleared fields of 2 existing records.</li>'
    ) in page
    assert (
        '<li data-testid="import-sent-back">1 admitted record changed and went back to '
        "university review (1 with fields cleared): it is out of the library until approved "
        "again.</li>"
    ) in page
    # A re-upload that clears nothing and sends nothing back says nothing of the kind.
    again = upload_and_run(
        django_capture_on_commit_callbacks, univ_a_staff, xlsx([[*GOOD[:4], ""]])
    )
    page = client.get(reverse("patents:import_detail", args=[again.pk])).content.decode()
    assert 'id="import-effects"' not in page
