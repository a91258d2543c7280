"""Another province's bureau sees none of the new figures or records (pages, drill, API,
exports); private records (subscriptions, inbox messages) are never listed."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ZJ, GD = "330000", "440000"
NEW_TABLES = [
    "intents_by_kind",
    "deals_by_kind",
    "conversion_by_institution",
    "responsiveness_by_institution",
    "appraisal_by_status",
    "deals_out_by_flow",
]
NEW_METRICS = ["intents", "deals", "ratings", "intents_overdue", "appraisal_institutions"]


def urls(scope: str) -> list[str]:
    found = [reverse("dashboards:drill", args=[scope, slug]) for slug in NEW_METRICS]
    found += [reverse("api:dashboard-drill", args=[scope, slug]) for slug in NEW_METRICS]
    for table in NEW_TABLES:
        found += [reverse("dashboards:export", args=[scope, table, fmt]) for fmt in ("csv", "xlsx")]
    return found


def test_bureau_gets_404_for_another_provinces_new_figures(client, bureau_gd, refreshed_activity):
    client.force_login(bureau_gd)
    for url in urls(ZJ):
        assert client.get(url).status_code == 404, url


def test_bureau_opens_its_own_new_figures(client, bureau_zj, refreshed_activity):
    client.force_login(bureau_zj)
    for url in urls(ZJ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["univ_a_admin", "enterprise_user"])
def test_other_roles_get_403_for_new_figures(client, request, who, refreshed_activity):
    client.force_login(request.getfixturevalue(who))
    for url in urls(ZJ):
        assert client.get(url).status_code == 403, url


def test_anonymous_is_refused_new_figures(client, refreshed_activity):
    for url in urls(ZJ):
        response = client.get(url)
        assert response.status_code in (302, 401, 403), url
        if response.status_code == 302:
            assert "/accounts/login/" in response.url


def test_drill_lists_only_the_provinces_records(client, bureau_zj, refreshed_activity):
    client.force_login(bureau_zj)
    response = client.get(reverse("dashboards:drill", args=[ZJ, "intents"]))
    assert response.context["page"].paginator.count == 3
    html = response.content.decode()
    assert "浙江待审企业" in html and "广东测试大学" not in html
    # A Guangdong institution's key names no Zhejiang records.
    gd_key = str(refreshed_activity.intents[3].patent.organisation_id)
    response = client.get(
        reverse("dashboards:drill", args=[ZJ, "deals"]),
        {"dimension": "institution", "key": gd_key},
    )
    assert response.context["page"].paginator.count == 0
    # Deals by kind: the open licence only.
    response = client.get(
        reverse("dashboards:drill", args=[ZJ, "deals"]),
        {"dimension": "kind", "key": "open_licence"},
    )
    assert response.context["page"].paginator.count == 1
    api = client.get(reverse("api:dashboard-drill", args=[ZJ, "deals"]))
    assert api.json()["count"] == 3
    assert {row["columns"]["Enterprise"] for row in api.json()["results"]} == {
        "浙江需求企业",
        "广东需求企业",
    }


def test_private_figures_have_no_records_to_open(
    client, bureau_zj, national_user, refreshed_activity
):
    for user in (bureau_zj, national_user):
        client.force_login(user)
        for slug in ("patent_subscriptions", "matches_pushed", "matches_opened"):
            assert client.get(reverse("dashboards:drill", args=[ZJ, slug])).status_code == 404
    html = client.get(reverse("dashboards:province", args=[ZJ])).content.decode()
    assert 'data-testid="value-patent_subscriptions"' in html
    assert reverse("dashboards:drill", args=[ZJ, "patent_subscriptions"]) not in html


def test_unknown_bucket_key_is_404(client, bureau_zj, refreshed_activity):
    client.force_login(bureau_zj)
    url = reverse("dashboards:drill", args=[ZJ, "intents"])
    assert client.get(url, {"dimension": "kind", "key": "bribe"}).status_code == 404
    url = reverse("dashboards:drill", args=[ZJ, "deals_out_of_province"])
    assert client.get(url, {"dimension": "flow", "key": "330000"}).status_code == 404


def test_export_of_deals_by_kind_has_the_page_numbers(client, bureau_zj, refreshed_activity):
    client.force_login(bureau_zj)
    body = client.get(reverse("dashboards:export", args=[ZJ, "deals_by_kind", "csv"])).content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    by_key = {row[1]: [Decimal(cell) for cell in row[2:]] for row in rows[1:]}
    # A kind without any stated amount shows 0, as on the page.
    assert by_key == {
        "transfer": [1, 500000],
        "licence": [1, 100000],
        "open_licence": [1, 0],
    }
