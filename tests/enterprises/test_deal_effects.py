"""What a recorded deal does to its patent: the offers it ends, the implementation status it
reports, and the later deals it rules out (nothing half-written when one is refused)."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import CooperationIntent, Deal, IntentStatus
from enterprises.services import intents as services
from patents.models import ChangeSource, ImplementationStatus, PatentChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def offering_everything(library_patent):
    for name in ("transfer", "exclusive_licence", "ordinary_licence", "investment"):
        setattr(library_patent, f"offers_{name}", True)
    library_patent.save()
    return library_patent


def _accepted(user, patent, answerer):
    intent = services.declare_intent(patent=patent, kinds=["licence"], message="合作", by=user)
    return services.accept_intent(intent=intent, by=answerer)


def _sign(client, intent, **data):
    payload = {"contract_date": timezone.localdate().isoformat(), **data}
    return client.post(f"/api/intents/{intent.pk}/sign/", payload, content_type="application/json")


def _went_today(taker, consequence: str) -> str:
    """The refusal naming today's transfer to `taker`'s enterprise, then what follows from it."""
    today = timezone.localdate().isoformat()
    return (
        f"This patent already went to {taker.organisation.name} by a deal of {today} (Transfer): "
        + consequence
    )


@pytest.fixture
def gus_verified(other_enterprise_user):
    return other_enterprise_user


@pytest.fixture
def both_accepted(
    client, verified_enterprise, enterprise_user, gus_verified, offering_everything, univ_a_staff
):
    """(ours, theirs): accepted intents of erin's and gus's enterprises; the university's staff
    is logged in to sign them."""
    ours = _accepted(enterprise_user, offering_everything, univ_a_staff)
    theirs = _accepted(gus_verified, offering_everything, univ_a_staff)
    client.force_login(univ_a_staff)
    return ours, theirs


def test_a_transfer_withdraws_every_offer_and_reports_the_patent_transferred(
    client, verified_enterprise, enterprise_user, offering_everything, univ_a_staff
):
    intent = _accepted(enterprise_user, offering_everything, univ_a_staff)
    client.force_login(univ_a_staff)
    assert _sign(client, intent, kind="transfer").status_code == 201
    patent = offering_everything
    patent.refresh_from_db()
    assert not any(
        getattr(patent, f"offers_{name}")
        for name in ("transfer", "exclusive_licence", "ordinary_licence", "investment")
    )
    assert patent.implementation_status == ImplementationStatus.TRANSFERRED
    change = PatentChange.objects.filter(patent=patent).latest("pk")
    assert change.source == ChangeSource.DEAL and change.changed_by == univ_a_staff
    assert change.changes["offers_transfer"] == [True, False]
    # The university's own page shows the record as the deal left it.
    page = client.get(reverse("patents:detail", args=[patent.pk])).content.decode()
    assert "Transferred" in page
    row = page[page.index(f'data-testid="change-{change.pk}"') :]
    row = row[: row.index("</tr>")]
    # Whose deal it was, not an anonymous username that reads like someone editing the record.
    assert f"({univ_a_staff.organisation.name})" in row and "Recorded deal" in row


def test_no_deal_after_the_patent_was_transferred(client, enterprise_user, both_accepted):
    first, second = both_accepted
    assert _sign(client, first, kind="transfer").status_code == 201
    response = _sign(client, second, kind="licence", licence_type="ordinary")
    assert response.status_code == 400
    assert response.json() == {
        "kind": [_went_today(enterprise_user, "the university can make no further deal on it.")]
    }
    assert Deal.objects.count() == 1
    second.refresh_from_db()
    assert second.status == IntentStatus.ACCEPTED


def test_no_exclusive_licence_while_an_open_licence_is_offered(
    client, verified_enterprise, enterprise_user, open_patent, univ_a_staff
):
    """Refused beside the licence type, keeping the amount and filing number typed."""
    intent = _accepted(enterprise_user, open_patent, univ_a_staff)
    client.force_login(enterprise_user)
    response = client.post(
        reverse("enterprises:intent_step", args=[intent.pk, "sign"]),
        {
            "kind": "licence",
            "licence_type": "exclusive",
            "contract_date": timezone.localdate().isoformat(),
            "amount": "88000",
            "registration_no": "X2026-0001",
        },
    )
    assert response.status_code == 200
    assert response.context["deal_form"].errors == {
        "licence_type": [
            "This patent is offered under an open licence, and no exclusive licence can be "
            "granted while it is: the university must withdraw the open licence first."
        ]
    }
    page = response.content.decode()
    assert 'value="X2026-0001"' in page and 'value="88000"' in page
    assert '<option value="exclusive" selected>' in page
    assert not Deal.objects.exists()
    open_patent.refresh_from_db()
    assert open_patent.offers_open_licence and open_patent.implementation_status == ""


def test_no_exclusive_licence_beside_another_licensee(
    client, gus_verified, offering_everything, both_accepted
):
    ours, theirs = both_accepted
    assert _sign(client, theirs, kind="licence", licence_type="ordinary").status_code == 201
    offering_everything.refresh_from_db()
    assert not offering_everything.offers_exclusive_licence  # an ordinary licence ends it
    assert offering_everything.offers_ordinary_licence
    assert offering_everything.implementation_status == ImplementationStatus.LICENSED
    response = _sign(client, ours, kind="licence", licence_type="exclusive")
    assert response.status_code == 400
    assert response.json() == {
        "licence_type": [
            f"Other enterprises hold licences on this patent ({gus_verified.organisation.name}), "
            "so it cannot be licensed exclusively."
        ]
    }
    assert Deal.objects.count() == 1


def test_an_exclusive_licence_ends_the_other_licences_but_not_the_licensees_own(
    client, enterprise_user, univ_a_staff, offering_everything, both_accepted
):
    ours, theirs = both_accepted
    assert _sign(client, ours, kind="licence", licence_type="exclusive").status_code == 201
    offering_everything.refresh_from_db()
    assert not offering_everything.offers_exclusive_licence
    assert not offering_everything.offers_ordinary_licence
    assert offering_everything.offers_transfer and offering_everything.offers_investment
    response = _sign(client, theirs, kind="licence", licence_type="ordinary")
    assert response.status_code == 400
    assert list(response.json()) == ["licence_type"]
    assert "exclusive licence to" in response.json()["licence_type"][0]
    # The licensee itself may still take the patent over.
    again = _accepted(enterprise_user, offering_everything, univ_a_staff)
    assert _sign(client, again, kind="transfer").status_code == 201


def test_the_owners_own_implementation_report_is_kept(
    client, verified_enterprise, enterprise_user, offering_everything, univ_a_staff
):
    offering_everything.implementation_status = ImplementationStatus.INDUSTRIALIZED
    offering_everything.save()
    intent = _accepted(enterprise_user, offering_everything, univ_a_staff)
    client.force_login(univ_a_staff)
    assert _sign(client, intent, kind="investment", amount="1000000").status_code == 201
    offering_everything.refresh_from_db()
    assert offering_everything.implementation_status == ImplementationStatus.INDUSTRIALIZED
    assert not offering_everything.offers_investment


def test_taking_an_open_licence_reports_the_patent_licensed(
    client, verified_enterprise, enterprise_user, open_patent
):
    client.force_login(enterprise_user)
    client.post(reverse("enterprises:open_licence", args=[open_patent.pk]))
    assert Deal.objects.get().amount == Decimal("50000.00")
    open_patent.refresh_from_db()
    assert open_patent.implementation_status == ImplementationStatus.LICENSED
    assert open_patent.offers_open_licence  # others may still take it


def test_after_a_transfer_only_improvement_or_joint_research_can_be_proposed(
    client, enterprise_user, gus_verified, both_accepted, univ_a_staff
):
    ours, theirs = both_accepted
    assert _sign(client, ours, kind="transfer").status_code == 201
    services.close_intent(intent=theirs, by=gus_verified, reason="")
    client.force_login(gus_verified)
    patent = ours.patent
    # The form says so before anything is typed: only the kinds left can be ticked.
    form = client.get(reverse("enterprises:declare_intent", args=[patent.pk])).content.decode()
    assert _went_today(
        enterprise_user, "only technology improvement or joint research can still be proposed."
    ) in html.unescape(form)
    ticked = dict(re.findall(r'<input type="checkbox" name="kinds" value="(\w+)"([^>]*)>', form))
    assert {kind for kind, attrs in ticked.items() if "disabled" in attrs} == {
        "transfer",
        "licence",
        "investment",
    }
    assert set(ticked) - {"transfer", "licence", "investment"} == {"improvement", "joint_research"}
    refused = client.post(
        "/api/intents/",
        {"patent": patent.pk, "kinds": ["licence"], "message": "想获得许可"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "kinds": [
            _went_today(
                enterprise_user,
                "only technology improvement or joint research can still be proposed.",
            )
        ]
    }
    accepted = client.post(
        "/api/intents/",
        {"patent": patent.pk, "kinds": ["joint_research"], "message": "联合研发"},
        content_type="application/json",
    )
    assert accepted.status_code == 201, accepted.content
    went = _went_today(
        enterprise_user, "only technology improvement or joint research can still be proposed."
    )
    # The library page says where the patent went, to every enterprise that opens it.
    library_page = client.get(reverse("patents:library_detail", args=[patent.pk]))
    assert went in html.unescape(library_page.content.decode())
    # Once the joint project is accepted, its page offers no deal form that can only be refused.
    joint = CooperationIntent.objects.get(pk=accepted.json()["id"])
    services.accept_intent(intent=joint, by=univ_a_staff)
    intent_page = html.unescape(
        client.get(reverse("enterprises:intent_detail", args=[joint.pk])).content.decode()
    )
    assert went in intent_page and 'id="deal-form"' not in intent_page


def test_beside_an_exclusive_licence_no_licence_can_be_proposed(
    client, enterprise_user, gus_verified, both_accepted
):
    ours, theirs = both_accepted
    assert _sign(client, ours, kind="licence", licence_type="exclusive").status_code == 201
    services.close_intent(intent=theirs, by=gus_verified, reason="")
    client.force_login(gus_verified)
    page = client.post(
        reverse("enterprises:declare_intent", args=[ours.patent.pk]),
        {"kinds": ["licence"], "message": "想获得普通许可"},
        follow=True,
    ).content.decode()
    assert (
        f"This patent is under an exclusive licence to {enterprise_user.organisation.name}"
    ) in page
    assert ours.patent.intents.filter(enterprise=gus_verified.organisation).count() == 1
    transfer = client.post(
        "/api/intents/",
        {"patent": ours.patent.pk, "kinds": ["transfer"], "message": "想受让"},
        content_type="application/json",
    )
    assert transfer.status_code == 201, transfer.content


def test_an_offer_a_deal_ended_cannot_be_turned_back_on(
    client, enterprise_user, offering_everything, both_accepted, univ_a_staff
):
    ours, _theirs = both_accepted
    assert _sign(client, ours, kind="transfer").status_code == 201
    url = reverse("api:patent-detail", args=[offering_everything.pk])
    response = client.patch(url, {"offers_transfer": True}, content_type="application/json")
    assert response.status_code == 400
    today = timezone.localdate().isoformat()
    assert response.json() == {
        "offers_transfer": [
            f"The deal of {today} with {enterprise_user.organisation.name} (Transfer) ended this "
            "offer: it cannot be made again."
        ]
    }
    offering_everything.refresh_from_db()
    assert not offering_everything.offers_transfer
    # The rest of the record can still be kept up to date.
    edited = client.patch(url, {"title": "一种新的隔膜"}, content_type="application/json")
    assert edited.status_code == 200, edited.content
