"""Who may see which province's figures and records: pages, drill-down, exports, API."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ZJ, GD = "330000", "440000"


def page_urls(scope: str) -> list[str]:
    return [
        reverse("dashboards:province", args=[scope]),
        reverse("dashboards:drill", args=[scope, "patents_inventoried"]),
        reverse("dashboards:export", args=[scope, "inventory_by_institution", "csv"]),
        reverse("dashboards:export", args=[scope, "inventory_by_institution", "xlsx"]),
        reverse("dashboards:monthly_report", args=[scope, "2026-10"]),
    ]


def api_urls(scope: str) -> list[str]:
    return [
        reverse("api:dashboard", args=[scope]),
        reverse("api:dashboard-drill", args=[scope, "patents_inventoried"]),
    ]


def test_bureau_sees_its_own_province(client, bureau_zj, refreshed):
    client.force_login(bureau_zj)
    for url in page_urls(ZJ) + api_urls(ZJ):
        assert client.get(url).status_code == 200, url


def test_bureau_gets_404_for_another_province(client, bureau_gd, refreshed):
    client.force_login(bureau_gd)
    for url in page_urls(ZJ) + api_urls(ZJ) + page_urls("all") + api_urls("all"):
        assert client.get(url).status_code == 404, url


def test_bureau_lands_on_its_province(client, bureau_gd):
    client.force_login(bureau_gd)
    response = client.get(reverse("dashboards:index"))
    assert response.url == reverse("dashboards:province", args=[GD])


@pytest.mark.parametrize("who", ["univ_a_staff", "univ_a_admin", "enterprise_user"])
def test_other_roles_get_403(client, request, who, refreshed):
    client.force_login(request.getfixturevalue(who))
    for url in [reverse("dashboards:index"), *page_urls(ZJ), *api_urls(ZJ)]:
        assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_sign_in_or_refused(client, refreshed):
    for url in page_urls(ZJ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    for url in api_urls(ZJ):
        assert client.get(url).status_code in (401, 403)


def test_national_level_sees_any_province_and_all(client, national_user, refreshed):
    client.force_login(national_user)
    for scope in (ZJ, GD, "all"):
        for url in page_urls(scope) + api_urls(scope):
            assert client.get(url).status_code == 200, url
    assert client.get(reverse("dashboards:index")).url == reverse(
        "dashboards:province", args=["all"]
    )
    # A code that is not a province is not a scope.
    assert client.get(reverse("dashboards:province", args=["330100"])).status_code == 404


def test_bureau_page_shows_none_of_another_provinces_figures(client, bureau_zj, refreshed):
    client.force_login(bureau_zj)
    html = client.get(reverse("dashboards:province", args=[ZJ])).content.decode()
    assert "宁波测试大学" in html
    assert "广东测试大学" not in html
    assert "inventory_by_province" not in html  # the per-province table is national only


def test_drill_down_never_shows_another_provinces_records(client, bureau_zj, refreshed):
    client.force_login(bureau_zj)
    gd_institution = str(refreshed.gdu.pk)
    url = reverse("dashboards:drill", args=[ZJ, "patents_inventoried"])
    response = client.get(url, {"dimension": "institution", "key": gd_institution})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    api = client.get(
        reverse("api:dashboard-drill", args=[ZJ, "patents_inventoried"]),
        {"dimension": "institution", "key": gd_institution},
    )
    assert api.json()["count"] == 0


def test_drill_down_rejects_unknown_metric_dimension_and_bad_keys(client, bureau_zj, refreshed):
    client.force_login(bureau_zj)
    assert client.get(reverse("dashboards:drill", args=[ZJ, "nope"])).status_code == 404
    url = reverse("dashboards:drill", args=[ZJ, "patents_inventoried"])
    assert client.get(url, {"dimension": "colour"}).status_code == 404
    assert client.get(url, {"dimension": "month", "key": "October"}).status_code == 404
    assert client.get(url, {"dimension": "institution", "key": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("metric", "dimension", "key"),
    [
        ("patents_inventoried", "institution", "9" * 30),  # more than any id
        ("intents", "institution", "-1"),
        ("patents_inventoried", "month", "99999-01"),  # no datetime for that year
        ("intents", "month", "0001-01"),
    ],
)
def test_drill_down_keys_out_of_range_are_404_on_page_and_api(
    client, bureau_zj, refreshed, metric, dimension, key
):
    client.force_login(bureau_zj)
    query = {"dimension": dimension, "key": key}
    assert client.get(reverse("dashboards:drill", args=[ZJ, metric]), query).status_code == 404
    assert client.get(reverse("api:dashboard-drill", args=[ZJ, metric]), query).status_code == 404


def test_export_of_national_only_table_is_404_for_a_province(client, national_user, refreshed):
    client.force_login(national_user)
    url = reverse("dashboards:export", args=[ZJ, "inventory_by_province", "csv"])
    assert client.get(url).status_code == 404
