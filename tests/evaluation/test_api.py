from __future__ import annotations

import datetime

import pytest

from evaluation.models import Valuation
from tests.evaluation.factories import pdf

pytestmark = pytest.mark.django_db


def make_valuation(institution, patent, report_no="R-1") -> Valuation:
    valuation = Valuation.objects.create(
        institution=institution,
        purpose="licence",
        method="income",
        value=750000,
        value_date=datetime.date(2026, 9, 1),
        valid_until=datetime.date(2027, 9, 1),
        report_no=report_no,
        report=pdf(),
    )
    valuation.patents.set([patent])
    valuation.appraisers.set(institution.appraisers.all()[:2])
    return valuation


def test_enterprise_reads_the_valuation_of_a_library_patent(
    client, enterprise_user, zj_institution, library_patent, draft_patent
):
    make_valuation(zj_institution, library_patent)
    make_valuation(zj_institution, draft_patent, report_no="R-2")
    client.force_login(enterprise_user)
    response = client.get("/api/valuations/", {"patent": library_patent.pk})
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["value"] == "750000.00"
    assert row["institution_name"] == zj_institution.organisation.name
    assert row["patents"] == [library_patent.pk]
    assert len(row["appraisers"]) == 2
    # A valuation of a patent outside the library stays with the institution and its bureau.
    assert client.get("/api/valuations/", {"patent": draft_patent.pk}).json()["results"] == []


def test_anonymous_gets_401_or_403(client):
    assert client.get("/api/valuations/").status_code in (401, 403)
    assert client.get("/api/appraisal-institutions/").status_code in (401, 403)


def test_institutions_api_is_scoped_by_province(
    client, zj_institution, gd_institution, bureau_zj, gd_appraiser_user
):
    client.force_login(bureau_zj)
    ids = [row["id"] for row in client.get("/api/appraisal-institutions/").json()["results"]]
    assert ids == [zj_institution.pk]
    client.force_login(gd_appraiser_user)
    assert client.get(f"/api/appraisal-institutions/{zj_institution.pk}/").status_code == 404
    assert (
        client.get("/api/appraisers/", {"institution": zj_institution.pk}).json()["results"] == []
    )
    assert client.get("/api/appraisal-filings/").json()["results"] == []


def test_api_is_read_only(client, appraiser_user):
    client.force_login(appraiser_user)
    assert client.post("/api/valuations/", {}).status_code == 405


@pytest.mark.parametrize("patent", ["9" * 21, "0", "-4"])
def test_valuation_filter_refuses_an_id_out_of_range(client, enterprise_user, patent):
    client.force_login(enterprise_user)
    response = client.get("/api/valuations/", {"patent": patent})
    assert response.status_code == 400
    assert response.json() == {
        "patent": ["No record has this id: ids are whole numbers from 1 to 9223372036854775807."]
    }
