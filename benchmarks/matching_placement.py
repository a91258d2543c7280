"""Benchmark: a new library patent placed on 100,000 enterprises' stored lists, end to end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/panhuo_bench_place \\
        flock /tmp/panhuo-cpu.lock .venv/bin/python benchmarks/matching_placement.py \\
        [--enterprises 100000] [--patents 2000] [--placements 10] [--fresh]

matching_scale.py measures the engine side at 1M patents x 100k profiles; this measures what it
leaves out, the database side of the same Celery task (`services.run_incremental` for a PATENT
run): the journal catch-up, loading the patent, placing it for every enterprise, reading every
full list's last score (the bar), writing the joins and re-ranking those lists, writing the
patent's likely takers, in PostgreSQL with 100 stored matches for each of 100,000 enterprises
(10M match rows). It then times a TAKERS run (one library patent's likely takers ranked again,
as when a university opens the page after profiles changed) for as many patents.

The scratch database (name must contain "bench") is dropped and refilled with COPY when it is
smaller than asked or with --fresh: enterprises with the synthetic profiles of
benchmarks/matching_data.py as open technology needs (half write one; half allow being shown as
likely takers), a library of synthetic patents, and for every enterprise 100 matches with falling
scores. The first placement also
vectorises every profile (once per worker) and is reported apart; each timed placement is a
patent created in the library and its PATENT run executed as the worker executes it.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "benchmarks"))  # after the project: its dashboards app wins
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/panhuo_bench_place")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
os.environ["DEBUG"] = "false"  # as in production: no query log kept in memory
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
os.environ["MATCHING_REBUILD_BELOW"] = "0"  # the large-library path, as at 1M patents
os.environ.pop("REDIS_URL", None)

_spec = importlib.util.spec_from_file_location("bench_fill", ROOT / "benchmarks" / "dashboards.py")
assert _spec is not None and _spec.loader is not None
_fill = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fill)  # its COPY helpers (the module shares a name with the app)
copy_rows, recreate_database = _fill.copy_rows, _fill.recreate_database

NOW = "2026-11-01 00:00:00+08"
POOL = 200_000  # synthetic patents to draw from (cached under /tmp)


def fill(n_enterprises: int, n_patents: int) -> None:
    import json

    import matching_data
    from django.db import connection

    recreate_database(os.environ["DATABASE_URL"])
    connection.close()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    columns = ["kind", "name", "province_id", "is_active", "created_at"]
    copy_rows(
        "accounts_organisation",
        columns,
        iter([["university", f"大学{i}", "330000", True, NOW] for i in range(50)]),
    )
    people = matching_data.profiles(n_enterprises, n_patents)
    copy_rows(
        "accounts_organisation",
        columns,
        ([["enterprise", f"企业{p['id']}", p["province"] or "110000", True, NOW] for p in people]),
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM accounts_organisation WHERE kind = 'university' ORDER BY id")
        universities = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT id FROM accounts_organisation WHERE kind = 'enterprise' ORDER BY id")
        enterprises = [row[0] for row in cursor.fetchall()]

    def needs() -> Iterator[list[object]]:
        for org, p in zip(enterprises, people, strict=True):
            if p["description"]:
                yield [
                    org,
                    p["description"][:30],
                    p["description"],
                    json.dumps(p["keywords"], ensure_ascii=False),
                    json.dumps(p["ipc"]),
                    json.dumps(p["preferred_deal_forms"]),
                    "open",
                    NOW,
                    NOW,
                ]

    copy_rows(
        "enterprises_technologyneed",
        [
            "enterprise_id",
            "title",
            "description",
            "keywords",
            "ipc_codes",
            "preferred_deal_forms",
            "status",
            "created_at",
            "updated_at",
        ],
        needs(),
    )
    copy_rows("patents_patent", PATENT_COLUMNS, _patents(universities, 0, n_patents))
    with connection.cursor() as cursor:
        # 100 matches per enterprise, distinct patents, scores falling with rank.
        cursor.execute(
            """
            INSERT INTO matching_match
                (enterprise_id, patent_id, score, is_last, reasons, created_at)
            SELECT e.id, p.ids[1 + (e.id * 7919 + k) % array_length(p.ids, 1)],
                   0.6 - k * 0.005 + random() * 0.004, k = 99, '[]', now()
            FROM accounts_organisation e,
                 (SELECT array_agg(id ORDER BY id) AS ids FROM patents_patent) p,
                 generate_series(0, 99) k
            WHERE e.kind = 'enterprise'
            ORDER BY e.id, k  -- as a full re-match writes them: list by list
            """
        )
        # Half the enterprises let universities see them as likely takers.
        cursor.execute(
            "INSERT INTO enterprises_enterpriseprofile (organisation_id, size, tags, description,"
            " contact_name, contact_phone, contact_email, show_as_likely_taker,"
            " verification_status, verification_reason, created_at) SELECT id, 'small', '[]', '',"
            " '', '', '', id % 2 = 0, 'verified', '', now()"
            " FROM accounts_organisation WHERE kind = 'enterprise'"
        )
        # What autovacuum does after a full re-match's inserts: statistics, and the visibility
        # map that lets re-ranking read the lists from their index alone.
        cursor.execute("VACUUM ANALYZE")


MARK_LAST = """
    UPDATE matching_match SET is_last = true WHERE id IN (
        SELECT id FROM (
            SELECT id, row_number() OVER (PARTITION BY enterprise_id ORDER BY score DESC, id) AS pos
            FROM matching_match
        ) p WHERE pos = 100
    )
"""
PATENT_COLUMNS = [
    "organisation_id",
    "application_no",
    "patent_type",
    "title",
    "abstract",
    "ipc_main",
    "ipc_subclass",
    "legal_status",
    "inventory_category",
    "review_status",
    "created_at",
    "updated_at",
]


def _patents(universities: list[int], start: int, stop: int) -> Iterator[list[object]]:
    """Rows start..stop of one synthetic pool: the library first, the placed patents after."""
    import matching_data

    pool = matching_data.read_patents(matching_data.patents_file(POOL))
    for i, record in enumerate(pool):
        if i < start:
            continue
        if i >= stop:
            break
        ipc = record["ipc"][0]
        yield [
            universities[i % len(universities)],
            f"2021{i:08d}",
            "invention",
            record["title"],
            record["abstract"],
            ipc,
            ipc[:4],
            "valid",
            "has_prospects",
            "admitted",
            NOW,
            NOW,
        ]


class Timer:
    """Wall time spent inside some functions, per call of the task."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    def wrap(self, owner: Any, name: str) -> None:
        inner: Callable[..., Any] = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.spent[name] = self.spent.get(name, 0.0) + time.perf_counter() - t

        setattr(owner, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--patents", type=int, default=2_000)
    parser.add_argument("--placements", type=int, default=10)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from accounts.models import Organisation
    from matching import library, ranking, services
    from matching.models import Match, MatchRun, RunKind
    from patents.models import IN_LIBRARY, Patent

    try:
        have = Match.objects.count()
    except Exception:  # no such table: an empty database
        connection.close()
        have = 0
    if args.fresh or have < args.enterprises * 100:
        t = time.perf_counter()
        fill(args.enterprises, args.patents)
        print(f"filled in {time.perf_counter() - t:.0f} s (not timed below)")
    else:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # a reused database may predate a migration
        if not Match.objects.filter(is_last=True).exists():  # filled before lists had is_last
            with connection.cursor() as cursor:
                cursor.execute(MARK_LAST)
    matches = Match.objects.count()
    enterprises = Organisation.objects.filter(kind="enterprise").count()
    print(f"{enterprises:,} enterprises, {matches:,} stored matches")

    timer = Timer()
    timer.wrap(library, "live_library")
    timer.wrap(ranking, "place_patent")
    timer.wrap(services, "_list_bars")
    timer.wrap(services, "_trim_lists")
    timer.wrap(services, "_replace_takers")
    universities = list(Organisation.objects.filter(kind="university").values_list("pk", flat=True))
    base = Patent.objects.count()
    rows = list(_patents(universities, base, base + args.placements + 1))
    samples: list[tuple[float, dict[str, float], int]] = []
    for k, row in enumerate(rows):
        values = dict(zip(PATENT_COLUMNS, row, strict=True))
        values["application_no"] = f"2026{base + k:08d}"
        patent = Patent.objects.create(**values)
        # the PATENT run the hook records; run here as the worker runs it (no eager enqueue)
        run = MatchRun.objects.create(kind=RunKind.PATENT, subject_id=patent.pk)
        timer.spent.clear()
        t = time.perf_counter()
        joined = services.run_incremental(run_id=run.pk)
        samples.append((time.perf_counter() - t, dict(timer.spent), joined))
    first, rest = samples[0], samples[1:]
    print(
        f"first placement (vectorises all {enterprises:,} profiles once per worker): "
        f"{first[0]:.1f} s"
    )
    walls = [s[0] for s in rest]
    print(
        f"one new patent placed on {enterprises:,} enterprises' lists, services.run_incremental "
        f"end to end ({len(rest)} patents): mean {statistics.mean(walls):.2f} s, max "
        f"{max(walls):.2f} s (target <= 2 s); joined lists per patent: "
        f"{', '.join(str(s[2]) for s in rest)}"
    )
    for name in ("live_library", "place_patent", "_list_bars", "_trim_lists", "_replace_takers"):
        spent = [s[1].get(name, 0.0) for s in rest]
        print(f"  {name}: mean {statistics.mean(spent):.3f} s, max {max(spent):.3f} s")
    other = [s[0] - sum(s[1].values()) for s in rest]
    print(
        f"  the rest (load the patent, reasons, write, push): mean {statistics.mean(other):.3f} s"
    )
    patent_ids = list(
        Patent.objects.filter(IN_LIBRARY)
        .order_by("pk")[: args.placements]
        .values_list("pk", flat=True)
    )
    _time_runs(
        timer,
        RunKind.TAKERS,
        patent_ids,
        f"one library patent's likely takers ranked again among {enterprises:,} enterprises "
        f"(TAKERS run, {len(patent_ids)} patents)",
        ("place_patent", "_replace_takers"),
    )
    _time_profile_runs(timer, args.placements)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


def _time_profile_runs(timer: Timer, count: int) -> None:
    """PROFILE runs (an enterprise changed its need) end to end, for enterprises that allow
    being listed: their list ranked and replaced, and their place among the likely takers of
    the patents on it (`_offer_as_taker`)."""
    from matching import ranking, services
    from matching.models import RunKind
    from matching.profiles import enterprise_profiles

    timer.wrap(ranking, "rank_patents_for")
    timer.wrap(services, "_offer_as_taker")
    ids = sorted(services.allowed_takers(services.enterprise_ids()[: 20 * count]))
    enterprise_profiles(ids[:1])  # warm the profile query's first-use costs
    _time_runs(
        timer,
        RunKind.PROFILE,
        ids[1 : count + 1],
        f"one changed profile re-ranked and offered as a likely taker (PROFILE run, "
        f"{len(ids[1 : count + 1])} enterprises)",
        ("rank_patents_for", "_offer_as_taker"),
    )


def _time_runs(
    timer: Timer, kind: str, subjects: list[int], title: str, parts: tuple[str, ...]
) -> None:
    """One run of `kind` per subject, executed as the worker executes it, with the time spent
    in `parts` (functions the timer wraps)."""
    from matching import services
    from matching.models import MatchRun

    runs: list[tuple[float, dict[str, float]]] = []
    for subject_id in subjects:
        run = MatchRun.objects.create(kind=kind, subject_id=subject_id)
        timer.spent.clear()
        t = time.perf_counter()
        services.run_incremental(run_id=run.pk)
        runs.append((time.perf_counter() - t, dict(timer.spent)))
    walls = [wall for wall, _ in runs]
    print(f"{title}: mean {statistics.mean(walls):.3f} s, max {max(walls):.3f} s")
    for name in parts:
        spent = [s.get(name, 0.0) for _, s in runs]
        print(f"  {name}: mean {statistics.mean(spent):.3f} s, max {max(spent):.3f} s")


if __name__ == "__main__":
    main()
