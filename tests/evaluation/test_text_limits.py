"""Notes and reasons in the appraisal workflow have a limit: the page and the service refuse a
longer one and write nothing, and one of exactly the limit is kept."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation import services
from evaluation.models import Filing, FilingReason, InstitutionStatus
from tests.evaluation.factories import pdf

pytestmark = pytest.mark.django_db

D = datetime.date


@dataclass
class Case:
    """One free text: who writes it where, and where it is stored."""

    limit: int
    user: str  # the fixture of who writes it
    subject: Callable[[Any], Any]  # the record it is written on, from the request fixture
    url: Callable[[Any], str]
    form: str  # the form's name in the page's context
    field: str
    data: Callable[[str], dict[str, Any]]
    service: Callable[[Any, Any, str], Any]
    stored: Callable[[Any], str]


def _under_audit(request):
    institution = request.getfixturevalue("applying_institution")
    institution.status = InstitutionStatus.UNDER_AUDIT
    institution.save()
    return institution


def _open_filing(request):
    return Filing.objects.create(
        institution=request.getfixturevalue("zj_institution"),
        reason=FilingReason.STAFF_CHANGED,
        changed_on=D(2026, 1, 5),
        due_on=D(2026, 2, 13),
    )


def _inspection_notes(institution) -> str:
    inspection = institution.inspections.first()
    return inspection.notes if inspection else ""


CASES = {
    "decision note": Case(
        limit=500,
        user="bureau_zj",
        subject=_under_audit,
        url=lambda i: reverse("evaluation:decide", args=[i.pk]),
        form="decision_form",
        field="note",
        data=lambda text: {"approve": "0", "note": text},
        service=lambda i, by, text: services.decide_application(
            institution=i, approve=False, certificate_no="", certificate_date=None, note=text, by=by
        ),
        stored=lambda i: i.decision_note,
    ),
    "suspension reason": Case(
        limit=500,
        user="bureau_zj",
        subject=lambda request: request.getfixturevalue("zj_institution"),
        url=lambda i: reverse("evaluation:change_standing", args=[i.pk]),
        form="standing_form",
        field="reason",
        data=lambda text: {"status": InstitutionStatus.SUSPENDED, "reason": text},
        service=lambda i, by, text: services.change_standing(
            institution=i, status=InstitutionStatus.SUSPENDED, reason=text, by=by
        ),
        stored=lambda i: i.status_note,
    ),
    "inspection notes": Case(
        limit=2000,
        user="bureau_zj",
        subject=lambda request: request.getfixturevalue("zj_institution"),
        url=lambda i: reverse("evaluation:record_inspection", args=[i.pk]),
        form="inspection_form",
        field="notes",
        data=lambda text: {
            "year": 2025,
            "result": "rectify",
            "inspected_on": "2025-12-01",
            "notes": text,
        },
        service=lambda i, by, text: services.record_inspection(
            institution=i,
            year=2025,
            result="rectify",
            notes=text,
            inspected_on=D(2025, 12, 1),
            by=by,
        ),
        stored=_inspection_notes,
    ),
    "filing note": Case(
        limit=500,
        user="appraiser_user",
        subject=_open_filing,
        url=lambda f: reverse("evaluation:filing_detail", args=[f.pk]),
        form="form",
        field="note",
        data=lambda text: {
            "filed_on": "2026-02-10",
            "note": text,
            "document": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", "application/pdf"),
        },
        service=lambda f, by, text: services.submit_filing(
            filing=f, document=pdf(), filed_on=D(2026, 2, 10), note=text, by=by
        ),
        stored=lambda f: f.note,
    ),
}


def _text(length: int) -> str:
    return ("需整改档案管理" * (length // 7 + 1))[:length]


@pytest.mark.parametrize("name", CASES)
def test_an_overlong_note_is_refused_by_the_page_and_the_service(client, request, name):
    case = CASES[name]
    subject = case.subject(request)
    user = request.getfixturevalue(case.user)
    text = _text(case.limit + 1)
    too_long = f"Ensure this value has at most {case.limit} characters (it has {case.limit + 1})."
    client.force_login(user)
    response = client.post(case.url(subject), case.data(text))
    assert response.context[case.form].errors[case.field] == [too_long]
    assert too_long in response.content.decode()
    with pytest.raises(ValidationError) as error:
        case.service(subject, user, text)
    assert error.value.message_dict == {case.field: [too_long]}
    subject.refresh_from_db()
    assert case.stored(subject) == ""


@pytest.mark.parametrize("name", CASES)
def test_a_note_of_exactly_the_limit_is_kept(client, request, name):
    case = CASES[name]
    subject = case.subject(request)
    client.force_login(request.getfixturevalue(case.user))
    text = _text(case.limit)
    response = client.post(case.url(subject), case.data(text))
    assert response.status_code == 302
    subject.refresh_from_db()
    assert case.stored(subject) == text
