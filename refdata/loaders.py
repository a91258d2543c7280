"""Load the shipped reference CSVs into the database (idempotent)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


def _rows(name: str) -> Iterator[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def load_regions(region_model: Any) -> int:
    english = {row["code"]: row["name_en"] for row in _rows("provinces_en.csv")}
    objects = [
        region_model(
            code=r["code"].ljust(6, "0"),
            name=r["name"],
            name_en=english.get(r["code"], ""),
            level=1,
            parent_id=None,
        )
        for r in _rows("provinces.csv")
    ]
    objects += [
        region_model(
            code=r["code"].ljust(6, "0"),
            name=r["name"],
            level=2,
            parent_id=r["provinceCode"].ljust(6, "0"),
        )
        for r in _rows("cities.csv")
    ]
    objects += [
        region_model(code=r["code"], name=r["name"], level=3, parent_id=r["cityCode"].ljust(6, "0"))
        for r in _rows("areas.csv")
    ]
    region_model.objects.bulk_create(objects, ignore_conflicts=True, batch_size=1000)
    return len(objects)


def load_industries(industry_model: Any) -> int:
    objects = [
        industry_model(
            code=r["code"],
            level=int(r["level"]),
            name=r["name"],
            parent_id=r["parent"] or None,
            section=r["section"],
            note=r["note"],
        )
        for r in _rows("gbt4754_2017.csv")
    ]
    # Parents first, so the foreign keys resolve on databases that check them immediately.
    objects.sort(key=lambda o: o.level)
    industry_model.objects.bulk_create(objects, ignore_conflicts=True, batch_size=1000)
    return len(objects)


def load_ipc(ipc_model: Any) -> int:
    objects = [
        ipc_model(
            code=r["code"],
            level=r["level"],
            parent_id=r["parent"] or None,
            title_en=r["title_en"],
            title_zh=r["title_zh"],
            title_en_short=r["title_en_short"],
            title_zh_short=r["title_zh_short"],
        )
        for r in _rows("ipc_subclasses.csv")
    ]
    objects.sort(key=lambda o: len(o.code))
    ipc_model.objects.bulk_create(objects, ignore_conflicts=True, batch_size=1000)
    return len(objects)
