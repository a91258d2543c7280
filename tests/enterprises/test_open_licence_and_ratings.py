from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Deal, ProspectRating
from enterprises.services import deals, ratings
from notifications.models import Notification
from patents.terms import add_years
from tests.enterprises.factories import IntentFactory, RatingFactory
from tests.factories import OrganisationFactory
from tests.forms import rendered_values

pytestmark = pytest.mark.django_db

NOT_VERIFIED_TO_RATE = (
    "Your enterprise has not been verified by its provincial IP bureau yet, so it cannot rate "
    "patents."
)
HAS_INTENT = "Your enterprise has declared an intent on this patent; ratings are for the others."


def test_enterprise_takes_an_open_licence_without_negotiation(
    client, verified_enterprise, enterprise_user, open_patent, univ_a_staff
):
    client.force_login(enterprise_user)
    page = client.get(reverse("enterprises:patent", args=[open_patent.pk])).content.decode()
    assert "Accept the open licence terms" in page
    assert f'action="{reverse("enterprises:open_licence", args=[open_patent.pk])}"' in page
    assert 'data-testid="open-licence-refusal"' not in page
    response = client.post(reverse("enterprises:open_licence", args=[open_patent.pk]))
    assert response.status_code == 302
    deal = Deal.objects.get()
    assert (deal.kind, deal.licence_type, deal.amount) == ("licence", "open", Decimal("50000.00"))
    assert deal.intent is None and deal.enterprise == enterprise_user.organisation
    assert Notification.objects.get(recipient=univ_a_staff).kind == "open_licence_taken"


def _exclusive_deal(patent):
    Deal.objects.create(
        kind="licence",
        licence_type="exclusive",
        patent=patent,
        university=patent.organisation,
        enterprise=OrganisationFactory(kind="enterprise"),
        contract_date=datetime.date(2025, 3, 1),
    )


def _incomplete_terms(patent):
    patent.open_licence_fee_basis = "royalty"
    patent.open_licence_period_years = None
    patent.save()


def _past_the_patent_term(patent):
    # A utility model filed nine years ago has a year left; the terms offer three.
    patent.patent_type = "utility_model"
    patent.application_date = add_years(timezone.localdate(), -9)
    patent.save()


def _already_taken(patent, user):
    deals.accept_open_licence(patent=patent, by=user)


def _terms_refused(terms):
    return (
        f"The open licence terms of this patent are incomplete or no longer valid ({terms}), so "
        "they cannot be accepted; ask 浙江测试大学 to correct them."
    )


@pytest.mark.parametrize(
    ("user_fixture", "setup", "reason"),
    [
        (
            "enterprise_user",
            lambda patent, user: _incomplete_terms(patent),
            _terms_refused("open licence royalty rate (%), open licence period (years)"),
        ),
        (
            "enterprise_user",
            lambda patent, user: _past_the_patent_term(patent),
            _terms_refused("open licence period (years)"),
        ),
        (
            "enterprise_user",
            lambda patent, user: _exclusive_deal(patent),
            "This patent is under an exclusive licence, so no open licence can be taken on it.",
        ),
        (
            "enterprise_user",
            _already_taken,
            "Your enterprise already holds an open licence on this patent.",
        ),
        (
            "pending_enterprise_user",
            lambda patent, user: None,
            "Your enterprise has not been verified by its provincial IP bureau yet, so it cannot "
            "accept open licences.",
        ),
    ],
    ids=["incomplete_terms", "past_the_patent_term", "exclusive_licence", "taken", "unverified"],
)
def test_patent_pages_say_why_an_open_licence_would_be_refused_instead_of_offering_it(
    request, client, verified_enterprise, open_patent, user_fixture, setup, reason
):
    """The pages ask the rule the POST applies: no button that fails, the reason instead; and
    the POST is still refused."""
    user = request.getfixturevalue(user_fixture)
    setup(open_patent, user)
    deals_before = Deal.objects.count()
    client.force_login(user)
    action = reverse("enterprises:open_licence", args=[open_patent.pk])
    for page_name in ("enterprises:patent", "patents:library_detail"):
        response = client.get(reverse(page_name, args=[open_patent.pk]))
        assert response.status_code == 200
        page = response.content.decode()
        assert f'action="{action}"' not in page, page_name
        assert (
            '<button class="btn btn-success" type="button" id="accept-open-licence" disabled '
            'aria-describedby="open-licence-refusal">Accept the open licence terms</button>'
        ) in page
        assert f'data-testid="open-licence-refusal">{reason}</span>' in page, page_name
    response = client.post(action)
    assert response.status_code in (302, 403)
    assert Deal.objects.count() == deals_before


def test_refused_terms_are_listed_as_the_readers_language_does(
    client, verified_enterprise, enterprise_user, open_patent
):
    _incomplete_terms(open_patent)
    client.force_login(enterprise_user)
    url = reverse("enterprises:patent", args=[open_patent.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "该专利的开放许可条件不完整或已失效（开放许可提成比例（%）、开放许可期限（年））" in page


def test_patent_page_offers_nothing_about_an_open_licence_the_patent_does_not_offer(
    client, verified_enterprise, enterprise_user, library_patent
):
    client.force_login(enterprise_user)
    page = client.get(reverse("enterprises:patent", args=[library_patent.pk])).content.decode()
    assert 'id="accept-open-licence"' not in page
    assert 'data-testid="open-licence-refusal"' not in page


def test_open_licence_on_a_patent_without_one_is_refused(
    client, verified_enterprise, enterprise_user, library_patent
):
    client.force_login(enterprise_user)
    response = client.post(
        "/api/deals/open-licence/", {"patent": library_patent.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == ["This patent is not offered under an open licence."]
    assert not Deal.objects.exists()


def test_open_licence_without_its_terms_is_refused(
    client, verified_enterprise, enterprise_user, library_patent
):
    """Terms saved before the rules, or written by a path that skipped them, are not accepted."""
    library_patent.offers_open_licence = True
    library_patent.open_licence_fee_basis = "royalty"
    library_patent.save()
    client.force_login(enterprise_user)
    response = client.post("/api/deals/open-licence/", {"patent": library_patent.pk})
    assert response.status_code == 400
    assert response.json() == [
        "The open licence terms of this patent are incomplete or no longer valid (open licence "
        "royalty rate (%), open licence period (years)), so they cannot be accepted; ask "
        "浙江测试大学 to correct them."
    ]
    assert not Deal.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("changes", "filed_years_ago", "terms"),
    [
        # A utility model filed nine years ago has a year left; the terms offer three.
        ({"patent_type": "utility_model"}, 9, "open licence period (years)"),
        ({"offers_exclusive_licence": True}, None, "offers exclusive licence"),
    ],
)
def test_open_licence_on_terms_the_owner_could_not_save_now_is_refused(
    verified_enterprise, enterprise_user, open_patent, changes, filed_years_ago, terms
):
    for name, value in changes.items():
        setattr(open_patent, name, value)
    if filed_years_ago:
        open_patent.application_date = add_years(timezone.localdate(), -filed_years_ago)
    open_patent.save()
    with pytest.raises(ValidationError) as error:
        deals.accept_open_licence(patent=open_patent, by=enterprise_user)
    assert error.value.messages == [
        f"The open licence terms of this patent are incomplete or no longer valid ({terms}), so "
        "they cannot be accepted; ask 浙江测试大学 to correct them."
    ]
    assert not Deal.objects.exists()


def test_open_licence_on_a_patent_under_exclusive_licence_is_refused(
    client, verified_enterprise, enterprise_user, open_patent
):
    _exclusive_deal(open_patent)
    client.force_login(enterprise_user)
    response = client.post("/api/deals/open-licence/", {"patent": open_patent.pk})
    assert response.status_code == 400
    assert response.json() == [
        "This patent is under an exclusive licence, so no open licence can be taken on it."
    ]
    assert Deal.objects.filter(licence_type="open").count() == 0


def test_open_licence_is_taken_once(client, verified_enterprise, enterprise_user, open_patent):
    client.force_login(enterprise_user)
    client.post("/api/deals/open-licence/", {"patent": open_patent.pk})
    response = client.post("/api/deals/open-licence/", {"patent": open_patent.pk})
    assert response.json() == ["Your enterprise already holds an open licence on this patent."]
    assert Deal.objects.count() == 1


def test_unverified_enterprise_cannot_take_an_open_licence(
    client, pending_enterprise_user, open_patent
):
    client.force_login(pending_enterprise_user)
    response = client.post("/api/deals/open-licence/", {"patent": open_patent.pk})
    assert response.status_code == 403
    assert not Deal.objects.exists()


def test_university_cannot_take_an_open_licence(client, univ_a_staff, open_patent):
    client.force_login(univ_a_staff)
    response = client.post("/api/deals/open-licence/", {"patent": open_patent.pk})
    assert response.status_code == 403


def test_deals_are_scoped(
    client,
    verified_enterprise,
    enterprise_user,
    open_patent,
    univ_b_staff,
    other_enterprise_user,
    univ_a_staff,
    bureau_gd,
):
    client.force_login(enterprise_user)
    client.post("/api/deals/open-licence/", {"patent": open_patent.pk})
    deal = Deal.objects.get()
    for outsider in (univ_b_staff, other_enterprise_user):
        client.force_login(outsider)
        assert client.get("/api/deals/").json()["results"] == []
        assert client.get(f"/api/deals/{deal.pk}/").status_code == 404
        assert open_patent.title not in client.get(reverse("enterprises:deals")).content.decode()
    client.force_login(univ_a_staff)
    assert open_patent.title in client.get(reverse("enterprises:deals")).content.decode()


def test_enterprise_rates_and_edits_its_single_rating(
    client, verified_enterprise, enterprise_user, library_patent
):
    client.force_login(enterprise_user)
    url = reverse("enterprises:rate", args=[library_patent.pk])
    client.post(url, {"score": 2, "reasons": ["too_early", "route_unclear"], "comment": "尚早"})
    client.post(url, {"score": 4, "reasons": ["price_or_terms"]})
    rating = ProspectRating.objects.get()
    assert (rating.score, rating.reasons, rating.comment) == (4, ["price_or_terms"], "")
    page = client.get(reverse("enterprises:patent", args=[library_patent.pk])).content.decode()
    assert "4.0 / 5 (ratings: 1)" in page


def test_rating_out_of_range_is_refused_and_nothing_written(
    client, verified_enterprise, enterprise_user, library_patent
):
    client.force_login(enterprise_user)
    response = client.post(
        "/api/ratings/", {"patent": library_patent.pk, "score": 6}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"score": ["Give a score from 1 to 5."]}
    assert not ProspectRating.objects.exists()


def test_enterprise_with_an_intent_cannot_rate_and_the_api_refuses_as_the_page_does(
    client, verified_enterprise, enterprise_user, library_patent
):
    """Who may rate is a permission, not the input: 403 with the reason on the API too."""
    IntentFactory(patent=library_patent, enterprise=enterprise_user.organisation)
    client.force_login(enterprise_user)
    response = client.post(
        "/api/ratings/", {"patent": library_patent.pk, "score": 3}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": HAS_INTENT}
    assert client.get(reverse("enterprises:rate", args=[library_patent.pk])).status_code == 403
    assert not ProspectRating.objects.exists()


def test_overlong_comment_is_refused_by_the_form_and_the_api(
    client, verified_enterprise, enterprise_user, library_patent
):
    client.force_login(enterprise_user)
    url = reverse("enterprises:rate", args=[library_patent.pk])
    response = client.post(url, {"score": 3, "comment": "长" * 1001})
    assert response.context["form"].errors["comment"] == [
        "Ensure this value has at most 1000 characters (it has 1001)."
    ]
    response = client.post(
        "/api/ratings/",
        {"patent": library_patent.pk, "score": 3, "comment": "长" * 1001},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"comment": ["Ensure this field has no more than 1000 characters."]}
    assert not ProspectRating.objects.exists()


def test_rating_service_refuses_an_overlong_comment_whoever_calls_it(
    verified_enterprise, enterprise_user, library_patent
):
    with pytest.raises(ValidationError) as error:
        ratings.rate_prospects(
            patent=library_patent, by=enterprise_user, score=3, reasons=[], comment="长" * 1001
        )
    assert error.value.message_dict == {
        "comment": ["Ensure this value has at most 1000 characters (it has 1001)."]
    }
    assert not ProspectRating.objects.exists()


def test_untouched_rating_form_records_no_rating(
    client, verified_enterprise, enterprise_user, library_patent
):
    client.force_login(enterprise_user)
    url = reverse("enterprises:rate", args=[library_patent.pk])
    page = client.get(url).content.decode()
    assert '<option value="" selected>Choose a score</option>' in page
    assert '<option value="1">1 – poor prospects</option>' in page
    assert '<option value="5">5 – excellent prospects</option>' in page
    response = client.post(url, rendered_values(page))
    assert response.status_code == 200
    assert response.context["form"].errors["score"] == [
        "Choose a score from 1 (poor) to 5 (excellent)."
    ]
    assert not ProspectRating.objects.exists()


def test_rating_page_says_an_enterprise_with_an_intent_cannot_rate(
    client, verified_enterprise, enterprise_user, library_patent
):
    IntentFactory(patent=library_patent, enterprise=enterprise_user.organisation)
    client.force_login(enterprise_user)
    response = client.get(reverse("enterprises:rate", args=[library_patent.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert HAS_INTENT in page
    assert 'name="score"' not in page


def test_unverified_enterprise_cannot_rate_on_the_page_or_the_api(
    client, pending_enterprise_user, library_patent
):
    client.force_login(pending_enterprise_user)
    url = reverse("enterprises:rate", args=[library_patent.pk])
    page = client.get(url)
    assert page.status_code == 403
    assert NOT_VERIFIED_TO_RATE in page.content.decode()
    assert client.post(url, {"score": 4}).status_code == 403
    response = client.post(
        "/api/ratings/", {"patent": library_patent.pk, "score": 4}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": NOT_VERIFIED_TO_RATE}
    assert not ProspectRating.objects.exists()
    patent_page = client.get(reverse("enterprises:patent", args=[library_patent.pk]))
    assert 'id="rate-patent"' not in patent_page.content.decode()


def test_ratings_given_before_verification_do_not_count(
    client, pending_enterprise_user, library_patent, univ_a_staff, bureau_zj
):
    # Rated while unverified enterprises still could.
    RatingFactory(patent=library_patent, enterprise=pending_enterprise_user.organisation, score=1)
    client.force_login(univ_a_staff)
    page = client.get(reverse("enterprises:patent", args=[library_patent.pk])).content.decode()
    assert "not rated yet" in page
    assert client.get(reverse("enterprises:ratings")).context["count"] == 0
    client.force_login(bureau_zj)
    assert client.get("/api/ratings/").json()["results"] == []
    client.force_login(pending_enterprise_user)  # the enterprise still sees its own
    assert len(client.get("/api/ratings/").json()["results"]) == 1


def test_university_cannot_rate(client, univ_a_staff, library_patent):
    client.force_login(univ_a_staff)
    assert client.post(reverse("enterprises:rate", args=[library_patent.pk])).status_code == 403
    assert (
        client.post("/api/ratings/", {"patent": library_patent.pk, "score": 3}).status_code == 403
    )


def test_university_sees_reasons_per_patent_and_over_its_inventory(
    client, univ_a_staff, library_patent, univ_b_staff
):
    RatingFactory(patent=library_patent, score=2, reasons=["too_early", "route_unclear"])
    RatingFactory(patent=library_patent, score=4, reasons=["too_early"], comment="需中试")
    other = RatingFactory(reasons=["not_our_field"])  # someone else's patent
    client.force_login(univ_a_staff)
    response = client.get(reverse("enterprises:ratings"))
    totals = {code: n for code, _label, n in response.context["totals"]}
    assert totals["too_early"] == 2 and totals["route_unclear"] == 1
    assert totals["not_our_field"] == 0
    (row,) = response.context["per_patent"]
    assert row["patent"] == library_patent and row["average"] == 3
    assert row["reasons"][0] == ("Too early stage", 2)
    assert "需中试" in response.content.decode()
    client.force_login(univ_b_staff)
    assert client.get(f"/api/ratings/?patent={library_patent.pk}").json()["results"] == []
    assert client.get(f"/api/ratings/{other.pk}/").status_code == 404


def test_appraisal_institution_gets_403_on_ratings(client):
    from tests.factories import OrganisationFactory, UserFactory

    client.force_login(UserFactory(organisation=OrganisationFactory(kind="appraisal_institution")))
    assert client.get(reverse("enterprises:ratings")).status_code == 403
