"""Refusals and missing pages keep the site's layout and language; the API names no model."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import OrgKind, Role
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_enterprise_refused_the_dashboard_gets_the_403_page_with_navigation(
    client, enterprise_user
):
    client.force_login(enterprise_user)
    response = client.get(reverse("dashboards:index"))
    html = response.content.decode()
    assert response.status_code == 403
    assert 'data-testid="error-403"' in html
    assert "Access denied" in html
    assert "Your role does not allow you to open this page." in html
    assert 'data-nav="matching:recommended"' in html  # the enterprise's own navigation


def test_403_page_is_in_the_readers_language(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.get(reverse("dashboards:index"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="zh-hans">' in html
    assert ">首页<" in html  # the navigation, translated
    assert "403 Forbidden" not in html


def test_403_page_says_why_when_the_refusal_does(client):
    # An appraisal institution without its appraisal profile is told what to do first.
    organisation = OrganisationFactory(kind=OrgKind.APPRAISAL_INSTITUTION, province_id="330000")
    client.force_login(UserFactory(organisation=organisation, role=Role.ADMIN))
    response = client.get(reverse("evaluation:appraiser_new"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Register your institution&#x27;s appraisal profile first." in html
    assert "Your role does not allow you to open this page." not in html


def test_missing_page_gets_the_404_page_with_navigation(client, univ_a_staff):
    client.force_login(univ_a_staff)
    response = client.get(reverse("patents:detail", args=[987654321]))
    html = response.content.decode()
    assert response.status_code == 404
    assert 'data-testid="error-404"' in html
    assert "Page not found" in html
    assert 'data-nav="patents:inventory"' in html
    assert "matches the given query" not in html


def test_api_404_is_the_generic_translated_not_found(client, enterprise_user):
    client.force_login(enterprise_user)
    url = reverse("api:intent-detail", args=[987654321])
    response = client.get(url)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.json() == {"detail": "未找到。"}
