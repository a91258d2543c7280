"""Uploaded rows obey the record's cross-field rules, as the edit form and the API do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from patents.models import Patent, ReviewStatus
from patents.services import imports, records
from tests.patents.import_helpers import upload_and_run, xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["申请号", "专利名称", "法律状态", "授权日", "转化方式"]
OPEN_NO_TERMS = ["202110123456.7", "一种开放许可的方法", "有效", "2022-05-10", "转让；开放许可"]
PLAIN = ["202120123456.2", "一种实用新型装置", "有效", "2022-01-04", "转让"]
TERMS = ["开放许可费用方式", "开放许可费用（元）", "许可期限（年）"]


def _errors(job) -> list[tuple[int, str, str, str]]:  # type: ignore[no-untyped-def]
    return list(job.row_errors.values_list("row_number", "column", "value", "message"))


# fork=True: on PostgreSQL the forked reader checks the rows it believes new itself and writes
# them with COPY (the fast path: the writer never sees their values); otherwise the writer
# checks every row.
@pytest.mark.parametrize("fork", [False, True])
def test_open_licence_without_its_terms_is_refused_per_column_and_the_other_rows_import(
    univ_a_staff, django_capture_on_commit_callbacks, settings, monkeypatch, fork
):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 1)  # more than a chunk to go: the fork pays
    settings.INVENTORY_IMPORT_FORK = fork
    job = upload_and_run(
        django_capture_on_commit_callbacks, univ_a_staff, xlsx([OPEN_NO_TERMS, PLAIN], HEADERS)
    )
    assert _errors(job) == [
        (
            2,
            "Open licence fee basis (not in the file)",
            "",
            "Give the fee basis of the open licence.",
        ),
        (
            2,
            "Licence period (years) (not in the file)",
            "",
            "Give the period of the open licence.",
        ),
    ]
    assert (job.status, job.created_count, job.error_count) == ("done", 1, 1)
    assert list(Patent.objects.values_list("application_no", flat=True)) == [PLAIN[0]]


@pytest.mark.parametrize("fork", [False, True])
def test_rules_on_columns_of_the_file_name_the_column_and_its_value(
    univ_a_staff, django_capture_on_commit_callbacks, settings, monkeypatch, fork
):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 1)
    settings.INVENTORY_IMPORT_FORK = fork
    pending = ["202110123456.7", "一种方法", "审中", "", "独占许可；开放许可", "一次性支付", "", 5]
    job = upload_and_run(
        django_capture_on_commit_callbacks,
        univ_a_staff,
        xlsx([pending, [*PLAIN, "", "", ""]], [*HEADERS, *TERMS]),
    )
    assert _errors(job) == [
        (
            2,
            "转化方式",
            "Exclusive licence, Open licence",
            "Only a granted patent in force can be offered under an open licence. A patent "
            "under an open licence cannot also be offered for an exclusive licence.",
        ),
        (2, "开放许可费用（元）", "", "Give the fee amount of the open licence."),
    ]
    assert not Patent.objects.filter(application_no=pending[0]).exists()


def test_complete_open_licence_is_imported_and_passes_the_edit_forms_rules(
    univ_a_staff, django_capture_on_commit_callbacks
):
    row = [*OPEN_NO_TERMS, "一次性支付", "50000", 5]
    job = upload_and_run(
        django_capture_on_commit_callbacks, univ_a_staff, xlsx([row], [*HEADERS, *TERMS])
    )
    assert (job.created_count, job.error_count) == (1, 0)
    patent = Patent.objects.get()
    errors = {}  # type: ignore[var-annotated]
    records.check_record(patent, errors)
    assert errors == {}
    # An edit of another field later goes through: nothing the user never touched blocks it.
    records.update_patent(patent=patent, fields={"title": "新标题"}, by=univ_a_staff)


def test_existing_record_is_judged_with_its_stored_values(
    univ_a_staff, django_capture_on_commit_callbacks
):
    """A column the file leaves out keeps its stored value, and the rules see that value."""
    row = [*OPEN_NO_TERMS, "一次性支付", "50000", 5]
    upload_and_run(
        django_capture_on_commit_callbacks, univ_a_staff, xlsx([row], [*HEADERS, *TERMS])
    )
    Patent.objects.update(review_status=ReviewStatus.ADMITTED)

    # No fee columns in this file: the stored terms stand, so the new title is accepted.
    renamed = [OPEN_NO_TERMS[0], "改进的方法", *OPEN_NO_TERMS[2:]]
    job = upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx([renamed], HEADERS))
    assert (job.updated_count, job.error_count) == (1, 0)

    # An empty fee-basis cell would clear the basis of an open licence: refused, nothing written.
    cleared = [*renamed, "", "50000", 5]
    job = upload_and_run(
        django_capture_on_commit_callbacks, univ_a_staff, xlsx([cleared], [*HEADERS, *TERMS])
    )
    assert _errors(job) == [(2, "开放许可费用方式", "", "Give the fee basis of the open licence.")]
    assert job.updated_count == 0
    patent = Patent.objects.get()
    assert (patent.open_licence_fee_basis, patent.review_status) == (
        "lump_sum",
        "university_review",
    )


def test_an_unchanged_row_is_not_judged_again(univ_a_staff, django_capture_on_commit_callbacks):
    """As in the edit form, saving the same values is no change: a record stored before the
    rules applied is reported when it changes, not on every upload of the same file."""
    Patent.objects.create(
        organisation=univ_a_staff.organisation,
        application_no=OPEN_NO_TERMS[0],
        title=OPEN_NO_TERMS[1],
        patent_type="invention",
        offers_transfer=True,
        offers_open_licence=True,
    )
    row = [OPEN_NO_TERMS[0], OPEN_NO_TERMS[1], "有效", "", "转让；开放许可"]
    job = upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx([row], HEADERS))
    assert (job.unchanged_count, job.error_count) == (1, 0)


def _pages(client, user, job):  # type: ignore[no-untyped-def]
    """The job's page as a Chinese and as an English reader sees it."""
    client.force_login(user)
    url = reverse("patents:import_detail", args=[job.pk])
    return [
        client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        for language in ("zh-hans", "en")
    ]


def test_rule_errors_are_shown_in_the_viewers_language(
    univ_a_staff, django_capture_on_commit_callbacks, client
):
    job = upload_and_run(
        django_capture_on_commit_callbacks, univ_a_staff, xlsx([OPEN_NO_TERMS], HEADERS)
    )
    chinese, english = _pages(client, univ_a_staff, job)
    assert "请填写开放许可的计费方式。" in chinese
    assert "Give the fee basis of the open licence." in english


def test_a_stored_value_breaking_a_rule_is_named_as_not_in_the_file(
    univ_a_staff, django_capture_on_commit_callbacks
):
    """As the edit form, a change is judged on the whole record: a stored open licence without
    its terms stops a new title until the terms are given, and the report says the column is
    not in the file (rather than naming a column the uploader cannot find)."""
    Patent.objects.create(
        organisation=univ_a_staff.organisation,
        application_no=OPEN_NO_TERMS[0],
        title=OPEN_NO_TERMS[1],
        patent_type="invention",
        legal_status="valid",
        offers_open_licence=True,
    )
    renamed = [OPEN_NO_TERMS[0], "新标题"]
    job = upload_and_run(
        django_capture_on_commit_callbacks, univ_a_staff, xlsx([renamed], ["申请号", "专利名称"])
    )
    assert [error[1] for error in _errors(job)] == [
        "Open licence fee basis (not in the file)",
        "Licence period (years) (not in the file)",
    ]
    assert Patent.objects.get().title == OPEN_NO_TERMS[1]


def test_a_rule_message_holding_values_is_shown_in_each_viewers_language(
    univ_a_staff, django_capture_on_commit_callbacks, client, monkeypatch
):
    """A rule may say "expires on 2031-05-10": translated as a whole when it is made, it cannot
    be looked up later by a msgid, so the upload keeps it in every language."""
    from django.utils.translation import gettext

    from patents.importing import rules

    def check(patent, errors, today=None):  # type: ignore[no-untyped-def]
        message = gettext("“%(value)s” is not a whole number.") % {"value": patent.title}
        errors.setdefault("grant_date", []).append(message)

    monkeypatch.setattr(rules, "check_record", check)
    job = upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx([PLAIN], HEADERS))
    chinese, english = _pages(client, univ_a_staff, job)
    assert "“一种实用新型装置”不是整数。" in chinese
    assert "“一种实用新型装置” is not a whole number." in english
