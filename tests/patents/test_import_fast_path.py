"""The fast path of inventory uploads: COPY writes, the forked reader, the benchmark's data."""

from __future__ import annotations

import contextlib
import datetime
import json
import threading

import pytest
from django.db import connection, transaction

from patents.importing import pipeline
from patents.importing.pipeline import ParsedChunk, prefetch
from patents.importing.upsert import (
    ImportContext,
    insert_prepared,
    prepare_new_records,
    upsert_chunk,
)
from patents.models import Patent, PatentChange
from patents.search import search_text_for
from patents.selectors import history_of
from patents.services import imports
from patents.synthetic import AREAS
from refdata.models import Industry
from tests.patents.import_helpers import GOOD, upload_and_run, xlsx

pytestmark = pytest.mark.django_db

HEADERS = [
    "申请号",
    "专利名称",
    "摘要",
    "发明人",
    "申请日",
    "技术成熟度",
    "转化方式",
    "所属行业代码",
]
AWKWARD = "第一行\t制表符\n第二行 \\ 反斜杠 \\N “引号” 'single' end"


def _rows() -> list[list[object]]:
    return [
        ["202110123456.7", "一种锂离子电池隔膜", AWKWARD, "王伟；李娜", "2021-03-15", 6,
         "转让；作价入股", "3841"],
        ["202120123456.2", "一种装置", "", "", None, None, "", ""],
        ["bad", "标题", "", "", "", "", "", ""],
        ["202110123456.7", "重复", "", "", "", "", "", ""],
        ["202310000001.5", "第三件", "摘要", "张三", datetime.date(2023, 1, 2), "7", "", "6513"],
    ]  # fmt: skip


def _snapshot() -> tuple[list[dict[str, object]], list[tuple[str, str, object, str]]]:
    ignored = {"id", "created_at", "updated_at", "created_by_import_id"}  # differ between jobs
    records = [
        {key: value for key, value in record.items() if key not in ignored}
        for record in Patent.objects.order_by("application_no").values()
    ]
    history = list(
        PatentChange.objects.order_by("patent__application_no").values_list(
            "patent__application_no", "source", "changes", "changed_by__username"
        )
    )
    return records, history


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL only")
def test_copy_stores_awkward_text_exactly_and_writes_history(
    univ_a_staff, django_capture_on_commit_callbacks
):
    job = upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx(_rows(), HEADERS))
    assert (job.status, job.created_count, job.error_count) == ("done", 3, 2)
    patent = Patent.objects.get(application_no="202110123456.7")
    assert patent.abstract == AWKWARD.strip()
    assert patent.inventors == ["王伟", "李娜"]
    assert (patent.offers_transfer, patent.offers_open_licence, patent.offers_investment) == (
        True,
        False,
        True,
    )
    assert (patent.industry_id, patent.maturity, patent.application_date) == (
        "3841",
        6,
        datetime.date(2021, 3, 15),
    )
    assert (patent.review_status, patent.version, patent.updated_by) == ("draft", 1, univ_a_staff)
    assert patent.ipc_other == [] and patent.patentees == []
    # The same search text as the library's own builder gives for the stored record.
    assert patent.search_text == search_text_for(patent)
    assert {"锂离子", "隔膜", "制表符"} <= set(patent.search_text.split())
    bare = Patent.objects.get(application_no="202120123456.2")
    assert (bare.legal_status, bare.industry_id, bare.application_date) == ("pending", None, None)
    # No history row per created record: the history shows the creation from the job.
    assert not patent.changes.exists() and patent.created_by_import_id == job.pk
    (change,) = history_of(patent)
    assert (
        change.source,
        change.changes,
        change.changed_by,
        change.import_job_id,
        change.changed_at,
    ) == ("import", {"created": [None, "202110123456.7"]}, univ_a_staff, job.pk, patent.created_at)
    # New ids came from the table's sequence: an ordinary save afterwards does not collide.
    later = Patent.objects.create(
        organisation=univ_a_staff.organisation,
        application_no="202410000001.X",
        title="后来",
        patent_type="invention",
    )
    assert later.pk > max(Patent.objects.exclude(pk=later.pk).values_list("pk", flat=True))


def test_forked_reader_gives_the_same_result_as_reading_in_process(
    univ_a_staff, django_capture_on_commit_callbacks, settings, monkeypatch
):
    # Chunks of two rows: the duplicate (row 5) is in a later chunk than its first row (row 2).
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    results = []
    for fork in (False, True):
        settings.INVENTORY_IMPORT_FORK = fork
        job = upload_and_run(
            django_capture_on_commit_callbacks, univ_a_staff, xlsx(_rows(), HEADERS)
        )
        errors = list(job.row_errors.values_list("row_number", "column", "code", "message"))
        counts = (job.status, job.processed_rows, job.created_count, job.error_count)
        results.append((counts, errors, _snapshot()))
        Patent.objects.all().delete()
    assert results[0] == results[1]
    assert results[0][0] == ("done", 5, 3, 2)
    assert [error[:3] for error in results[0][1]] == [
        (4, "申请号", "bad_application_no"),
        (5, "申请号", "duplicate"),
    ]


def test_forked_reader_resumes_after_the_committed_chunks(
    univ_a_staff, django_capture_on_commit_callbacks, settings, monkeypatch
):
    """A resumed job skips committed chunks but still knows their numbers (duplicates)."""
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    settings.INVENTORY_IMPORT_FORK = True
    job = upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx(_rows(), HEADERS))
    first = _snapshot()
    # As if the worker died after the first chunk: back to PENDING with one chunk committed.
    type(job).objects.filter(pk=job.pk).update(
        status="pending", processed_rows=2, created_count=2, error_count=0
    )
    job.row_errors.all().delete()
    Patent.objects.exclude(application_no__in=["202110123456.7", "202120123456.2"]).delete()
    imports.run_import(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.created_count, job.error_count) == ("done", 2, 3, 2)
    assert job.row_errors.get(code="duplicate").row_number == 5
    assert _snapshot() == first  # nothing written twice


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL only")
def test_record_added_after_the_reader_looked_is_updated_not_inserted_twice(
    univ_a_staff, django_capture_on_commit_callbacks, settings, monkeypatch
):
    """The forked reader writes COPY text for numbers the institution did not hold when it
    started; one entered by hand meanwhile sends its chunk the careful way."""
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    settings.INVENTORY_IMPORT_FORK = True
    forked = pipeline.forked

    @contextlib.contextmanager
    def entered_by_hand_meanwhile(spec):  # type: ignore[no-untyped-def]
        assert "202310000001.5" not in spec.held and spec.prepare is not None
        with forked(spec) as reading:
            Patent.objects.create(
                organisation=univ_a_staff.organisation,
                application_no="202310000001.5",
                title="人工录入",
                patent_type="invention",
            )
            yield reading

    monkeypatch.setattr(pipeline, "forked", entered_by_hand_meanwhile)
    job = upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx(_rows(), HEADERS))
    assert (job.status, job.created_count, job.updated_count, job.error_count) == ("done", 2, 1, 2)
    patent = Patent.objects.get(application_no="202310000001.5")
    assert (patent.title, patent.maturity, patent.inventors) == ("第三件", 7, ["张三"])
    assert Patent.objects.count() == 3
    assert patent.changes.get().changes["title"] == ["人工录入", "第三件"]


def test_same_big_file_twice_changes_nothing_on_the_fast_path(
    univ_a_staff, django_capture_on_commit_callbacks, settings, monkeypatch
):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    settings.INVENTORY_IMPORT_FORK = True
    upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx(_rows(), HEADERS))
    before = _snapshot()
    again = upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx(_rows(), HEADERS))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert _snapshot() == before


def test_update_then_new_rows_in_one_chunk(univ_a_staff, django_capture_on_commit_callbacks):
    upload_and_run(django_capture_on_commit_callbacks, univ_a_staff, xlsx([GOOD]))
    other = ["202120123456.2", "一种实用新型装置", "审中", "2021-05-01", ""]
    job = upload_and_run(
        django_capture_on_commit_callbacks,
        univ_a_staff,
        xlsx([[GOOD[0], "改名", *GOOD[2:]], other]),
    )
    assert (job.created_count, job.updated_count) == (1, 1)
    assert Patent.objects.get(application_no=GOOD[0]).title == "改名"
    # One stored entry, the update's; the new record's creation is shown from the job.
    assert PatentChange.objects.count() == 1
    created = Patent.objects.get(application_no="202120123456.2")
    assert [entry.changes for entry in history_of(created)] == [
        {"created": [None, "202120123456.2"]}
    ]


def test_synthetic_industry_codes_exist_in_refdata():
    codes = {industry for _ipc, industry, _subjects, _field in AREAS}
    known = set(Industry.objects.filter(code__in=codes, level=4).values_list("code", flat=True))
    assert codes - known == set()


@pytest.mark.parametrize(
    "value",
    [
        [],
        ["王伟"],
        ["王伟", "李娜"],
        ['O"Brien'],
        ["a\\b"],
        ["tab\there"],
        ["x\x7fy"],
        [1, "a"],
        {"k": 1},
    ],
)
def test_json_cells_are_written_as_json_dumps_would_write_them(value):
    from patents.importing.copy import _json_cell, _text_cell

    assert _json_cell(value) == _text_cell(json.dumps(value, ensure_ascii=False))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL only")
def test_prepared_text_of_a_record_that_exists_by_now_is_not_inserted_again(univ_a_staff):
    """The reader guesses "new" from the numbers held when the job started; a record added since
    (by hand, say) must be updated, not inserted a second time, and the insert of the others
    must not be half done."""
    context = ImportContext(
        organisation_id=univ_a_staff.organisation_id,
        user_id=univ_a_staff.pk,
        job_id=None,
        college_id=None,
        industry_names={},
        today=datetime.date(2026, 1, 15),
    )
    rows = {
        "202110123456.7": (2, {"title": "已由人工录入", "patent_type": "invention"}),
        "202310000001.5": (3, {"title": "全新的一件", "patent_type": "invention"}),
    }
    prepared = prepare_new_records(context, rows)
    Patent.objects.create(
        organisation=univ_a_staff.organisation,
        application_no="202110123456.7",
        title="人工录入的标题",
        patent_type="invention",
    )
    with transaction.atomic():
        assert not insert_prepared(prepared)
        assert Patent.objects.count() == 1
        unpacked = prepared.unpack()
        assert unpacked == rows
        outcome = upsert_chunk(
            context, [(number, values) for number, (_r, values) in unpacked.items()]
        )
    assert (outcome.created, outcome.updated) == (1, 1)
    assert Patent.objects.get(application_no="202110123456.7").title == "已由人工录入"
    fresh = Patent.objects.get(application_no="202310000001.5")
    assert fresh.title == "全新的一件" and fresh.review_status == "draft"
    assert not fresh.changes.exists()


def test_prefetch_hands_over_every_chunk_in_order_then_the_reader_error():
    def chunks():
        for position in range(5):
            yield ParsedChunk(position=position, size=1)
        raise RuntimeError("the inventory reader failed")

    seen = []
    with pytest.raises(RuntimeError, match="reader failed"):
        for chunk in prefetch(chunks()):
            seen.append(chunk.position)
    assert seen == [0, 1, 2, 3, 4]


def test_prefetch_stops_its_thread_when_the_writer_stops_early():
    def endless():
        position = 0
        while True:
            yield ParsedChunk(position=position, size=1)
            position += 1

    reading = prefetch(endless())
    assert next(reading).position == 0
    reading.close()  # the writer was fenced off: the thread must not keep reading
    assert not any(thread.name == "inventory-prefetch" for thread in threading.enumerate())


@pytest.mark.parametrize(
    "changes",
    [{"created": [None, "202110123456.7"]}, {"created": [None, 'a"b']}, {"title": ["a", "b"]}],
)
def test_history_cells_are_written_as_json_dumps_would_write_them(changes):
    from patents.importing.copy import _json_cell, _text_cell

    assert _json_cell(changes) == _text_cell(json.dumps(changes, ensure_ascii=False))
