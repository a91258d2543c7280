"""API endpoints: scoped reads, edits through services, review, spot checks, refusals."""

from __future__ import annotations

import pytest
from django.urls import reverse

from patents.models import PatentChange, ReviewStatus, SpotCheck
from tests.factories import PatentFactory

pytestmark = pytest.mark.django_db


def test_inventory_api_is_scoped(client, univ_a_staff, draft, foreign_patent):
    client.force_login(univ_a_staff)
    rows = client.get(reverse("api:patent-list")).json()["results"]
    assert [row["id"] for row in rows] == [draft.pk]
    assert client.get(reverse("api:patent-detail", args=[foreign_patent.pk])).status_code == 404


def test_enterprise_gets_403_on_inventory_api(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    assert client.get(reverse("api:patent-list")).status_code == 403
    response = client.patch(
        reverse("api:patent-detail", args=[draft.pk]),
        {"title": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_anonymous_gets_401_or_403(client, draft):
    for url in (reverse("api:patent-list"), reverse("api:spot-check-list")):
        assert client.get(url).status_code in (401, 403)


def test_patch_edits_through_the_service_with_history(client, univ_a_staff, draft):
    client.force_login(univ_a_staff)
    response = client.patch(
        reverse("api:patent-detail", args=[draft.pk]),
        {"title": "一种新隔膜", "ipc_other": ["g06f 16/35"], "expected_version": 1},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["ipc_other"] == ["G06F 16/35"]
    change = PatentChange.objects.get()
    assert change.source == "api" and change.changes["title"][1] == "一种新隔膜"


def test_patch_with_bad_number_is_400_with_the_message_and_writes_nothing(
    client, univ_a_staff, draft
):
    client.force_login(univ_a_staff)
    response = client.patch(
        reverse("api:patent-detail", args=[draft.pk]),
        {"application_no": "12345"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "application_no": [
            "“12345” is not an application number: expected 12 digits, a dot and a check "
            "digit, e.g. 202110123456.7 (or the older 8-digit form)."
        ]
    }
    assert not PatentChange.objects.exists()


def test_other_university_patch_is_404(client, univ_b_staff, draft):
    client.force_login(univ_b_staff)
    response = client.patch(
        reverse("api:patent-detail", args=[draft.pk]),
        {"title": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_review_api_and_inventor_approve_is_403(client, inventor, college_staff, draft):
    client.force_login(inventor)
    url = reverse("api:patent-review", args=[draft.pk])
    assert client.post(url, {"action": "submit"}).json()["review_status"] == "college_review"
    response = client.post(url, {"action": "approve"})
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Your role may not approve records at the “College review” step."
    }
    client.force_login(college_staff)
    response = client.post(url, {"action": "return"})
    assert response.status_code == 400
    assert response.json() == {"note": ["Give a reason for returning the record."]}


def test_bulk_review_api(client, univ_a_admin, zhejiang_university, foreign_patent):
    patents = PatentFactory.create_batch(
        2, organisation=zhejiang_university, review_status=ReviewStatus.UNIVERSITY_REVIEW
    )
    client.force_login(univ_a_admin)
    url = reverse("api:patent-bulk-review")
    response = client.post(
        url, {"action": "approve", "ids": [foreign_patent.pk]}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == ["Some of the selected records do not exist or are not yours."]
    lapsed = patents[0]
    lapsed.legal_status = "lapsed"
    lapsed.save()
    response = client.post(
        url, {"action": "approve", "ids": [p.pk for p in patents]}, content_type="application/json"
    )
    assert response.json() == {
        "updated": sorted(p.pk for p in patents),
        "warnings": [
            f"{lapsed.application_no} is admitted, but it will not be published in the library "
            "(legal status Lapsed (fees unpaid)): only valid patents with conversion prospects "
            "are."
        ],
    }
    detail = client.get(reverse("api:patent-detail", args=[lapsed.pk])).json()
    assert detail["in_library"] is False
    assert detail["unpublished_reasons"] == ["legal status Lapsed (fees unpaid)"]


def test_spot_check_api(client, bureau_zj, bureau_gd, enterprise_user, zhejiang_university):
    PatentFactory.create_batch(3, organisation=zhejiang_university, review_status="admitted")
    client.force_login(bureau_gd)
    response = client.post(
        reverse("api:spot-check-list"),
        {"institution": zhejiang_university.pk, "sample_percent": 50},
    )
    assert response.status_code == 404
    client.force_login(bureau_zj)
    response = client.post(
        reverse("api:spot-check-list"),
        {"institution": zhejiang_university.pk, "sample_percent": 50},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["item_count"] == 2 and body["pass_rate"] is None
    item = body["items"][0]["id"]
    mark = reverse("api:spot-check-mark", args=[body["id"], item])
    response = client.patch(mark, {"result": "passed"}, content_type="application/json")
    assert response.json()["result"] == "passed"
    assert (
        client.get(reverse("api:spot-check-detail", args=[body["id"]])).json()["pass_rate"] == 100.0
    )
    client.force_login(bureau_gd)
    assert client.get(reverse("api:spot-check-detail", args=[body["id"]])).status_code == 404
    assert (
        client.patch(mark, {"result": "failed"}, content_type="application/json").status_code == 404
    )
    client.force_login(enterprise_user)
    response = client.post(
        reverse("api:spot-check-list"),
        {"institution": zhejiang_university.pk, "sample_percent": 50},
    )
    assert response.status_code == 403
    assert SpotCheck.objects.count() == 1


def test_out_of_range_numbers_are_400_per_field_and_write_nothing(client, univ_a_staff, draft):
    """Maturity is a TRL (1–9), a royalty a percentage, a licence no longer than a patent's
    term: the database's own rules must never surface as a server error."""
    client.force_login(univ_a_staff)
    response = client.patch(
        reverse("api:patent-detail", args=[draft.pk]),
        {
            "maturity": 0,
            "open_licence_royalty_rate": "150",
            "open_licence_fee_amount": "-100",
            "open_licence_period_years": 40000,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "maturity": ["Ensure this value is greater than or equal to 1."],
        "open_licence_royalty_rate": ["Ensure this value is less than or equal to 100."],
        "open_licence_fee_amount": ["Ensure this value is greater than or equal to 0."],
        "open_licence_period_years": ["Ensure this value is less than or equal to 20."],
    }
    assert not PatentChange.objects.exists()
