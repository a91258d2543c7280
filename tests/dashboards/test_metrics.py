"""Each figure computed on known data (see `world` in conftest.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from dashboards import selectors, services
from dashboards.metrics import METRICS, RATIOS
from dashboards.models import NATIONAL, RefreshRun, StatValue
from dashboards.tables import KEY_FIGURES, TABLES

pytestmark = pytest.mark.django_db

ZJ, GD = "330000", "440000"


def value(scope: str, metric: str, dimension: str = "total", key: str = "") -> Decimal | None:
    row = StatValue.objects.filter(scope=scope, metric=metric, dimension=dimension, key=key).first()
    return row.value if row else None


def test_every_metric_and_ratio_has_a_label_and_a_definition():
    for spec in [*METRICS.values(), *RATIOS.values()]:
        assert str(spec.label).strip()
        assert len(str(spec.definition)) > 20, spec.slug
    for table in TABLES.values():
        assert set(table.metrics) <= set(METRICS) and set(table.ratios) <= set(RATIOS)
    for slugs in KEY_FIGURES.values():
        assert set(slugs) <= set(METRICS) | set(RATIOS)


def test_definitions_are_translated_to_chinese():
    with translation.override("zh-hans"):
        assert str(METRICS["library_patents"].label) == "转化资源库专利"
        assert "审核" in str(METRICS["patents_admitted"].definition)


def test_inventory_totals_per_province_and_nation(refreshed):
    assert value(ZJ, "patents_inventoried") == 8
    assert value(ZJ, "patents_admitted") == 5
    assert value(ZJ, "library_patents") == 4
    assert value(GD, "patents_inventoried") == 3
    assert value(GD, "library_patents") == 2
    assert value(NATIONAL, "patents_inventoried") == 11
    assert value(NATIONAL, "patents_inventoried", "province", ZJ) == 8
    assert value(NATIONAL, "patents_inventoried", "province", GD) == 3


def test_inventory_by_institution_city_category_ipc(refreshed):
    zju, nbu = str(refreshed.zju.pk), str(refreshed.nbu.pk)
    assert value(ZJ, "patents_inventoried", "institution", zju) == 6
    assert value(ZJ, "library_patents", "institution", nbu) == 1
    assert (
        StatValue.objects.get(
            scope=ZJ, metric="patents_inventoried", dimension="institution", key=nbu
        ).label
        == "宁波测试大学"
    )
    assert value(ZJ, "patents_inventoried", "city", "330200") == 2
    assert value(ZJ, "patents_inventoried", "category", "has_prospects") == 6
    assert value(ZJ, "patents_inventoried", "category", "to_abandon") == 1
    assert value(ZJ, "patents_inventoried", "ipc", "H") == 5
    assert value(ZJ, "patents_inventoried", "ipc", "A") == 2
    # Guangdong's patents never appear in Zhejiang's rows.
    assert value(ZJ, "patents_inventoried", "institution", str(refreshed.gdu.pk)) is None


def test_months_follow_china_time(refreshed):
    # 2026-10-01 00:30 in Shanghai is still September in UTC: it counts for October.
    assert value(ZJ, "patents_inventoried", "month", "2026-09") == 4
    assert value(ZJ, "patents_inventoried", "month", "2026-10") == 4
    assert value(NATIONAL, "patents_inventoried", "month", "2026-10") == 7


def test_progress_and_spot_check_pass_rate(refreshed):
    values = selectors.stat_values(ZJ)
    assert selectors.figure("inventory_progress", values).value == Decimal("62.5")
    # 2 passed of 3 decided; the pending item is not counted.
    assert value(ZJ, "spot_checked") == 3
    assert selectors.figure("spot_check_pass_rate", values).value == Decimal("66.7")
    zju = str(refreshed.zju.pk)
    row = next(
        r
        for r in selectors.table_data(TABLES["inventory_by_institution"], values).rows
        if r.key == zju
    )
    assert row.cells == [6, 4, 3, 3, 2]
    assert row.ratios == [Decimal("66.7"), Decimal("66.7")]


def test_a_ratio_without_denominator_is_none_not_zero(refreshed):
    values = selectors.stat_values(GD)
    assert selectors.figure("spot_check_pass_rate", values).value is None


def test_precomputed_figures_equal_the_live_computation(refreshed):
    for scope in (ZJ, GD, NATIONAL):
        stored = {k: v for k, (_label, v) in selectors.stat_values(scope).items()}
        live = {k: v for k, (_label, v) in selectors.live_values(scope).items()}
        assert stored == live


def test_refresh_twice_replaces_rather_than_adds(world):
    first = services.refresh_statistics()
    second = services.refresh_statistics()
    assert first.rows == second.rows == StatValue.objects.count() > 0
    assert value(ZJ, "patents_inventoried") == 8
    assert RefreshRun.objects.filter(status=RefreshRun.Status.DONE).count() == 2
    assert second.duration_ms is not None


def test_refresh_picks_up_new_records(refreshed):
    from tests.factories import PatentFactory

    PatentFactory(organisation=refreshed.nbu)
    assert value(ZJ, "patents_inventoried") == 8  # precomputed: unchanged until the refresh
    services.refresh_statistics()
    assert value(ZJ, "patents_inventoried") == 9


def test_failed_refresh_keeps_previous_figures_and_records_the_error(refreshed, monkeypatch):
    def broken(province=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(type(METRICS["library_patents"]), "compute", lambda self, p=None: broken())
    with pytest.raises(RuntimeError):
        services.refresh_statistics()
    assert value(ZJ, "patents_inventoried") == 8
    failed = RefreshRun.objects.get(status=RefreshRun.Status.FAILED)
    assert "boom" in failed.error
