"""Shared fixtures: the cast of users by role, settings for fast tests, real services."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.utils import translation

from accounts.models import OrgKind, Role
from config.celery import app as celery_app
from matching.library import forget as forget_matching_caches
from tests.factories import DepartmentFactory, OrganisationFactory, UserFactory

pytest_plugins = ["tests.fixtures.worker", "tests.fixtures.browser"]


def pytest_report_header(config: pytest.Config) -> list[str]:
    db = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL if settings.REDIS_URL else "none (tasks run in-process)"
    return [
        f"panhuo database: {db['ENGINE'].rsplit('.', 1)[-1]} "
        f"{db.get('HOST') or ''}:{db.get('PORT') or ''}/{db['NAME']}",
        f"panhuo broker: {broker}",
    ]


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MATCHING_INDEX_DIR = tmp_path / "matching"
    forget_matching_caches()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tests assert the English messages; those that check Chinese ask for it explicitly.
    settings.LANGUAGE_CODE = "en"
    translation.activate("en")
    # Unit tests run tasks in-process; tests marked `worker` switch to the real worker.
    celery_app.conf.task_always_eager = True
    # Writes ask for no dashboard refresh: one would outlive the test that made it (the pending
    # mark in Redis, a refresh queued on the real worker). The refresh tests turn it on.
    settings.DASHBOARDS_REFRESH_ON_WRITE = False
    yield


def _ensure_reference_data() -> None:
    from refdata import loaders
    from refdata.models import Industry, IpcClass, Region

    if not Region.objects.exists():
        loaders.load_regions(Region)
        loaders.load_industries(Industry)
        loaders.load_ipc(IpcClass)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A reused test database may have lost its reference data to an earlier run's transactional
    tests (they flush every table); put it back once per session."""
    with django_db_blocker.unblock():
        _ensure_reference_data()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests flush every table after they run, reference data included; put it back
    (the data migration loaded it once) before a test that may need it."""
    uses_transactions = {"transactional_db", "live_server", "celery_worker"} & set(
        request.fixturenames
    )
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        uses_transactions.add("marker")
    if uses_transactions:
        request.getfixturevalue("transactional_db")
        _ensure_reference_data()


@pytest.fixture
def zhejiang_university(db):
    org = OrganisationFactory(name="浙江测试大学", kind=OrgKind.UNIVERSITY, province_id="330000")
    DepartmentFactory(organisation=org, name="材料学院")
    return org


@pytest.fixture
def guangdong_university(db):
    return OrganisationFactory(
        name="广东测试大学", kind=OrgKind.UNIVERSITY, province_id="440000", city_id="440100"
    )


@pytest.fixture
def univ_a_staff(zhejiang_university):
    return UserFactory(username="alice", organisation=zhejiang_university, role=Role.STAFF)


@pytest.fixture
def univ_a_admin(zhejiang_university):
    return UserFactory(username="anna", organisation=zhejiang_university, role=Role.ADMIN)


@pytest.fixture
def univ_b_staff(guangdong_university):
    return UserFactory(username="bob", organisation=guangdong_university, role=Role.STAFF)


@pytest.fixture
def enterprise(db):
    return OrganisationFactory(
        name="测试企业有限公司", kind=OrgKind.ENTERPRISE, province_id="330000"
    )


@pytest.fixture
def enterprise_user(enterprise):
    return UserFactory(username="erin", organisation=enterprise, role=Role.ADMIN)


@pytest.fixture
def bureau_zj(db):
    org = OrganisationFactory(
        name="浙江省知识产权局", kind=OrgKind.IP_BUREAU, province_id="330000", city_id=None
    )
    return UserFactory(username="zoe", organisation=org, role=Role.ADMIN)


@pytest.fixture
def bureau_gd(db):
    org = OrganisationFactory(
        name="广东省知识产权局", kind=OrgKind.IP_BUREAU, province_id="440000", city_id=None
    )
    return UserFactory(username="gary", organisation=org, role=Role.ADMIN)


@pytest.fixture
def national_user(db):
    org = OrganisationFactory(
        name="国家知识产权局", kind=OrgKind.NATIONAL_ADMIN, province_id="110000", city_id=None
    )
    return UserFactory(username="nina", organisation=org, role=Role.ADMIN)


os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The same for the real worker (started with this environment): its writes ask for nothing.
os.environ.setdefault("DASHBOARDS_REFRESH_ON_WRITE", "false")
