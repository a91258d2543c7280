"""Who may see which organisation and member: pages and API, refusals first."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Organisation

pytestmark = pytest.mark.django_db


def test_university_staff_gets_404_on_another_university_page(
    client, univ_a_staff, guangdong_university
):
    client.force_login(univ_a_staff)
    url = reverse("accounts:organisation_detail", args=[guangdong_university.pk])
    assert client.get(url).status_code == 404


def test_university_staff_sees_own_university_page(client, univ_a_staff):
    client.force_login(univ_a_staff)
    url = reverse("accounts:organisation_detail", args=[univ_a_staff.organisation_id])
    response = client.get(url)
    assert response.status_code == 200
    assert "浙江测试大学" in response.content.decode()


def test_university_staff_gets_404_on_another_university_in_api(
    client, univ_a_staff, guangdong_university
):
    client.force_login(univ_a_staff)
    response = client.get(f"/api/organisations/{guangdong_university.pk}/")
    assert response.status_code == 404
    listed = {row["id"] for row in client.get("/api/organisations/").json()["results"]}
    assert listed == {univ_a_staff.organisation_id}


def test_other_universitys_members_are_not_listed(client, univ_a_staff, univ_b_staff):
    client.force_login(univ_a_staff)
    names = {row["username"] for row in client.get("/api/members/").json()["results"]}
    assert names == {"alice"}
    assert client.get(f"/api/members/{univ_b_staff.pk}/").status_code == 404


def test_bureau_sees_its_province_only(
    client, bureau_zj, zhejiang_university, guangdong_university
):
    client.force_login(bureau_zj)
    ids = {row["id"] for row in client.get("/api/organisations/?page_size=100").json()["results"]}
    assert zhejiang_university.pk in ids
    assert guangdong_university.pk not in ids
    url = reverse("accounts:organisation_detail", args=[guangdong_university.pk])
    assert client.get(url).status_code == 404


def test_national_level_sees_every_province(
    client, national_user, zhejiang_university, guangdong_university
):
    client.force_login(national_user)
    url = reverse("accounts:organisation_detail", args=[guangdong_university.pk])
    assert client.get(url).status_code == 200
    assert client.get("/api/organisations/").json()["count"] == Organisation.objects.count()


def test_anonymous_is_sent_to_sign_in_and_api_refuses(client, zhejiang_university):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get("/api/organisations/").status_code in (401, 403)


def test_token_authentication(client, univ_a_staff):
    response = client.post(
        "/api/auth/token/", {"username": "alice", "password": "correct-horse-battery"}
    )
    token = response.json()["token"]
    me = client.get("/api/me/", headers={"Authorization": f"Token {token}"})
    assert me.json()["username"] == "alice"
    assert me.json()["org_kind"] == "university"
