"""The dashboard page, drill-down and API show the precomputed figures."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.navigation import nav_for

pytestmark = pytest.mark.django_db

ZJ = "330000"


def test_page_shows_figures_definitions_and_last_refresh(client, bureau_zj, refreshed):
    client.force_login(bureau_zj)
    response = client.get(reverse("dashboards:province", args=[ZJ]))
    html = response.content.decode()
    figures = {f.slug: f.value for f in response.context["sections"][0]["figures"]}
    assert figures["patents_inventoried"] == 8
    assert figures["library_patents"] == 4
    assert "Patents open to enterprises in the convertible patent library" in html  # tooltip
    assert "Figures as of" in html
    assert "vendor/echarts/echarts.min.js" in html


def test_page_before_any_refresh_says_so(client, bureau_zj, world):
    client.force_login(bureau_zj)
    html = client.get(reverse("dashboards:province", args=[ZJ])).content.decode()
    assert "Figures have not been computed yet." in html


def test_drill_down_lists_exactly_the_records_behind_each_figure(client, bureau_zj, refreshed):
    client.force_login(bureau_zj)
    url = reverse("dashboards:drill", args=[ZJ, "library_patents"])
    response = client.get(url, {"dimension": "institution", "key": str(refreshed.zju.pk)})
    assert response.context["page"].paginator.count == 3
    october = client.get(
        reverse("dashboards:drill", args=[ZJ, "patents_inventoried"]),
        {"dimension": "month", "key": "2026-10"},
    )
    assert october.context["page"].paginator.count == 4
    passed = client.get(reverse("dashboards:drill", args=[ZJ, "spot_passed"]))
    assert passed.context["page"].paginator.count == 2
    assert "Passed" in passed.content.decode()


def test_every_table_cell_matches_its_drill_down(client, bureau_zj, refreshed):
    client.force_login(bureau_zj)
    sections = client.get(reverse("dashboards:province", args=[ZJ])).context["sections"]
    checked = 0
    for section in sections:
        for data in section["tables"]:
            for row in data.rows:
                for slug, value in row.linked_cells:
                    response = client.get(
                        reverse("dashboards:drill", args=[ZJ, slug]),
                        {"dimension": data.table.dimension, "key": row.key},
                    )
                    assert response.context["page"].paginator.count == value, (slug, row.key)
                    checked += 1
    assert checked > 40


def test_api_returns_the_page_figures(client, bureau_zj, refreshed):
    client.force_login(bureau_zj)
    body = client.get(reverse("api:dashboard", args=[ZJ])).json()
    figures = {f["slug"]: f["value"] for f in body["sections"][0]["figures"]}
    assert figures == {
        "patents_inventoried": 8.0,
        "patents_admitted": 5.0,
        "library_patents": 4.0,
        "inventory_progress": 62.5,
        "spot_check_pass_rate": 66.7,
    }
    assert body["refreshed_at"] is not None


def test_home_pages_show_key_figures_and_link(client, bureau_zj, national_user, refreshed):
    client.force_login(bureau_zj)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="open-dashboard"' in html
    assert "62.5%" in html
    client.force_login(national_user)
    response = client.get(reverse("home"))
    assert reverse("dashboards:index") in response.content.decode()


def test_navigation_offers_the_dashboard_to_supervisors_only(
    client, bureau_zj, national_user, univ_a_staff, enterprise_user
):
    client.force_login(bureau_zj)
    assert 'data-nav="dashboards:index"' in client.get(reverse("home")).content.decode()

    def names(user):
        return [item["name"] for item in nav_for(user)]

    assert "dashboards:index" in names(national_user)
    assert "dashboards:index" not in names(univ_a_staff)
    assert "dashboards:index" not in names(enterprise_user)
