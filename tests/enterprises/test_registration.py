from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Organisation, Role, User
from enterprises import services
from enterprises.models import EnterpriseProfile, Verification
from notifications.models import Notification
from tests.enterprises.factories import EnterpriseProfileFactory
from tests.factories import OrganisationFactory
from tests.forms import rendered_values

pytestmark = pytest.mark.django_db


def _valid_uscc() -> str:
    from stdnum.cn import uscc

    body = "91330106MA2GL1234"
    return body + uscc.calc_check_digit(body)


def _form(**overrides):
    data = {
        "name": "杭州新能隔膜科技有限公司",
        "uscc": _valid_uscc(),
        "province": "330000",
        "city": "330100",
        "industries": ["38"],
        "size": "small",
        "tags": ["specialised_sme", "high_tech"],
        "email": "ceo@xinneng.example.com",
        "username": "xinneng",
        "password": "a-long-enough-passphrase",
    }
    data.update(overrides)
    return data


def test_registration_creates_pending_enterprise_admin_and_tells_the_bureau(client, bureau_zj):
    response = client.post(reverse("enterprises:register"), _form())
    assert response.status_code == 302
    org = Organisation.objects.get(name="杭州新能隔膜科技有限公司")
    assert org.kind == "enterprise"
    profile = org.enterprise_profile
    assert profile.verification_status == Verification.PENDING
    assert not profile.show_as_likely_taker
    assert list(profile.industries.values_list("code", flat=True)) == ["38"]
    assert profile.tags == ["specialised_sme", "high_tech"]
    admin = User.objects.get(username="xinneng")
    assert admin.organisation == org and admin.role == Role.ADMIN
    assert Notification.objects.get(recipient=bureau_zj).kind == "enterprise_registered"


@pytest.mark.parametrize(
    ("uscc", "message"),
    [
        ("9133010600000000", "A unified social credit code has 18 characters; this one has 16."),
        (
            "9133010600000000I1",
            "A unified social credit code is 8 digits followed by 10 digits or capital letters "
            "(without I, O, S, V or Z).",
        ),
        ("91110000600037341X", "The check character of this unified social credit code is wrong."),
    ],
)
def test_bad_uscc_is_refused_with_exact_message_and_nothing_written(client, uscc, message):
    response = client.post(reverse("enterprises:register"), _form(uscc=uscc))
    assert response.status_code == 200
    assert response.context["form"].errors["uscc"] == [message]
    assert not Organisation.objects.filter(kind="enterprise").exists()
    assert not User.objects.exists()


def test_duplicate_uscc_is_refused_and_nothing_written(client):
    OrganisationFactory(kind="enterprise", uscc=_valid_uscc())
    response = client.post(reverse("enterprises:register"), _form())
    assert response.context["form"].errors["uscc"] == [
        "An organisation with this unified social credit code is already registered."
    ]
    assert Organisation.objects.count() == 1
    assert not User.objects.exists()


def test_taken_username_writes_no_organisation(client, enterprise_user):
    response = client.post(
        reverse("enterprises:register"), _form(username=enterprise_user.username)
    )
    assert response.context["form"].errors["username"] == [
        "A user with that username already exists."
    ]
    assert not Organisation.objects.filter(name="杭州新能隔膜科技有限公司").exists()


def test_city_outside_province_is_refused(client):
    response = client.post(reverse("enterprises:register"), _form(city="440100"))
    assert response.context["form"].errors["city"] == ["The city is not in the chosen province."]
    assert not Organisation.objects.filter(kind="enterprise").exists()


def test_bureau_verifies_an_enterprise_of_its_province(client, bureau_zj, enterprise_user):
    profile = EnterpriseProfileFactory(
        organisation=enterprise_user.organisation, verification_status=Verification.PENDING
    )
    client.force_login(bureau_zj)
    page = client.get(reverse("enterprises:verification"))
    assert enterprise_user.organisation.name in page.content.decode()
    response = client.post(reverse("enterprises:verify", args=[profile.pk]), {"decision": "verify"})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.verification_status == Verification.VERIFIED
    assert profile.verified_by == bureau_zj
    assert Notification.objects.get(recipient=enterprise_user).kind == "enterprise_verified"


def test_rejection_needs_a_reason_and_changes_nothing(client, bureau_zj, enterprise_user):
    profile = EnterpriseProfileFactory(
        organisation=enterprise_user.organisation, verification_status=Verification.PENDING
    )
    client.force_login(bureau_zj)
    response = client.post(
        reverse("enterprises:verify", args=[profile.pk]), {"decision": "reject"}, follow=True
    )
    assert "Give a reason for rejecting the registration." in response.content.decode()
    profile.refresh_from_db()
    assert profile.verification_status == Verification.PENDING
    assert profile.verified_by is None


PAGE_TOO_LONG = "Ensure this value has at most 500 characters (it has 501)."


def _reject_on_page(client, profile, reason):
    response = client.post(
        reverse("enterprises:verify", args=[profile.pk]),
        {"decision": "reject", "reason": reason},
        follow=True,
    )
    assert PAGE_TOO_LONG in response.content.decode()


def _reject_by_api(client, profile, reason):
    response = client.post(
        f"/api/enterprises/{profile.pk}/reject/",
        {"reason": reason},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"reason": ["Ensure this field has no more than 500 characters."]}


def _reject_by_service(bureau, profile, reason):
    with pytest.raises(ValidationError) as error:
        services.verify_enterprise(profile=profile, by=bureau, approve=False, reason=reason)
    assert error.value.message_dict == {"reason": [PAGE_TOO_LONG]}


@pytest.mark.parametrize("route", ["page", "api", "service"])
def test_an_overlong_rejection_reason_is_refused_and_nothing_changes(
    client, bureau_zj, enterprise_user, route
):
    profile = EnterpriseProfileFactory(
        organisation=enterprise_user.organisation, verification_status=Verification.PENDING
    )
    client.force_login(bureau_zj)
    reason = "营业执照不清晰" * 71 + "请重新传"  # 501 characters
    if route == "page":
        _reject_on_page(client, profile, reason)
    elif route == "api":
        _reject_by_api(client, profile, reason)
    else:
        _reject_by_service(bureau_zj, profile, reason)
    profile.refresh_from_db()
    assert profile.verification_status == Verification.PENDING
    assert profile.verification_reason == ""
    assert not Notification.objects.filter(recipient=enterprise_user).exists()


def test_a_rejection_reason_of_the_full_length_is_kept(client, bureau_zj, enterprise_user):
    profile = EnterpriseProfileFactory(
        organisation=enterprise_user.organisation, verification_status=Verification.PENDING
    )
    client.force_login(bureau_zj)
    page = client.get(reverse("enterprises:verification")).content.decode()
    assert 'name="reason" maxlength="500"' in page
    reason = "营业执照不清晰" * 71 + "请重新"  # 500 characters
    response = client.post(
        f"/api/enterprises/{profile.pk}/reject/",
        {"reason": reason},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["verification_reason"] == reason
    profile.refresh_from_db()
    assert profile.verification_status == Verification.REJECTED


def test_bureau_of_another_province_gets_404(client, bureau_gd, enterprise_user):
    profile = EnterpriseProfileFactory(
        organisation=enterprise_user.organisation, verification_status=Verification.PENDING
    )
    client.force_login(bureau_gd)
    response = client.post(reverse("enterprises:verify", args=[profile.pk]), {"decision": "verify"})
    assert response.status_code == 404
    assert EnterpriseProfile.objects.get().verification_status == Verification.PENDING


def test_enterprise_and_university_get_403_on_verification_page(
    client, enterprise_user, univ_a_staff
):
    for user in (enterprise_user, univ_a_staff):
        client.force_login(user)
        assert client.get(reverse("enterprises:verification")).status_code == 403


def test_enterprise_cannot_verify_itself(client, enterprise_user):
    profile = EnterpriseProfileFactory(
        organisation=enterprise_user.organisation, verification_status=Verification.PENDING
    )
    client.force_login(enterprise_user)
    response = client.post(
        reverse("enterprises:verify", args=[profile.pk]), {"decision": "verify"}, follow=True
    )
    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.verification_status == Verification.PENDING


def test_anonymous_is_sent_to_login_from_verification(client):
    response = client.get(reverse("enterprises:verification"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_profile_likely_taker_is_off_by_default_and_admin_turns_it_on(
    client, verified_enterprise, enterprise_user
):
    assert verified_enterprise.show_as_likely_taker is False
    client.force_login(enterprise_user)
    response = client.post(
        reverse("enterprises:profile"),
        {"size": "medium", "tags": ["high_tech"], "show_as_likely_taker": "on"},
    )
    assert response.status_code == 302
    verified_enterprise.refresh_from_db()
    assert verified_enterprise.show_as_likely_taker is True
    assert verified_enterprise.size == "medium"


PROFILE_DESCRIPTION = ("专注锂电池隔膜研发与量产" * 200)[:2000]  # the limit


@pytest.mark.parametrize("route", ["page", "service"])
def test_an_overlong_profile_description_is_refused_and_nothing_changes(
    client, verified_enterprise, enterprise_user, route
):
    description = PROFILE_DESCRIPTION + "。"
    too_long = "Ensure this value has at most 2000 characters (it has 2001)."
    if route == "page":
        client.force_login(enterprise_user)
        response = client.post(
            reverse("enterprises:profile"), {"size": "medium", "description": description}
        )
        assert response.context["form"].errors == {"description": [too_long]}
    else:
        with pytest.raises(ValidationError) as error:
            services.update_profile(
                profile=verified_enterprise,
                by=enterprise_user,
                industries=[],
                size="medium",
                tags=[],
                description=description,
                contact_name="",
                contact_phone="",
                contact_email="",
                show_as_likely_taker=False,
            )
        assert error.value.message_dict == {"description": [too_long]}
    verified_enterprise.refresh_from_db()
    assert verified_enterprise.description == "" and verified_enterprise.size != "medium"


def test_a_profile_description_of_exactly_the_limit_is_kept(
    client, verified_enterprise, enterprise_user
):
    client.force_login(enterprise_user)
    response = client.post(
        reverse("enterprises:profile"), {"size": "medium", "description": PROFILE_DESCRIPTION}
    )
    assert response.status_code == 302
    verified_enterprise.refresh_from_db()
    assert verified_enterprise.description == PROFILE_DESCRIPTION


def test_university_gets_403_on_enterprise_profile(client, univ_a_staff):
    client.force_login(univ_a_staff)
    assert client.get(reverse("enterprises:profile")).status_code == 403


def test_saving_an_untouched_profile_keeps_industries_set_through_the_api(client, bureau_zj):
    # The API takes any GB/T 4754 code, a 4-digit class included, which the web form does not
    # list among its divisions and groups.
    data = {**_form(), "industries": ["38", "3811"], "tags": []}
    response = client.post("/api/enterprises/", data, content_type="application/json")
    assert response.status_code == 201, response.content
    client.force_login(User.objects.get(username="xinneng"))
    page = client.get(reverse("enterprises:profile")).content.decode()
    response = client.post(reverse("enterprises:profile"), rendered_values(page))
    assert response.status_code == 302
    profile = EnterpriseProfile.objects.get(organisation__name="杭州新能隔膜科技有限公司")
    assert sorted(profile.industries.values_list("code", flat=True)) == ["38", "3811"]


def test_profile_form_shows_a_class_set_through_the_api_as_chosen(
    client, verified_enterprise, enterprise_user
):
    verified_enterprise.industries.set(["3811"])
    client.force_login(enterprise_user)
    page = client.get(reverse("enterprises:profile")).content.decode()
    assert rendered_values(page)["industries"] == "3811"
    assert "3811 发电机及发电机组制造" in page
