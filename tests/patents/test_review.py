from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from patents.models import ChangeSource, Patent, PatentChange, ReviewStatus
from patents.services import review
from tests.factories import PatentFactory

pytestmark = pytest.mark.django_db


def _status(patent: Patent) -> str:
    patent.refresh_from_db()
    return patent.review_status


def test_full_path_to_the_library_is_recorded(inventor, college_staff, univ_a_staff, draft):
    review.review_patent(patent=draft, action="submit", by=inventor)
    assert _status(draft) == ReviewStatus.COLLEGE_REVIEW
    review.review_patent(patent=draft, action="approve", by=college_staff)
    assert _status(draft) == ReviewStatus.UNIVERSITY_REVIEW
    review.review_patent(patent=draft, action="approve", by=univ_a_staff)
    assert _status(draft) == ReviewStatus.ADMITTED
    assert draft.is_in_library
    steps = list(
        PatentChange.objects.filter(patent=draft).order_by("id").values_list("changes", flat=True)
    )
    assert [step["review_status"] for step in steps] == [
        ["draft", "college_review"],
        ["college_review", "university_review"],
        ["university_review", "admitted"],
    ]
    assert set(PatentChange.objects.values_list("source", flat=True)) == {ChangeSource.REVIEW}


def test_record_without_college_goes_straight_to_university_review(
    univ_a_staff, zhejiang_university
):
    patent = PatentFactory(organisation=zhejiang_university)
    review.review_patent(patent=patent, action="submit", by=univ_a_staff)
    assert _status(patent) == ReviewStatus.UNIVERSITY_REVIEW


def test_return_needs_a_reason_and_writes_nothing_without_one(college_staff, draft):
    draft.review_status = ReviewStatus.COLLEGE_REVIEW
    draft.save()
    with pytest.raises(ValidationError) as error:
        review.review_patent(patent=draft, action="return", note="  ", by=college_staff)
    assert error.value.message_dict == {"note": ["Give a reason for returning the record."]}
    assert _status(draft) == ReviewStatus.COLLEGE_REVIEW
    assert not PatentChange.objects.exists()
    review.review_patent(patent=draft, action="return", note="摘要不完整", by=college_staff)
    draft.refresh_from_db()
    assert (draft.review_status, draft.review_note) == (ReviewStatus.RETURNED, "摘要不完整")


def test_approving_a_draft_is_refused_with_the_reason(univ_a_staff, draft):
    with pytest.raises(ValidationError) as error:
        review.review_patent(patent=draft, action="approve", by=univ_a_staff)
    assert error.value.messages == [
        f"{draft.application_no} is “Draft”: it cannot be approved now."
    ]
    assert _status(draft) == ReviewStatus.DRAFT
    assert not PatentChange.objects.exists()


def test_inventor_cannot_approve(inventor, draft):
    draft.review_status = ReviewStatus.COLLEGE_REVIEW
    draft.save()
    with pytest.raises(PermissionDenied) as error:
        review.review_patent(patent=draft, action="approve", by=inventor)
    assert str(error.value) == "Your role may not approve records at the “College review” step."
    assert _status(draft) == ReviewStatus.COLLEGE_REVIEW


def test_university_staff_cannot_do_the_college_step(univ_a_staff, draft):
    draft.review_status = ReviewStatus.COLLEGE_REVIEW
    draft.save()
    with pytest.raises(PermissionDenied):
        review.review_patent(patent=draft, action="approve", by=univ_a_staff)


def test_college_staff_of_another_college_cannot_see_the_record(other_college_staff, draft):
    draft.review_status = ReviewStatus.COLLEGE_REVIEW
    draft.save()
    with pytest.raises(Patent.DoesNotExist):
        review.review_patent(patent=draft, action="approve", by=other_college_staff)
    assert _status(draft) == ReviewStatus.COLLEGE_REVIEW


def test_college_staff_cannot_admit(college_staff, draft):
    draft.review_status = ReviewStatus.UNIVERSITY_REVIEW
    draft.save()
    with pytest.raises(PermissionDenied):
        review.review_patent(patent=draft, action="approve", by=college_staff)


def test_bulk_approve_moves_every_record(univ_a_admin, zhejiang_university):
    patents = PatentFactory.create_batch(
        3, organisation=zhejiang_university, review_status=ReviewStatus.UNIVERSITY_REVIEW
    )
    done = review.bulk_review(patent_ids=[p.pk for p in patents], action="approve", by=univ_a_admin)
    assert len(done) == 3
    assert {_status(p) for p in patents} == {ReviewStatus.ADMITTED}
    assert PatentChange.objects.filter(source=ChangeSource.REVIEW).count() == 3


def test_bulk_review_is_all_or_nothing(univ_a_admin, zhejiang_university):
    ready = PatentFactory(organisation=zhejiang_university, review_status="university_review")
    not_ready = PatentFactory(organisation=zhejiang_university)
    with pytest.raises(ValidationError) as error:
        review.bulk_review(patent_ids=[ready.pk, not_ready.pk], action="approve", by=univ_a_admin)
    assert error.value.messages == [
        f"{not_ready.application_no} is “Draft”: it cannot be approved now."
    ]
    assert _status(ready) == ReviewStatus.UNIVERSITY_REVIEW
    assert not PatentChange.objects.exists()


def test_bulk_review_refuses_records_of_another_university(univ_a_admin, foreign_patent):
    with pytest.raises(ValidationError) as error:
        review.bulk_review(patent_ids=[foreign_patent.pk], action="submit", by=univ_a_admin)
    assert error.value.messages == ["Some of the selected records do not exist or are not yours."]
    assert _status(foreign_patent) == ReviewStatus.DRAFT


def test_bulk_review_needs_a_selection(univ_a_admin):
    with pytest.raises(ValidationError) as error:
        review.bulk_review(patent_ids=[], action="submit", by=univ_a_admin)
    assert error.value.messages == ["Select at least one record."]


def test_admitted_record_can_be_withdrawn_by_university_staff(univ_a_staff, zhejiang_university):
    patent = PatentFactory(organisation=zhejiang_university, review_status="admitted")
    review.review_patent(patent=patent, action="return", note="抽查不合格", by=univ_a_staff)
    assert _status(patent) == ReviewStatus.RETURNED


def test_admission_warns_about_each_record_enterprises_will_not_see(
    univ_a_admin, zhejiang_university
):
    published, pending, uncategorised = (
        PatentFactory(organisation=zhejiang_university, review_status="university_review", **f)
        for f in ({}, {"legal_status": "pending"}, {"inventory_category": ""})
    )
    done = review.bulk_review(
        patent_ids=[published.pk, pending.pk, uncategorised.pk], action="approve", by=univ_a_admin
    )
    assert {_status(p) for p in (published, pending, uncategorised)} == {ReviewStatus.ADMITTED}
    assert review.publication_warnings(done) == [
        f"{pending.application_no} is admitted, but it will not be published in the library "
        "(legal status Pending): only valid patents with conversion prospects are.",
        f"{uncategorised.application_no} is admitted, but it will not be published in the "
        "library (no inventory category): only valid patents with conversion prospects are.",
    ]
