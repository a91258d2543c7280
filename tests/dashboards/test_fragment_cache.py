"""The rendered sections are cached per scope, language and refresh: a second view renders
nothing and a new refresh shows new figures at once."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards import services
from dashboards.fragments import fragment_key
from tests.enterprises.factories import TechnologyNeedFactory

pytestmark = pytest.mark.django_db

ZJ = "330000"


def needs(html: str) -> str:
    found = re.search(r'data-testid="drill-technology_needs"[^>]*>(\d+)<', html)
    assert found, "no technology needs figure"
    return found.group(1)


def test_second_view_is_served_from_the_cache(client, bureau_zj, refreshed_activity):
    client.force_login(bureau_zj)
    url = reverse("dashboards:province", args=[ZJ])
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as second:
        html = client.get(url).content.decode()
    assert len(second) < len(first)
    assert not any("dashboards_statvalue" in q["sql"] for q in second.captured_queries)
    assert 'id="section-evaluation"' in html and 'data-testid="figure-conversion_rate"' in html
    run = services.refresh_statistics()
    assert cache.get(fragment_key(ZJ, run)) is None


def test_a_refresh_replaces_the_cached_figures(client, bureau_zj, refreshed_activity):
    client.force_login(bureau_zj)
    url = reverse("dashboards:province", args=[ZJ])
    before = client.get(url).content.decode()
    assert needs(before) == "2"
    TechnologyNeedFactory(enterprise=refreshed_activity.ent_zj)
    assert needs(client.get(url).content.decode()) == "2"  # still the last refresh's figures
    services.refresh_statistics()
    after = client.get(url).content.decode()
    assert needs(after) == "3"


def test_each_language_has_its_own_fragment(client, bureau_zj, refreshed_activity):
    client.force_login(bureau_zj)
    url = reverse("dashboards:province", args=[ZJ])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Conversion rate" in english
    assert "Conversion rate" not in chinese


def test_warm_renders_every_scope_and_language_for_the_run(refreshed_activity):
    from django.utils import translation

    from dashboards import fragments
    from dashboards.selectors import last_refresh

    run = last_refresh()
    assert run is not None
    from refdata.models import Region

    provinces = Region.objects.filter(level=1).count()
    assert fragments.warm(run) == 2 * (1 + provinces)  # nation + each province, two languages
    with translation.override("en"):
        assert 'id="section-conversion"' in cache.get(fragment_key(ZJ, run))
