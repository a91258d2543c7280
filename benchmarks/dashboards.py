"""Dashboard speed at national scale: fill a scratch database, refresh, time the pages.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/panhuo_bench_dash \\
        .venv/bin/python benchmarks/dashboards.py [--patents 1000000] [--enterprises 100000] \\
        [--intents 200000] [--requests 120] [--fresh]

If the database named in DATABASE_URL already holds the requested number of patents it is reused
(migrated, then only what is missing is added); with --fresh, or when it is smaller, it is DROPPED
and recreated (the name must contain "bench"), migrated with call_command, and filled with COPY
(psycopg2 copy_expert), not the ORM. The intents are then given kinds, answers, ratings and
deals (about 1 in 10 intents becomes a deal, a third of them across provinces) so that every
section of the dashboard has national-scale data. Then:
1. a full `refresh_statistics()` (target ≤ 60 s);
2. the province page (a bureau admin) and the national page, through Django's test Client on the
   real view, p50/p95 over --requests requests each (target p95 ≤ 100 ms): the sections are
   rendered once per refresh and language and then served from the cache;
3. the same pages with the cache emptied before every request (rendered from the statistics);
4. the same view with the figures computed live (GROUP BY per request) for the ratio.
Not a test: run it by hand and report the figures.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def recreate_database(url: str) -> None:
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the benchmark database name must say bench")
    admin = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def copy_rows(table: str, columns: list[str], rows: Iterator[list[object]]) -> int:
    """COPY rows into `table`, filling every other NOT NULL column without default."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s"
            " AND is_nullable = 'NO' AND column_default IS NULL AND column_name <> 'id'",
            [table],
        )
        filler = {name: _default(kind) for name, kind in cursor.fetchall() if name not in columns}
    all_columns = columns + list(filler)
    extra = "\t".join(filler.values())
    count = 0
    buffer = io.StringIO()
    raw = connection.connection  # type: ignore[attr-defined]
    with raw.cursor() as cursor:
        for row in rows:
            line = "\t".join(_cell(v) for v in row)
            buffer.write(f"{line}\t{extra}\n" if extra else f"{line}\n")
            count += 1
            if count % 200_000 == 0:
                _flush(cursor, table, all_columns, buffer)
                buffer = io.StringIO()
        _flush(cursor, table, all_columns, buffer)
    raw.commit()
    return count


def _flush(cursor: object, table: str, columns: list[str], buffer: io.StringIO) -> None:
    buffer.seek(0)
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    cursor.copy_expert(sql, buffer)  # type: ignore[attr-defined]


def _default(kind: str) -> str:
    if kind in ("jsonb", "json"):
        return "[]"
    if kind == "boolean":
        return "f"
    if kind in ("integer", "smallint", "bigint", "numeric"):
        return "1"
    if kind.startswith("timestamp") or kind == "date":
        return "2026-01-01"
    return ""


def _cell(value: object) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def fill(n_patents: int, n_enterprises: int, n_intents: int) -> dict[str, int]:
    from django.db import connection

    from refdata.models import Region

    rng = random.Random(7)
    provinces = list(Region.objects.filter(level=1).values_list("code", flat=True))
    cities: dict[str, list[str]] = {}
    for code, parent in Region.objects.filter(level=2).values_list("code", "parent_id"):
        cities.setdefault(parent, []).append(code)
    n_institutions = 3000
    now = "2026-11-01 00:00:00+08"

    def organisations() -> Iterator[list[object]]:
        for i in range(n_institutions):
            province = provinces[i % len(provinces)]
            city = rng.choice(cities.get(province) or [None])
            yield ["university", f"大学{i}", province, city, True, now]
        for i in range(n_enterprises):
            province = rng.choice(provinces)
            city = rng.choice(cities.get(province) or [None])
            yield ["enterprise", f"企业{i}", province, city, True, now]

    columns = ["kind", "name", "province_id", "city_id", "is_active", "created_at"]
    copy_rows("accounts_organisation", columns, organisations())
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM accounts_organisation WHERE kind = 'university' ORDER BY id")
        institutions = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT code, section FROM refdata_industry WHERE level = 4")
        industries = cursor.fetchall()
    categories = ["has_prospects"] * 5 + ["no_clear_prospects", "converted", "to_abandon", ""]
    reviews = ["admitted"] * 6 + ["draft", "college_review", "university_review", "returned"]
    legal = ["valid"] * 8 + ["lapsed", "expired"]
    sections = "ABCDEFGH"

    def patents() -> Iterator[list[object]]:
        for i in range(n_patents):
            month = 1 + i % 22
            year, mon = 2025 + (month - 1) // 12, 1 + (month - 1) % 12
            industry = rng.choice(industries)[0] if i % 4 else None
            subclass = rng.choice(sections) + "01" + rng.choice("BCDFHKLMN")
            yield [
                institutions[i % len(institutions)],
                f"2021{i:08d}",
                "invention",
                f"一种基准测试专利{i}",
                subclass,
                subclass,
                rng.choice(legal),
                rng.choice(categories),
                rng.choice(reviews),
                industry,
                f"{year}-{mon:02d}-15 10:00:00+08",
                now,
            ]

    columns = [
        "organisation_id",
        "application_no",
        "patent_type",
        "title",
        "ipc_main",
        "ipc_subclass",
        "legal_status",
        "inventory_category",
        "review_status",
        "industry_id",
        "created_at",
        "updated_at",
    ]
    counts = {"patents": copy_rows("patents_patent", columns, patents())}
    counts["enterprises"] = n_enterprises
    counts["spot_check_items"] = _spot_checks(institutions, rng)
    counts["intents"] = _intents(n_intents, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts


def _spot_checks(institutions: list[int], rng: random.Random) -> int:
    """One spot check per institution, on ten of its patents."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO patents_spotcheck (bureau_id, institution_id, sample_percent, created_at)"
            " SELECT id, id, 5, now() FROM accounts_organisation WHERE kind = 'university'"
        )
        cursor.execute(
            "INSERT INTO patents_spotcheckitem (spot_check_id, patent_id, result, reason)"
            " SELECT s.id, p.id, (ARRAY['passed','passed','passed','failed','pending'])"
            "[1 + p.id % 5], '' FROM patents_spotcheck s JOIN LATERAL (SELECT id FROM"
            " patents_patent WHERE organisation_id = s.institution_id LIMIT 10) p ON true"
        )
        return cursor.rowcount


def _activity() -> dict[str, int]:
    """Kinds, answers, ratings and deals for the intents (idempotent: only if no deal exists)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM enterprises_deal")
        if cursor.fetchone()[0]:
            return {}
        # Kinds and answers: 60 % accepted, 15 % declined (answer after 1–20 days), the rest
        # still waiting, half of them past their due date.
        cursor.execute(
            "UPDATE enterprises_cooperationintent SET"
            ' kinds = (ARRAY[\'["licence"]\', \'["transfer"]\', \'["licence", "transfer"]\','
            " '[\"investment\"]', '[\"joint_research\"]'])[1 + id % 5]::jsonb,"
            " declared_at = timestamp '2025-01-10 10:00+08' + (id % 680) * interval '1 day',"
            " answer_due = (timestamp '2025-01-10' + (id % 680 + 14) * interval '1 day')::date,"
            " status = CASE WHEN id % 20 < 12 THEN 'accepted' WHEN id % 20 < 15 THEN 'declined'"
            " ELSE 'declared' END"
        )
        cursor.execute(
            "UPDATE enterprises_cooperationintent SET"
            " accepted_at = CASE WHEN status = 'accepted' THEN declared_at"
            " + (1 + id % 20) * interval '1 day' END,"
            " declined_at = CASE WHEN status = 'declined' THEN declared_at"
            " + (1 + id % 20) * interval '1 day' END"
        )
        cursor.execute(
            "INSERT INTO enterprises_deal (kind, licence_type, patent_id, university_id,"
            " enterprise_id, intent_id, contract_date, amount, registration_no, created_at)"
            " SELECT k.kind, k.licence_type, i.patent_id, p.organisation_id, i.enterprise_id,"
            " i.id, (i.declared_at + interval '30 days')::date,"
            " CASE WHEN k.licence_type = 'open' THEN NULL ELSE 10000 * (1 + i.id % 97) END,"
            " '', now() FROM enterprises_cooperationintent i"
            " JOIN patents_patent p ON p.id = i.patent_id"
            " JOIN LATERAL (SELECT (ARRAY['transfer','licence','licence','investment'])"
            "[1 + i.id / 10 % 4] AS kind, (ARRAY['','ordinary','open',''])[1 + i.id / 10 % 4]"
            " AS licence_type) k ON true WHERE i.status = 'accepted' AND i.id % 6 = 0"
        )
        deals = cursor.rowcount
        cursor.execute(
            "INSERT INTO enterprises_prospectrating (patent_id, enterprise_id, score, reasons,"
            " comment, created_at, updated_at) SELECT patent_id, enterprise_id, 1 + id % 5,"
            " (ARRAY['[]', '[\"too_early\"]', '[\"price_or_terms\", \"route_unclear\"]'])"
            "[1 + id % 3]::jsonb, '', now(), now() FROM enterprises_cooperationintent"
            " WHERE id % 2 = 0 ON CONFLICT DO NOTHING"
        )
        ratings = cursor.rowcount
        cursor.execute(
            "UPDATE patents_patent SET implementation_status = (ARRAY['self_implemented',"
            " 'licensed', 'industrialized', 'not_implemented'])[1 + id % 4] WHERE id % 9 = 0"
        )
        cursor.execute(
            "INSERT INTO enterprises_enterpriseprofile (organisation_id, size, tags, description,"
            " contact_name, contact_phone, contact_email, show_as_likely_taker,"
            " verification_status, verification_reason, created_at) SELECT id, 'small', '[]', '',"
            " '', '', '', false, (ARRAY['verified','verified','pending'])[1 + id % 3], '', now()"
            " FROM accounts_organisation WHERE kind = 'enterprise'"
        )
        profiles = cursor.rowcount
        cursor.execute("ANALYZE")
    return {"deals": deals, "ratings": ratings, "profiles": profiles}


def _existing_patents() -> int:
    from django.db import connection

    if "patents_patent" not in connection.introspection.table_names():
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM patents_patent")
        return int(cursor.fetchone()[0])


def _intents(n_intents: int, rng: random.Random) -> int:
    """Intents only if the enterprises app's table exists yet (it is being built)."""
    from django.db import connection

    if "enterprises_cooperationintent" not in connection.introspection.table_names():
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM patents_patent")
        low, high = cursor.fetchone()
        cursor.execute("SELECT id FROM accounts_organisation WHERE kind = 'enterprise' LIMIT 5000")
        enterprises = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, username, first_name,"
            " last_name, is_staff, is_active, date_joined, role, phone) VALUES"
            " ('!', false, 'bench-declarer', '', '', false, true, now(), 'staff', '')"
            " RETURNING id"
        )
        user = cursor.fetchone()[0]

    def rows() -> Iterator[list[object]]:
        # Distinct (patent, enterprise) pairs: one active intent per pair is a constraint.
        span = high - low + 1
        for i in range(n_intents):
            yield [
                low + (i * 7919) % span,
                enterprises[(i * 7919 // span + i) % len(enterprises)],
                user,
                '["licence"]',
                "意向",
                "declared",
                "2026-10-01 10:00:00+08",
                "2026-10-15",
            ]

    columns = [
        "patent_id",
        "enterprise_id",
        "declared_by_id",
        "kinds",
        "message",
        "status",
        "declared_at",
        "answer_due",
    ]
    return copy_rows("enterprises_cooperationintent", columns, rows())


def timed(fn: Callable[[], object], n: int) -> list[float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(
        f"{label:<38} n={len(samples):<4} p50={statistics.median(ordered):8.1f} ms"
        f"  p95={p95:8.1f} ms  max={ordered[-1]:8.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patents", type=int, default=1_000_000)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--intents", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=120)
    parser.add_argument("--live-requests", type=int, default=5)
    parser.add_argument("--cold-requests", type=int, default=20)
    parser.add_argument("--fresh", action="store_true", help="drop and refill the database")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/panhuo_bench_dash")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    try:
        reuse = not args.fresh and _existing_patents() >= args.patents
    except Exception:  # no such database yet
        reuse = False
    connection.close()
    if not reuse:
        recreate_database(url)
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - start:.1f} s")
    if reuse:
        print(f"reusing the data already in {connection.settings_dict['NAME']}")
    else:
        start = time.perf_counter()
        counts = fill(args.patents, args.enterprises, args.intents)
        print(f"fill (COPY): {time.perf_counter() - start:.1f} s  {counts}")
    start = time.perf_counter()
    added = _activity()
    print(f"activity (kinds, answers, deals, ratings): {time.perf_counter() - start:.1f} s {added}")
    _print_sizes()

    from accounts.models import Organisation, OrgKind, Role, User
    from dashboards import selectors, services
    from dashboards.models import StatValue

    start = time.perf_counter()
    run = services.refresh_statistics()
    print(
        f"full refresh: {time.perf_counter() - start:.1f} s "
        f"({run.rows} rows; {StatValue.objects.count()} in table)"
    )

    from dashboards import fragments

    start = time.perf_counter()
    warmed = fragments.warm(run)
    print(f"pre-render after refresh (task): {time.perf_counter() - start:.1f} s ({warmed} pages)")
    bureau_org, _ = Organisation.objects.get_or_create(
        kind=OrgKind.IP_BUREAU, province_id="330000", defaults={"name": "浙江省知识产权局"}
    )
    national_org, _ = Organisation.objects.get_or_create(
        kind=OrgKind.NATIONAL_ADMIN, defaults={"name": "国家知识产权局", "province_id": "110000"}
    )
    bureau, _ = User.objects.get_or_create(
        username="bench-bureau", defaults={"organisation": bureau_org, "role": Role.ADMIN}
    )
    national, _ = User.objects.get_or_create(
        username="bench-nation", defaults={"organisation": national_org}
    )
    pages = [
        ("province page (bureau, 330000)", bureau, "/dashboards/330000/"),
        ("national page (all provinces)", national, "/dashboards/all/"),
    ]
    for label, user, url in pages:
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 200
        report(f"{label}, precomputed", timed(lambda c=client, u=url: c.get(u), args.requests))
    from django.core.cache import cache

    for label, user, url in pages:
        client = Client()
        client.force_login(user)
        key = fragments.fragment_key(url.split("/")[2], run)

        def cold(c: Client = client, u: str = url, k: str = key) -> None:
            # Only our own key: the cache may be a Redis shared with other services.
            cache.delete(k)  # every request renders the sections from the statistics table
            c.get(u)

        report(f"{label}, not cached", timed(cold, args.cold_requests))
    original = selectors.page_values, fragments.sections_fragment

    def live(scope: str, limit: int) -> tuple[dict, dict]:  # type: ignore[type-arg]
        return selectors.live_values(scope), {}

    # Same view, GROUP BY per request, nothing cached.
    selectors.page_values = live  # type: ignore[assignment]
    fragments.sections_fragment = lambda scope, run: fragments.render_sections(scope)  # type: ignore[assignment]
    try:
        for label, user, url in pages:
            client = Client()
            client.force_login(user)
            report(f"{label}, live", timed(lambda c=client, u=url: c.get(u), args.live_requests))
    finally:
        selectors.page_values, fragments.sections_fragment = original  # type: ignore[assignment]


def _print_sizes() -> None:
    from django.db import connection

    tables = [
        "patents_patent",
        "accounts_organisation",
        "enterprises_cooperationintent",
        "enterprises_deal",
        "enterprises_prospectrating",
    ]
    with connection.cursor() as cursor:
        sizes = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")
            sizes[table] = cursor.fetchone()[0]
    print(f"rows: {sizes}")


if __name__ == "__main__":
    main()
