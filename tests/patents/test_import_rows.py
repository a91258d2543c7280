"""Row validation messages, partial saves, idempotent re-upload, the review rule."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchRun, RunKind
from patents.importing.columns import COLUMNS_BY_KEY
from patents.models import ImportJob, Patent, PatentChange, ReviewStatus
from patents.services import imports
from tests.patents.import_helpers import GOOD, upload_and_run, xlsx

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (["202110123456.8", "标题", "有效", "2021-03-15", ""], "申请号",
         "“202110123456.8” fails its check digit: it should end in .7."),
        (["12345", "标题", "有效", "2021-03-15", ""], "申请号",
         "“12345” is not an application number: expected 12 digits, a dot and a check digit, "
         "e.g. 202110123456.7 (or the older 8-digit form)."),
        (["202110123456.7", "标题", "有效", "2021-03-15", "XYZ"], "主分类号",
         "“XYZ” is not an IPC symbol: expected e.g. G06F 16/35 or G06F."),
        (["202110123456.7", "标题", "有效", "15/03/2021", ""], "申请日",
         "“15/03/2021” is not a date: write it as 2021-03-15."),
        (["202110123456.7", "标题", "半有效", "2021-03-15", ""], "法律状态",
         "“半有效” is not one of: Pending, Valid, Lapsed (fees unpaid), Expired, Invalidated, "
         "Rejected, Withdrawn, Abandoned."),
        (["202110123456.7", "", "有效", "2021-03-15", ""], "专利名称",
         "This cell must not be empty."),
    ],
)  # fmt: skip
def test_rejects_bad_row_with_exact_message(
    univ_a_staff, django_capture_on_commit_callbacks, row, column, message
):
    job = upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx([row]))
    error = job.row_errors.get()
    assert (error.row_number, error.column, error.message) == (2, column, message)
    assert job.error_count == 1
    assert not Patent.objects.exists()


@pytest.mark.parametrize(
    "key",
    [
        "title", "publication_no", "open_licence_payment_method",
        "contact_name", "contact_phone", "contact_email",
    ],
)  # fmt: skip
def test_a_cell_one_over_the_fields_max_length_is_a_row_error_naming_the_limit(
    univ_a_staff, django_capture_on_commit_callbacks, key
):
    limit = Patent._meta.get_field(key).max_length
    headers, row = ["申请号", "专利名称"], ["202110123456.7", "标题"]
    if key == "title":
        row[1] = "长" * (limit + 1)
    else:
        headers.append(COLUMNS_BY_KEY[key].zh)
        row.append("长" * (limit + 1))
    job = upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx([row], headers))
    error = job.row_errors.get()
    assert (error.row_number, error.column, error.message) == (
        2,
        COLUMNS_BY_KEY[key].zh,
        f"This value has {limit + 1} characters; the limit is {limit}.",
    )
    assert not Patent.objects.exists()


def test_valid_rows_saved_and_duplicate_in_file_rejected(
    univ_a_staff, django_capture_on_commit_callbacks
):
    other = ["202120123456.2", "一种实用新型装置", "审中", "2021-05-01", "G06F 16/35"]
    job = upload_and_run(
        django_capture_on_commit_callbacks,
        univ_a_staff,
        xlsx([GOOD, ["bad", *GOOD[1:]], other, GOOD]),
    )
    assert (job.created_count, job.error_count) == (2, 2)
    duplicate = job.row_errors.get(code="duplicate")
    assert duplicate.row_number == 5
    assert duplicate.message == (
        "Application number 202110123456.7 already appears in row 2 of this file; this row was "
        "ignored."
    )
    utility = Patent.objects.get(application_no="202120123456.2")
    assert (utility.patent_type, utility.legal_status, utility.ipc_subclass) == (
        "utility_model",
        "pending",
        "G06F",
    )


def test_same_file_twice_changes_nothing(univ_a_staff, django_capture_on_commit_callbacks):
    upload = lambda: xlsx([GOOD])  # noqa: E731
    upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, upload())
    before = (list(Patent.objects.values()), PatentChange.objects.count())
    again = upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, upload())
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 1)
    assert (list(Patent.objects.values()), PatentChange.objects.count()) == before


def test_updated_file_updates_record_and_history(univ_a_staff, django_capture_on_commit_callbacks):
    upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx([GOOD]))
    changed = ["CN2021101234567", "一种改进的锂离子电池隔膜", *GOOD[2:]]
    job = upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx([changed]))
    assert job.updated_count == 1 and Patent.objects.count() == 1
    patent = Patent.objects.get()
    assert (patent.title, patent.version) == ("一种改进的锂离子电池隔膜", 2)
    assert "改进" in patent.search_text.split()
    change = patent.changes.filter(source="import").first()
    assert change.changes == {"title": [GOOD[1], "一种改进的锂离子电池隔膜"]}
    assert change.changed_by == univ_a_staff


def test_substantive_change_sends_admitted_record_back_to_review(
    univ_a_staff, django_capture_on_commit_callbacks
):
    upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx([GOOD]))
    Patent.objects.update(review_status=ReviewStatus.ADMITTED)
    changed = [GOOD[0], "新的标题", *GOOD[2:]]
    upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx([changed]))
    patent = Patent.objects.get()
    assert patent.review_status == ReviewStatus.UNIVERSITY_REVIEW
    assert patent.changes.first().changes["review_status"] == ["admitted", "university_review"]
    # it left the library: matching is told, so its recommendations are withdrawn
    assert MatchRun.objects.filter(kind=RunKind.PATENT, subject_id=patent.pk).exists()


def test_college_staff_rows_land_in_their_college_and_cannot_touch_others(
    univ_a_staff, college_staff, other_college, django_capture_on_commit_callbacks
):
    upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx([GOOD]))
    Patent.objects.update(department=other_college)
    other = ["202120123456.2", "一种实用新型装置", "审中", "2021-05-01", ""]
    job = upload_and_run(
        django_capture_on_commit_callbacks,
        college_staff,
        xlsx([[GOOD[0], "改名", *GOOD[2:]], other]),
    )
    assert job.created_count == 1
    assert job.row_errors.get().code == "other_department"
    assert (
        Patent.objects.get(application_no="202120123456.2").department == college_staff.department
    )
    assert Patent.objects.get(application_no=GOOD[0]).title == GOOD[1]


def test_errors_are_rendered_in_the_viewers_language(
    univ_a_staff, django_capture_on_commit_callbacks, client
):
    from django.urls import reverse

    bad = ["202110123456.7", "标题", "有效", "15/03/2021", ""]
    job = upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx([bad]))
    client.force_login(univ_a_staff)
    page = client.get(reverse("patents:import_detail", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "is not a date: write it as 2021-03-15." in page.content.decode()
    assert 'data-testid="import-status">Done<' in page.content.decode()


def test_uploaded_record_history_page_shows_its_creation_by_the_upload(
    client, univ_a_staff, django_capture_on_commit_callbacks
):
    """The creation is shown from the job (no stored row per record): who, when, which upload,
    below the changes made since."""
    job = upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx([GOOD]))
    changed = [GOOD[0], "一种改进的锂离子电池隔膜", *GOOD[2:]]
    upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx([changed]))
    patent = Patent.objects.get()
    assert patent.created_by_import == job and PatentChange.objects.count() == 1
    client.force_login(univ_a_staff)
    page = client.get(reverse("patents:detail", args=[patent.pk])).content.decode()
    history = page[page.index('id="patent-history"') :]
    update = history.index("一种改进的锂离子电池隔膜")
    creation = history.index(f"— → {GOOD[0]}")
    assert update < creation  # newest first: the creation is the last entry
    assert history.count(str(univ_a_staff)) == 2
    assert sum(history.count(label) for label in ("Inventory upload", "批量导入")) == 2


NUMBER_HEADERS = [
    "申请号", "专利名称", "技术成熟度", "许可期限（年）", "开放许可费用（元）", "提成比例（%）",
]  # fmt: skip


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        (["NaN", "", "", ""], "技术成熟度", "“NaN” is not a whole number."),
        (["12", "", "", ""], "技术成熟度",
         "“12” is out of range: the allowed range is 1 to 9."),
        (["", "-3", "", ""], "许可期限（年）",
         "“-3” must not be negative: the allowed range is 1 to 20."),
        (["", "99999999999999999999", "", ""], "许可期限（年）",
         "“99999999999999999999” is out of range: the allowed range is 1 to 20."),
        (["", "40000", "", ""], "许可期限（年）",
         "“40000” is out of range: the allowed range is 1 to 20."),
        (["", "1e20", "", ""], "许可期限（年）",
         "“1e20” is out of range: the allowed range is 1 to 20."),
        (["", "2.5", "", ""], "许可期限（年）", "“2.5” is not a whole number."),
        # Rounded to the column's two places it no longer fits its 14 digits.
        (["", "", "999999999999.999", ""], "开放许可费用（元）",
         "“999999999999.999” is out of range: the allowed range is 0 to 999999999999.99."),
        (["", "", "-5", ""], "开放许可费用（元）",
         "“-5” must not be negative: the allowed range is 0 to 999999999999.99."),
        (["", "", "1e20", ""], "开放许可费用（元）",
         "“1e20” is out of range: the allowed range is 0 to 999999999999.99."),
        (["", "", "", "5000"], "提成比例（%）",
         "“5000” is out of range: the allowed range is 0 to 100."),
        (["", "", "", "100.004"], "提成比例（%）", None),  # rounds to 100.00: accepted
        (["", "", "", "abc"], "提成比例（%）", "“abc” is not a number."),
    ],
)  # fmt: skip
def test_number_out_of_its_fields_range_is_a_row_error_and_the_other_rows_import(
    univ_a_staff, django_capture_on_commit_callbacks, cells, column, message
):
    good = ["202120123456.2", "一种实用新型装置", 6, 5, "1000.5", "3"]
    job = upload_and_run(
        django_capture_on_commit_callbacks,
        univ_a_staff,
        xlsx([[GOOD[0], GOOD[1], *cells], good], NUMBER_HEADERS),
    )
    assert job.status == "done"
    saved = Patent.objects.get(application_no="202120123456.2")
    assert (saved.maturity, saved.open_licence_period_years) == (6, 5)
    assert str(saved.open_licence_fee_amount) == "1000.50"
    if message is None:
        assert (job.created_count, job.error_count) == (2, 0)
        return
    error = job.row_errors.get()
    assert (error.row_number, error.column, error.value, error.message) == (
        2,
        column,
        cells[NUMBER_HEADERS.index(column) - 2],
        message,
    )
    assert (job.created_count, job.error_count) == (1, 1)
    assert not Patent.objects.filter(application_no=GOOD[0]).exists()


def test_numeric_excel_cells_are_checked_like_text(
    univ_a_staff, django_capture_on_commit_callbacks
):
    rows = [[GOOD[0], GOOD[1], 7.0, -3, 12.345, 0]]
    job = upload_and_run(
        django_capture_on_commit_callbacks, univ_a_staff, xlsx(rows, NUMBER_HEADERS)
    )
    assert [(e.column, e.code) for e in job.row_errors.all()] == [("许可期限（年）", "negative")]


def test_an_unexpected_error_fails_the_job_with_a_message_instead_of_leaving_it_pending(
    univ_a_staff, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValueError("a bug")

    monkeypatch.setattr(imports, "upsert_chunk", broken)
    job = upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx([GOOD]))
    assert (job.status, job.processed_rows) == ("failed", 0)
    assert job.file_error == (
        "The import stopped on an unexpected error after 0 rows; the rows saved before it are "
        "kept. The error was logged: please tell the platform's administrators about this upload."
    )
    assert not Patent.objects.exists()
    assert "inventory import" in caplog.text and "ValueError: a bug" in caplog.text


def test_a_database_hiccup_leaves_the_job_pending_for_the_retry(univ_a_staff, monkeypatch):
    from django.db import OperationalError

    organisation = univ_a_staff.organisation
    job = imports.start_import(organisation=organisation, file=xlsx([GOOD]), by=univ_a_staff)

    def lost(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(imports, "upsert_chunk", lost)
    with pytest.raises(OperationalError):
        imports.run_import(job_id=job.pk)
    assert ImportJob.objects.get(pk=job.pk).status == "pending"


DATE_HEADERS = ["申请号", "专利名称", "申请日", "授权日"]


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (["202210123456.1", "标题", "2099-01-01", ""], "申请日",
         "“2099-01-01” is a date in the future."),
        (["202210123456.1", "标题", "1800-01-01", ""], "申请日",
         "“1800-01-01” is before 1985-04-01, when China's Patent Law came into force: no "
         "Chinese patent application is older."),
        (["202210123456.1", "标题", "2022-03-01", "2099-01-01"], "授权日",
         "“2099-01-01” is a date in the future."),
        (["202210123456.1", "标题", "2023-03-01", ""], "申请日",
         "The application date 2023-03-01 is later than 2022, the filing year in the "
         "application number: the number is allotted when the application is filed, so one of "
         "the two is wrong."),
        (["95115608.X", "标题", "1996-01-01", ""], "申请日",
         "The application date 1996-01-01 is later than 1995, the filing year in the "
         "application number: the number is allotted when the application is filed, so one of "
         "the two is wrong."),
        (["202210123456.1", "标题", "2022-03-01", "2022-02-01"], "授权日",
         "The grant date 2022-02-01 is before the application date."),
    ],
)  # fmt: skip
def test_impossible_dates_are_refused(
    univ_a_staff, django_capture_on_commit_callbacks, row, column, message
):
    job = upload_and_run(
        django_capture_on_commit_callbacks, univ_a_staff, xlsx([row], DATE_HEADERS)
    )
    error = job.row_errors.get()
    assert (error.row_number, error.column, error.message) == (2, column, message)
    assert not Patent.objects.exists()


def test_tomorrow_is_in_the_future_even_as_an_excel_date(
    univ_a_staff, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    tomorrow = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time())
    rows = [["202110123456.7", "标题", "2021-03-15", tomorrow]]
    job = upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx(rows, DATE_HEADERS))
    assert job.row_errors.get().code == "future_date"


JOB_DAY_HEADERS = [
    *DATE_HEADERS, "法律状态", "转化方式",
    "开放许可费用方式", "开放许可费用（元）", "许可期限（年）",
]  # fmt: skip


# fork=True: the forked reader parses the rows and checks those it believes new itself.
@pytest.mark.parametrize("fork", [False, True])
def test_a_job_judges_every_row_by_the_day_it_started(univ_a_staff, settings, monkeypatch, fork):
    """The day is the job's, handed to the row checks and the record rules alike, so an import
    resumed (or still running) after midnight judges its rows by one date. Here the job started
    on 2022-06-01 and is resumed now."""
    monkeypatch.setattr(imports, "CHUNK_ROWS", 1)  # more than a chunk to go: the fork pays
    settings.INVENTORY_IMPORT_FORK = fork
    rows = [
        # An invention filed on 2003-06-01 is in force until 2023-05-31: on 2022-06-01 an open
        # licence for a year still fits its term (years later the patent has expired).
        ["200310123456.9", "一种开放许可的方法", "2003-06-01", "2005-01-10", "有效", "开放许可",
         "一次性支付", 1000, 1],
        ["202210123457.6", "标题", "2022-06-02", "", "审中"],
        ["202310123456.6", "标题", "", "", "审中"],
    ]  # fmt: skip
    upload = xlsx(rows, JOB_DAY_HEADERS)
    job = imports.start_import(organisation=univ_a_staff.organisation, file=upload, by=univ_a_staff)
    started = timezone.make_aware(datetime.datetime(2022, 6, 1, 23, 59))
    ImportJob.objects.filter(pk=job.pk).update(started_at=started)
    imports.run_import(job_id=job.pk)
    job.refresh_from_db()
    errors = job.row_errors.order_by("row_number")
    assert list(errors.values_list("row_number", "column", "message")) == [
        (3, "申请日", "“2022-06-02” is a date in the future."),
        (4, "申请号", "“202310123456.6” has an impossible filing year."),
    ]
    assert (job.status, job.created_count, job.error_count) == ("done", 1, 2)
    assert Patent.objects.get().offers_open_licence


@pytest.mark.parametrize(
    "row",
    [
        # A divisional application keeps its parent's (earlier) application date.
        ["202210123456.1", "一种分案申请", "2019-06-01", "2023-05-01"],
        # A PCT application's number carries the year it entered the Chinese national phase.
        ["202280012345.1", "一种PCT申请", "2020-11-20", ""],
        ["202210123456.1", "标题", "2022-12-31", ""],
    ],
)
def test_an_application_date_before_the_numbers_year_is_accepted(
    univ_a_staff, django_capture_on_commit_callbacks, row
):
    job = upload_and_run(
        django_capture_on_commit_callbacks, univ_a_staff, xlsx([row], DATE_HEADERS)
    )
    assert (job.created_count, job.error_count) == (1, 0)


def _upload_number(capture, user, cell):  # type: ignore[no-untyped-def]
    return upload_and_run(capture, user, xlsx([[cell, "标题"]], ["申请号", "专利名称"]))


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        (202310900001, "202310900001.0"),  # Excel dropped ".0": its check digit can only be 0
        (202110123456.7, "202110123456.7"),  # a number with a non-zero check digit keeps it
        ("202310900001", "202310900001.0"),  # the same, from a CSV Excel saved
    ],
)
def test_application_number_excel_kept_as_a_number_is_read_when_unambiguous(
    univ_a_staff, django_capture_on_commit_callbacks, cell, stored
):
    job = _upload_number(django_capture_on_commit_callbacks, univ_a_staff, cell)
    assert (job.created_count, job.error_count) == (1, 0)
    assert Patent.objects.get().application_no == stored


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (202110123456,
         "“202110123456” has no check digit: Excel stored this application number as a number "
         "and dropped the dot and the digit after it. Format the column as text, type the "
         "number in full (e.g. 202110123456.7) and upload again."),
        ("2.02211E+12",
         "“2.02211E+12” is in Excel's scientific notation: the last digits of the application "
         "number were lost when the file was saved. Format the column as text, type the "
         "numbers in full (e.g. 202110123456.7) and save again."),
    ],
)  # fmt: skip
def test_application_number_whose_digits_excel_lost_says_how_to_keep_them(
    univ_a_staff, django_capture_on_commit_callbacks, cell, message
):
    job = _upload_number(django_capture_on_commit_callbacks, univ_a_staff, cell)
    assert job.row_errors.get().message == message
    assert not Patent.objects.exists()
