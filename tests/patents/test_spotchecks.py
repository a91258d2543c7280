from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Organisation
from patents.models import ReviewStatus, SpotCheck, SpotCheckItem
from patents.services import spotchecks
from tests.factories import PatentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admitted(zhejiang_university):
    return PatentFactory.create_batch(
        12, organisation=zhejiang_university, review_status=ReviewStatus.ADMITTED
    )


def test_samples_the_share_rounded_up_from_admitted_patents(
    bureau_zj, zhejiang_university, admitted
):
    PatentFactory(organisation=zhejiang_university)  # a draft is never sampled
    check = spotchecks.start_spot_check(
        institution=zhejiang_university, sample_percent=20, by=bureau_zj
    )
    sampled = set(check.items.values_list("patent_id", flat=True))
    assert len(sampled) == 3  # 20% of 12 = 2.4 → 3
    assert sampled <= {p.pk for p in admitted}


def test_sample_is_at_least_one_and_reproducible(bureau_zj, zhejiang_university, admitted):
    check = spotchecks.start_spot_check(
        institution=zhejiang_university, sample_percent=1, by=bureau_zj
    )
    assert check.items.count() == 1
    redrawn = spotchecks.draw_sample(
        candidate_ids=[p.pk for p in admitted], percent=1, seed=check.pk
    )
    assert redrawn == list(check.items.values_list("patent_id", flat=True))
    assert spotchecks.sample_size(0, 50) == 0


def test_pass_rate_counts_checked_items(bureau_zj, zhejiang_university, admitted):
    check = spotchecks.start_spot_check(
        institution=zhejiang_university, sample_percent=25, by=bureau_zj
    )
    items = list(check.items.all())
    assert spotchecks.pass_rate(check) is None
    spotchecks.mark_item(item=items[0], result="passed", reason="", by=bureau_zj)
    spotchecks.mark_item(item=items[1], result="passed", reason="", by=bureau_zj)
    spotchecks.mark_item(item=items[2], result="failed", reason="联系人缺失", by=bureau_zj)
    assert spotchecks.pass_rate(check) == 66.7


def test_failure_needs_a_reason(bureau_zj, zhejiang_university, admitted):
    check = spotchecks.start_spot_check(
        institution=zhejiang_university, sample_percent=10, by=bureau_zj
    )
    item = check.items.first()
    with pytest.raises(ValidationError) as error:
        spotchecks.mark_item(item=item, result="failed", reason=" ", by=bureau_zj)
    assert error.value.message_dict == {"reason": ["Give a reason for the failure."]}
    item.refresh_from_db()
    assert item.result == "pending"


def test_bureau_of_another_province_cannot_check_or_mark(
    bureau_zj, bureau_gd, zhejiang_university, admitted
):
    with pytest.raises(Organisation.DoesNotExist):
        spotchecks.start_spot_check(
            institution=zhejiang_university, sample_percent=10, by=bureau_gd
        )
    assert not SpotCheck.objects.exists()
    check = spotchecks.start_spot_check(
        institution=zhejiang_university, sample_percent=10, by=bureau_zj
    )
    with pytest.raises(SpotCheckItem.DoesNotExist):
        spotchecks.mark_item(item=check.items.first(), result="passed", reason="", by=bureau_gd)


def test_university_cannot_run_spot_checks(univ_a_admin, zhejiang_university, admitted):
    with pytest.raises(PermissionDenied) as error:
        spotchecks.start_spot_check(
            institution=zhejiang_university, sample_percent=10, by=univ_a_admin
        )
    assert str(error.value) == "Only a provincial IP bureau may run spot checks."


def test_share_out_of_range_and_no_admitted_patents(bureau_zj, zhejiang_university):
    with pytest.raises(ValidationError) as error:
        spotchecks.start_spot_check(
            institution=zhejiang_university, sample_percent=10, by=bureau_zj
        )
    assert error.value.messages == ["浙江测试大学 has no admitted patents to check."]
    PatentFactory(organisation=zhejiang_university, review_status=ReviewStatus.ADMITTED)
    with pytest.raises(ValidationError) as error:
        spotchecks.start_spot_check(institution=zhejiang_university, sample_percent=0, by=bureau_zj)
    assert error.value.message_dict == {"sample_percent": ["The share must be between 1 and 100%."]}
    assert not SpotCheck.objects.exists()
