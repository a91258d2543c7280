"""Known data for the dashboard figures: two provinces, three institutions, spot checks."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.models import Organisation, OrgKind
from dashboards import services
from patents.models import (
    InventoryCategory,
    LegalStatus,
    Patent,
    ReviewStatus,
    SpotCheck,
    SpotCheckItem,
    SpotCheckResult,
)
from tests.factories import OrganisationFactory, PatentFactory


@dataclass
class World:
    zju: Organisation  # Zhejiang, Hangzhou
    nbu: Organisation  # Zhejiang, Ningbo
    gdu: Organisation  # Guangdong
    zj_patents: list[Patent]
    gd_patents: list[Patent]


def _set_created(patents: list[Patent], when: datetime.datetime) -> None:
    Patent.objects.filter(pk__in=[p.pk for p in patents]).update(created_at=when)


@pytest.fixture
def world(zhejiang_university, guangdong_university, bureau_zj, bureau_gd) -> World:
    """Zhejiang: 浙江测试大学 (Hangzhou) 6 patents, 宁波测试大学 (Ningbo) 2; Guangdong: 3.

    浙江测试大学: 3 in the library (admitted, valid, prospects), 1 admitted but lapsed,
    1 in college review with no clear prospects, 1 draft to be abandoned.
    宁波测试大学: 1 in the library, 1 draft.  广东测试大学: 2 in the library, 1 draft.
    Spot check of 浙江测试大学: 2 passed, 1 failed, 1 pending.
    """
    zju = zhejiang_university
    nbu: Organisation = OrganisationFactory(  # type: ignore[assignment]
        name="宁波测试大学", kind=OrgKind.UNIVERSITY, province_id="330000", city_id="330200"
    )
    admitted = {"review_status": ReviewStatus.ADMITTED}
    zju_patents = [
        *PatentFactory.create_batch(3, organisation=zju, ipc_subclass="H01M", **admitted),
        PatentFactory(organisation=zju, legal_status=LegalStatus.LAPSED, **admitted),
        PatentFactory(
            organisation=zju,
            review_status=ReviewStatus.COLLEGE_REVIEW,
            inventory_category=InventoryCategory.NO_CLEAR_PROSPECTS,
            ipc_subclass="G06F",
        ),
        PatentFactory(organisation=zju, inventory_category=InventoryCategory.TO_ABANDON),
    ]
    nbu_patents = [
        PatentFactory(organisation=nbu, ipc_subclass="A61K", **admitted),
        PatentFactory(organisation=nbu, ipc_subclass="A61K"),
    ]
    gd_patents = [
        *PatentFactory.create_batch(2, organisation=guangdong_university, **admitted),
        PatentFactory(organisation=guangdong_university),
    ]
    tz = timezone.get_current_timezone()
    _set_created(zju_patents[:4], datetime.datetime(2026, 9, 15, tzinfo=tz))
    _set_created(zju_patents[4:] + nbu_patents, datetime.datetime(2026, 10, 1, 0, 30, tzinfo=tz))
    _set_created(gd_patents, datetime.datetime(2026, 10, 20, tzinfo=tz))
    check = SpotCheck.objects.create(
        bureau=bureau_zj.organisation, institution=zju, sample_percent=50
    )
    results = [
        SpotCheckResult.PASSED,
        SpotCheckResult.PASSED,
        SpotCheckResult.FAILED,
        SpotCheckResult.PENDING,
    ]
    for patent, result in zip(zju_patents, results, strict=False):
        SpotCheckItem.objects.create(spot_check=check, patent=patent, result=result)
    return World(zju, nbu, guangdong_university, zju_patents + nbu_patents, gd_patents)


@pytest.fixture
def refreshed(world: World) -> World:
    services.refresh_statistics()
    return world


@pytest.fixture
def activity(world: World):  # type: ignore[no-untyped-def]
    from tests.dashboards.factories import build_activity

    return build_activity(world.zj_patents, world.gd_patents)


@pytest.fixture
def refreshed_activity(activity):  # type: ignore[no-untyped-def]
    services.refresh_statistics()
    return activity
