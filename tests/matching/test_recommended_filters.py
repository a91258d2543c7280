"""The filters of the recommended page: a province by name, the score's scale stated and
enforced, errors shown, and an empty result that blames the filters, not the account."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.models import Match

pytestmark = pytest.mark.django_db

NONE_YET = "No recommendations yet."
NONE_MATCH = "No recommendations match these filters."


@pytest.fixture
def recommended(market, client):  # type: ignore[no-untyped-def]
    """The enterprise's list: the Zhejiang separator patent (0.8) and the Guangdong rice one
    (0.2)."""
    Match.objects.create(enterprise=market["enterprise"], patent=market["separator"], score=0.8)
    Match.objects.create(enterprise=market["enterprise"], patent=market["rice"], score=0.2)
    client.force_login(market["member"])
    return market


def page(client, **query) -> str:  # type: ignore[no-untyped-def]
    return client.get(reverse("matching:recommended"), query).content.decode()


def test_province_is_chosen_by_name_and_filters(client, recommended):
    html = page(client)
    assert '<select name="province"' in html
    assert '<option value="440000">Guangdong</option>' in html
    filtered = page(client, province="440000")
    assert recommended["rice"].title in filtered
    assert recommended["separator"].title not in filtered


def test_score_scale_is_stated_and_a_percentage_is_an_error(client, recommended):
    html = page(client)
    assert "Minimum score (0–1)" in html
    assert "Match scores run from 0 to 1" in html
    assert recommended["separator"].title in page(client, min_score="0.5")
    assert recommended["rice"].title not in page(client, min_score="0.5")
    wrong = page(client, min_score="50")
    assert "Ensure this value is less than or equal to 1." in wrong
    assert recommended["separator"].title not in wrong  # not a list that ignored the filter


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("min_score", "abc", "Enter a number."),
        ("ipc_section", "Z", "Select a valid choice. Z is not one of the available choices."),
        ("province", "999999", "Select a valid choice."),
    ],
)
def test_invalid_filter_shows_its_error_instead_of_being_dropped(
    client, recommended, name, value, error
):
    html = page(client, **{name: value})
    assert f'data-testid="filter-error-{name}"' in html
    assert error in html
    assert 'data-testid="filters-invalid"' in html
    assert recommended["rice"].title not in html
    assert NONE_YET not in html


def test_filters_that_exclude_everything_say_so_and_offer_to_clear_them(client, recommended):
    html = page(client, ipc_section="C")
    assert NONE_MATCH in html
    assert f'href="{reverse("matching:recommended")}"' in html
    assert NONE_YET not in html


def test_an_empty_list_without_filters_still_invites_to_describe_needs(market, client):
    client.force_login(market["member"])
    html = page(client)
    assert NONE_YET in html
    assert NONE_MATCH not in html


def test_api_refuses_a_score_outside_zero_to_one(client, recommended):
    response = client.get("/api/recommendations/", {"min_score": "50"})
    assert response.status_code == 400
    assert response.json() == {"min_score": ["Ensure this value is less than or equal to 1."]}
    by_province = client.get("/api/recommendations/", {"province": "330000"}).json()
    assert [row["patent"] for row in by_province["results"]] == [recommended["separator"].pk]
