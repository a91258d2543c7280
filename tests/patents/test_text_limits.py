"""A reason for returning a record or failing a spot check has a limit, and every way in (the
pages, the API, the services) refuses a longer one and writes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from patents.models import PatentChange, ReviewStatus, SpotCheckResult
from patents.services import review, spotchecks
from tests.factories import PatentFactory

pytestmark = pytest.mark.django_db

PAGE_TOO_LONG = "Ensure this value has at most 500 characters (it has 501)."
API_TOO_LONG = "Ensure this field has no more than 500 characters."
REASON = "联系人电话缺失" * 71 + "请补充"  # 500 characters
OVERLONG = REASON + "。"


@pytest.fixture
def pending(zhejiang_university):
    return PatentFactory(
        organisation=zhejiang_university, review_status=ReviewStatus.UNIVERSITY_REVIEW
    )


def _return(route, client, user, patent, note):
    """Return `patent` with `note` the way `route` does; what the user is told."""
    if route == "service":
        with pytest.raises(ValidationError) as error:
            review.review_patent(patent=patent, action="return", by=user, note=note)
        return error.value.message_dict
    if route == "bulk service":
        with pytest.raises(ValidationError) as error:
            review.bulk_review(patent_ids=[patent.pk], action="return", by=user, note=note)
        return error.value.message_dict
    client.force_login(user)
    data = {"action": "return", "note": note}
    if route == "page":
        response = client.post(reverse("patents:review", args=[patent.pk]), data, follow=True)
        return [str(m) for m in response.context["messages"]]
    if route == "bulk page":
        data["ids"] = [patent.pk]
        response = client.post(reverse("patents:bulk_review"), data, follow=True)
        return [str(m) for m in response.context["messages"]]
    if route == "api":
        response = client.post(reverse("api:patent-review", args=[patent.pk]), data)
    else:
        data["ids"] = [patent.pk]
        response = client.post(
            reverse("api:patent-bulk-review"), data, content_type="application/json"
        )
    assert response.status_code == 400
    return response.json()


@pytest.mark.parametrize(
    ("route", "told"),
    [
        ("page", [PAGE_TOO_LONG]),
        ("bulk page", [PAGE_TOO_LONG]),
        ("api", {"note": [API_TOO_LONG]}),
        ("bulk api", {"note": [API_TOO_LONG]}),
        ("service", {"note": [PAGE_TOO_LONG]}),
        ("bulk service", {"note": [PAGE_TOO_LONG]}),
    ],
)
def test_an_overlong_return_reason_is_refused_and_the_record_stays(
    client, univ_a_admin, pending, route, told
):
    assert _return(route, client, univ_a_admin, pending, OVERLONG) == told
    pending.refresh_from_db()
    assert pending.review_status == ReviewStatus.UNIVERSITY_REVIEW
    assert pending.review_note == ""
    assert not PatentChange.objects.filter(patent=pending).exists()


def test_a_return_reason_of_the_full_length_is_kept(client, univ_a_admin, pending):
    client.force_login(univ_a_admin)
    page = client.get(reverse("patents:detail", args=[pending.pk])).content.decode()
    assert 'maxlength="500"' in page
    response = client.post(
        reverse("api:patent-review", args=[pending.pk]), {"action": "return", "note": REASON}
    )
    assert response.status_code == 200
    assert response.json()["review_note"] == REASON


@pytest.fixture
def item(bureau_zj, zhejiang_university):
    PatentFactory(organisation=zhejiang_university, review_status=ReviewStatus.ADMITTED)
    check = spotchecks.start_spot_check(
        institution=zhejiang_university, sample_percent=100, by=bureau_zj
    )
    return check.items.get()


@pytest.mark.parametrize("route", ["page", "api", "service"])
def test_an_overlong_spot_check_reason_is_refused_and_the_item_stays_pending(
    client, bureau_zj, item, route
):
    client.force_login(bureau_zj)
    data = {"result": "failed", "reason": OVERLONG}
    if route == "page":
        url = reverse("patents:spotcheck_mark", args=[item.spot_check_id, item.pk])
        response = client.post(url, data, follow=True)
        assert [str(m) for m in response.context["messages"]] == [PAGE_TOO_LONG]
    elif route == "api":
        url = reverse("api:spot-check-mark", args=[item.spot_check_id, item.pk])
        response = client.patch(url, data, content_type="application/json")
        assert response.status_code == 400
        assert response.json() == {"reason": [API_TOO_LONG]}
    else:
        with pytest.raises(ValidationError) as error:
            spotchecks.mark_item(item=item, by=bureau_zj, **data)
        assert error.value.message_dict == {"reason": [PAGE_TOO_LONG]}
    item.refresh_from_db()
    assert item.result == SpotCheckResult.PENDING and item.reason == ""


def test_a_spot_check_reason_of_the_full_length_is_kept(client, bureau_zj, item):
    client.force_login(bureau_zj)
    page = client.get(reverse("patents:spotcheck_detail", args=[item.spot_check_id]))
    assert 'name="reason" maxlength="500"' in page.content.decode()
    client.post(
        reverse("patents:spotcheck_mark", args=[item.spot_check_id, item.pk]),
        {"result": "failed", "reason": REASON},
    )
    item.refresh_from_db()
    assert item.result == SpotCheckResult.FAILED and item.reason == REASON
