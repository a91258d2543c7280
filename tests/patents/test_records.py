from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from patents.models import ChangeSource, Patent, PatentChange, ReviewStatus
from patents.services import records
from patents.terms import add_years
from tests.factories import application_no

pytestmark = pytest.mark.django_db

VALID = {
    "application_no": "CN202110123456.7",
    "title": "一种锂电池隔膜的制备方法",
    "ipc_main": "h01m 50/403 (2021.01)",
    "ipc_other": "H01M 10/0525; H01M",
    "inventors": "张伟; 李娜",
    "legal_status": "valid",
    "inventory_category": "has_prospects",
}


def test_creates_a_draft_with_normalised_number_type_ipc_history_and_search_text(univ_a_staff):
    patent = records.create_patent(
        organisation=univ_a_staff.organisation, fields=VALID, by=univ_a_staff
    )
    assert patent.application_no == "202110123456.7"
    assert patent.patent_type == "invention"
    assert patent.ipc_main == "H01M 50/403"
    assert patent.ipc_subclass == "H01M"
    assert patent.ipc_other == ["H01M 10/0525", "H01M"]
    assert patent.inventors == ["张伟", "李娜"]
    assert patent.review_status == ReviewStatus.DRAFT
    assert "隔膜" in patent.search_text.split()
    change = PatentChange.objects.get(patent=patent)
    assert change.changed_by == univ_a_staff
    assert change.source == ChangeSource.FORM
    assert change.changes["title"] == [None, "一种锂电池隔膜的制备方法"]


def test_rejects_bad_check_digit_and_writes_nothing(univ_a_staff):
    with pytest.raises(ValidationError) as error:
        records.create_patent(
            organisation=univ_a_staff.organisation,
            fields={**VALID, "application_no": "202110123456.8"},
            by=univ_a_staff,
        )
    assert error.value.message_dict["application_no"] == [
        "“202110123456.8” fails its check digit: it should end in .7."
    ]
    assert not Patent.objects.exists()
    assert not PatentChange.objects.exists()


def test_a_number_from_after_the_sites_today_is_refused(univ_a_staff, monkeypatch):
    """The filing year is judged by the site's date (Asia/Shanghai), not the server's clock:
    on 1 January in Beijing a server in UTC still reads 31 December."""
    site_now = timezone.make_aware(datetime.datetime(2021, 6, 1, 12))
    monkeypatch.setattr(timezone, "now", lambda: site_now)
    number = application_no(1, year=2022)
    with pytest.raises(ValidationError) as error:
        records.create_patent(
            organisation=univ_a_staff.organisation,
            fields={**VALID, "application_no": number, "legal_status": "pending"},
            by=univ_a_staff,
        )
    assert error.value.message_dict["application_no"] == [
        f"“{number}” has an impossible filing year."
    ]


def test_rejects_bad_ipc_and_duplicate_number(univ_a_staff):
    records.create_patent(organisation=univ_a_staff.organisation, fields=VALID, by=univ_a_staff)
    with pytest.raises(ValidationError) as error:
        records.create_patent(
            organisation=univ_a_staff.organisation,
            fields={**VALID, "application_no": "2021101234567", "ipc_main": "X99"},
            by=univ_a_staff,
        )
    assert error.value.message_dict == {
        "application_no": [
            "This institution already has a record for application number 202110123456.7."
        ],
        "ipc_main": ["“X99” is not an IPC symbol: expected e.g. G06F 16/35 or G06F."],
    }
    assert Patent.objects.count() == 1


def test_open_licence_needs_its_terms_and_excludes_exclusive_licence(univ_a_staff):
    with pytest.raises(ValidationError) as error:
        records.create_patent(
            organisation=univ_a_staff.organisation,
            fields={
                **VALID,
                "offers_open_licence": True,
                "offers_exclusive_licence": True,
                "open_licence_fee_basis": "upfront_plus_royalty",
            },
            by=univ_a_staff,
        )
    assert error.value.message_dict == {
        "offers_exclusive_licence": [
            "A patent under an open licence cannot also be offered for an exclusive licence."
        ],
        "open_licence_fee_amount": ["Give the fee amount of the open licence."],
        "open_licence_royalty_rate": ["Give the royalty rate of the open licence."],
        "open_licence_period_years": ["Give the period of the open licence."],
    }
    assert not Patent.objects.exists()


def test_open_licence_only_for_a_patent_in_force(univ_a_staff):
    with pytest.raises(ValidationError) as error:
        records.create_patent(
            organisation=univ_a_staff.organisation,
            fields={
                **VALID,
                "legal_status": "pending",
                "offers_open_licence": True,
                "open_licence_fee_basis": "lump_sum",
                "open_licence_fee_amount": 10000,
                "open_licence_period_years": 3,
            },
            by=univ_a_staff,
        )
    assert error.value.message_dict == {
        "offers_open_licence": [
            "Only a granted patent in force can be offered under an open licence."
        ]
    }


def test_update_records_only_what_changed_and_bumps_version(univ_a_staff, draft):
    old_title = draft.title
    records.update_patent(
        patent=draft,
        fields={"title": "一种新的隔膜", "maturity": 6, "abstract": draft.abstract},
        by=univ_a_staff,
    )
    draft.refresh_from_db()
    assert (draft.title, draft.maturity, draft.version) == ("一种新的隔膜", 6, 2)
    change = PatentChange.objects.get(patent=draft)
    assert change.changes == {"title": [old_title, "一种新的隔膜"], "maturity": [None, 6]}
    # Saving the same values again writes nothing.
    records.update_patent(patent=draft, fields={"title": "一种新的隔膜"}, by=univ_a_staff)
    assert PatentChange.objects.filter(patent=draft).count() == 1
    draft.refresh_from_db()
    assert draft.version == 2


def test_stale_version_is_refused(univ_a_staff, draft):
    with pytest.raises(ValidationError) as error:
        records.update_patent(
            patent=draft, fields={"title": "x"}, by=univ_a_staff, expected_version=0
        )
    assert error.value.messages == [
        "Someone else changed this record since you opened it; reload it and try again."
    ]
    draft.refresh_from_db()
    assert draft.title != "x"


def test_grant_before_application_is_refused(univ_a_staff, draft):
    with pytest.raises(ValidationError) as error:
        records.update_patent(
            patent=draft,
            fields={
                "application_date": datetime.date(2021, 5, 1),
                "grant_date": datetime.date(2020, 5, 1),
            },
            by=univ_a_staff,
        )
    assert error.value.message_dict == {
        "grant_date": ["The grant date is before the application date."]
    }
    draft.refresh_from_db()
    assert draft.grant_date is None


def test_other_institution_and_bureau_cannot_edit(univ_b_staff, bureau_zj, draft):
    for user in (univ_b_staff, bureau_zj):
        with pytest.raises(PermissionDenied) as error:
            records.update_patent(patent=draft, fields={"title": "x"}, by=user)
        assert str(error.value) == "Only the owning institution may edit its patent records."
    draft.refresh_from_db()
    assert draft.title != "x"


def test_college_staff_and_inventors_cannot_edit_records_in_review(college_staff, inventor, draft):
    draft.review_status = ReviewStatus.UNIVERSITY_REVIEW
    draft.save()
    for user in (college_staff, inventor):
        with pytest.raises(PermissionDenied) as error:
            records.update_patent(patent=draft, fields={"title": "x"}, by=user)
        assert str(error.value) == (
            "This record is in review or admitted; only the institution's administrators and "
            "staff may change it now."
        )
    assert not PatentChange.objects.exists()


def _open_licence(**fields):
    return {
        **VALID,
        "offers_open_licence": True,
        "open_licence_fee_basis": "lump_sum",
        "open_licence_fee_amount": 10000,
        **fields,
    }


def test_open_licence_may_not_outlive_the_patent(univ_a_staff):
    """A utility model lasts 10 years from filing: filed 8 years ago, 2 years are left."""
    today = timezone.localdate()
    filed = add_years(today, -8)
    fields = _open_licence(
        application_no=application_no(1, year=filed.year, type_digit="2"),
        application_date=filed,
        open_licence_period_years=3,
    )
    with pytest.raises(ValidationError) as error:
        records.create_patent(
            organisation=univ_a_staff.organisation, fields=fields, by=univ_a_staff
        )
    expiry = add_years(filed, 10) - datetime.timedelta(days=1)
    assert error.value.message_dict == {
        "open_licence_period_years": [
            f"The open licence would run past the patent's expiry on {expiry.isoformat()}: "
            "give at most 2 years."
        ]
    }
    assert not Patent.objects.exists()
    patent = records.create_patent(
        organisation=univ_a_staff.organisation,
        fields={**fields, "open_licence_period_years": 2},
        by=univ_a_staff,
    )
    assert patent.expiry_date == expiry


@pytest.mark.parametrize(
    ("days_left", "message"),
    [
        (100, "The patent expires on {expiry}, within a year: too soon for an open licence."),
        (-400, "The patent expired on {expiry}: it cannot be licensed any more."),
    ],
)
def test_open_licence_on_a_patent_at_or_past_its_term_is_refused(
    univ_a_staff, draft, days_left, message
):
    """An invention lasts 20 years: filed 20 years ago, give or take `days_left`."""
    filed = add_years(timezone.localdate(), -20) + datetime.timedelta(days=days_left)
    with pytest.raises(ValidationError) as error:
        records.update_patent(
            patent=draft,
            fields=_open_licence(
                application_no=draft.application_no,
                application_date=filed,
                open_licence_period_years=1,
            ),
            by=univ_a_staff,
        )
    expiry = add_years(filed, 20) - datetime.timedelta(days=1)
    assert error.value.message_dict == {
        "open_licence_period_years": [message.format(expiry=expiry.isoformat())]
    }
    draft.refresh_from_db()
    assert not draft.offers_open_licence
