"""Library search over 1,000,000 patents on PostgreSQL: p50/p95/p99 of a keyword query with two
filters through the production code path, plus deep-page latency with the cursor.

    .venv/bin/python benchmarks/library_search.py                 # fill (if needed) and measure
    .venv/bin/python benchmarks/library_search.py --rows 200000 --refill

Fills a scratch database (default panhuo_bench_search, migrated by `manage.py migrate`) with
synthetic library patents (`patents.synthetic`), loaded with COPY. Search text is built with the
production `patents.search.build_search_text`; to make 1M rows affordable, `segment` is memoised
per clause (jieba cuts at punctuation anyway, so the words are identical — checked on a sample
before loading). The measured path is the one /api/library/ runs: `LibraryFilter` over
`library_for(user)`, then `paginate()` for the first page (20 rows), evaluated.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import random
import re
import subprocess
import sys
import time
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG = "postgres://postgres@127.0.0.1:5432"
CHUNK = 50_000
PROVINCES = ["110000", "310000", "320000", "330000", "340000", "370000", "420000", "430000",
             "440000", "510000", "610000", "120000"]  # fmt: skip
UNIVERSITIES_PER_PROVINCE = 8
KEYWORDS = ["隔膜", "锂电池", "图像识别", "神经网络", "污水处理", "机械臂", "光伏并网", "疫苗",
            "中药组合物", "传感器", "高强钢", "充电桩", "制备方法", "缺陷检测", "拉曼光谱",
            "基因编辑", "可降解塑料", "装配式建筑", "5g通信", "微电网", "锂电池 隔膜",
            "深度学习 检测", "节水灌溉", "心电监测", "铝合金热处理"]  # fmt: skip
FILTERS = [
    lambda r, orgs: {"province": r.choice(PROVINCES)},
    lambda r, orgs: {"patent_type": r.choice(["invention", "utility_model"])},
    lambda r, orgs: {"deal_form": r.choice(["transfer", "ordinary_licence", "investment"])},
    lambda r, orgs: {"open_licence": r.choice(["true", "false"])},
    lambda r, orgs: {"maturity_min": str(r.randint(4, 7))},
    lambda r, orgs: {"ipc": r.choice(["H", "G06", "H01M", "A61", "C02F"])},
    lambda r, orgs: {"institution": str(r.choice(orgs))},
    lambda r, orgs: {"legal_status": "valid"},
]


def _setup_django(db_name: str) -> None:
    os.environ["DATABASE_URL"] = f"{PG}/{db_name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


# --- filling --------------------------------------------------------------------------------

_CLAUSE = re.compile(r"([，。；、,;])")


def _install_clause_cache() -> None:
    """Memoise `segment` per clause. jieba splits its input at punctuation before cutting, so
    segmenting clause by clause gives the same words in the same order."""
    from patents import search

    production_segment = search.segment
    cached = lru_cache(maxsize=200_000)(production_segment)

    def segment(text: str) -> list[str]:
        words: list[str] = []
        for clause in _CLAUSE.split(text or ""):
            words.extend(cached(clause))
        return words

    search.segment = segment  # build_search_text looks `segment` up at call time
    search._production_segment = production_segment  # type: ignore[attr-defined]


def _escape(value: object) -> str:
    if value is None:
        return r"\N"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "")


COLUMNS = [
    "organisation_id", "application_no", "patent_type", "title", "abstract", "ipc_main",
    "ipc_subclass", "ipc_other", "patentees", "inventors", "application_date", "grant_date",
    "publication_no", "legal_status", "inventory_category", "value_grade", "maturity",
    "industry_id", "application_field", "target_products", "prospect_note", "offers_transfer",
    "offers_exclusive_licence", "offers_ordinary_licence", "offers_open_licence",
    "offers_investment", "open_licence_fee_basis", "open_licence_fee_amount",
    "open_licence_royalty_rate", "open_licence_payment_method", "open_licence_period_years",
    "is_fiscally_funded", "implementation_status", "contact_name", "contact_phone",
    "contact_email", "review_status", "review_note", "search_text", "version", "created_at",
    "updated_at",
]  # fmt: skip


def _chunk_rows(args: tuple[int, int, list[tuple[int, str]], list[str]]) -> bytes:
    """One chunk of COPY text (runs in a worker process)."""
    index, count, orgs, industries = args
    from patents.search import build_search_text
    from patents.synthetic import generate

    rng = random.Random(index)
    out = io.StringIO()
    known = set(industries)
    for record in generate(count, seed=1000 + index, serial_start=index * CHUNK):
        org_id, org_name = orgs[rng.randrange(len(orgs))]
        forms = set(record.deal_forms)
        # ~90% are in the library (admitted, valid, with prospects), the rest are not.
        roll = rng.random()
        review = "admitted" if roll < 0.93 else "draft"
        legal = "valid" if roll < 0.90 or roll >= 0.93 else "lapsed"
        patent_type = "invention" if record.application_no[4] == "1" else "utility_model"
        search_text = build_search_text(
            [record.title, record.abstract, record.application_field, "", "",
             " ".join(record.inventors), org_name, ""]
        )  # fmt: skip
        values = [
            org_id, record.application_no, patent_type, record.title, record.abstract,
            record.ipc_main, record.ipc_main[:4], "[]", json.dumps([org_name], ensure_ascii=False),
            json.dumps(record.inventors, ensure_ascii=False), record.application_date,
            record.grant_date, "", legal, "has_prospects", rng.choice("ABC"), record.maturity,
            record.industry_code if record.industry_code in known else None,
            record.application_field, "", "", "t" if "transfer" in forms else "f", "f",
            "t" if "ordinary_licence" in forms else "f", "t" if "open_licence" in forms else "f",
            "t" if "investment" in forms else "f", "lump_sum" if "open_licence" in forms else "",
            50000 if "open_licence" in forms else None, None, "",
            3 if "open_licence" in forms else None, "f", "", "技术转移中心", "", "", review, "",
            search_text, 1, "2026-11-01 00:00:00+08", "2026-11-01 00:00:00+08",
        ]  # fmt: skip
        out.write("\t".join(_escape(v) for v in values))
        out.write("\n")
    return out.getvalue().encode()


def _worker_init(db_name: str) -> None:
    _setup_django(db_name)
    _install_clause_cache()


def _check_cache_is_exact() -> None:
    from patents import search
    from patents.synthetic import generate

    production = search._production_segment  # type: ignore[attr-defined]
    for record in generate(2000, seed=99):
        for part in (record.title, record.abstract, record.application_field):
            assert search.segment(part) == production(part), part


def _ensure_database(db_name: str, refill: bool) -> None:
    import psycopg2

    admin = psycopg2.connect(f"{PG}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name])
        exists = cursor.fetchone() is not None
        if exists and refill:
            cursor.execute(f'DROP DATABASE "{db_name}" WITH (FORCE)')
            exists = False
        if not exists:
            cursor.execute(f'CREATE DATABASE "{db_name}"')
    admin.close()
    env = {**os.environ, "DATABASE_URL": f"{PG}/{db_name}", "LOG_LEVEL": "WARNING"}
    # --skip-checks: migrating needs no URL or system checks (and must not fail on them).
    command = [sys.executable, "manage.py", "migrate", "--no-input", "--skip-checks", "-v", "0"]
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def _organisations() -> list[tuple[int, str]]:
    from accounts.models import Organisation, OrgKind

    orgs = []
    for province in PROVINCES:
        for n in range(UNIVERSITIES_PER_PROVINCE):
            org, _ = Organisation.objects.get_or_create(
                name=f"基准大学{province[:2]}-{n}",
                defaults={"kind": OrgKind.UNIVERSITY, "province_id": province},
            )
            orgs.append((org.pk, org.name))
    return orgs


def fill(db_name: str, rows: int) -> None:
    from django.db import connection

    from patents.models import Patent
    from refdata.models import Industry

    existing = Patent.objects.count()
    if existing >= rows:
        print(f"database {db_name} already holds {existing:,} patents; skipping the fill")
        return
    Patent.objects.all().delete()
    orgs = _organisations()
    industries = list(Industry.objects.values_list("code", flat=True))
    _install_clause_cache()
    _check_cache_is_exact()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'patents_patent' "
            "AND indexname NOT IN ('patents_patent_pkey', 'one_record_per_patent_per_owner')"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')  # rebuilt after the load: much faster
    started = time.perf_counter()
    chunks = [(i, min(CHUNK, rows - i * CHUNK), orgs, industries) for i in range(-(-rows // CHUNK))]
    connection.close()  # never share a socket with the forked workers
    with multiprocessing.get_context("fork").Pool(2, _worker_init, (db_name,)) as pool:
        connection.ensure_connection()
        raw = connection.connection
        for done, data in enumerate(pool.imap(_chunk_rows, chunks), start=1):
            with raw.cursor() as cursor:
                cursor.copy_expert(
                    f"COPY patents_patent ({', '.join(COLUMNS)}) FROM STDIN", io.BytesIO(data)
                )
            raw.commit()
            print(
                f"  loaded {min(done * CHUNK, rows):,} rows  {time.perf_counter() - started:.0f}s"
            )
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for name, definition in indexes:
            t = time.perf_counter()
            cursor.execute(definition)
            print(f"  index {name}: {time.perf_counter() - t:.0f}s")
        cursor.execute("VACUUM ANALYZE patents_patent")
    print(f"filled {rows:,} patents in {time.perf_counter() - started:.0f}s")


# --- measuring ------------------------------------------------------------------------------


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def pick(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return (
        f"p50 {pick(50):.1f} ms  p95 {pick(95):.1f} ms  p99 {pick(99):.1f} ms  "
        f"max {ordered[-1]:.1f} ms  (n={len(ordered)})"
    )


def measure(runs: int, deep_runs: int, passes: int = 2) -> None:
    from django.contrib.auth.models import AnonymousUser  # noqa: F401
    from django.db import connection

    from accounts.models import Organisation, User
    from patents.api.views import LibraryCursorPagination
    from patents.filters import LibraryFilter, sort_key
    from patents.models import Patent
    from patents.pagination import _encode, paginate
    from patents.selectors import library_for

    user = User(username="bench", is_active=True)  # library_for only needs a signed-in user
    orgs = list(Organisation.objects.values_list("pk", flat=True))
    size = LibraryCursorPagination.page_size
    rng = random.Random(2026)
    total = Patent.objects.count()
    pg_version = getattr(connection, "pg_version", "?")
    print(f"{total:,} patents; page size {size}; PostgreSQL {pg_version}")

    def first_page(params: dict[str, str]) -> tuple[float, int]:
        t = time.perf_counter()
        filterset = LibraryFilter(params, queryset=library_for(user))
        assert filterset.is_valid(), filterset.errors
        page = paginate(filterset.qs, key=sort_key(params.get("sort")), cursor=None, size=size)
        return (time.perf_counter() - t) * 1000, len(page.items)

    for _ in range(10):  # warm the connection and jieba
        first_page({"q": rng.choice(KEYWORDS)})
    queries = []
    for _ in range(runs):
        f1, f2 = rng.sample(FILTERS, 2)
        queries.append({"q": rng.choice(KEYWORDS), **f1(rng, orgs), **f2(rng, orgs)})
    # The same queries per pass: the first finds the caches as other work left them (the 1.5 GB
    # table may have been pushed out of memory), later ones show a server that has been serving.
    for number in range(1, passes + 1):
        samples, empty = [], 0
        for params in queries:
            ms, found = first_page(params)
            samples.append(ms)
            empty += found == 0
        print(
            f"keyword + 2 filters, first page, pass {number}: {_percentiles(samples)}; "
            f"{empty} empty results"
        )

    max_id = Patent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    deep = []
    for _ in range(deep_runs):
        f1 = rng.choice(FILTERS)
        params = {"q": rng.choice(KEYWORDS), **f1(rng, orgs)}
        filterset = LibraryFilter(params, queryset=library_for(user))
        assert filterset.is_valid()
        # A cursor as the API hands it out, positioned 80-99% of the way down the list.
        cursor = _encode([int(max_id * rng.uniform(0.01, 0.2))], backwards=False)
        t = time.perf_counter()
        paginate(filterset.qs, key=sort_key(None), cursor=cursor, size=size)
        deep.append((time.perf_counter() - t) * 1000)
    print(f"keyword + 1 filter, deep page (80-99% down) via cursor: {_percentiles(deep)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="panhuo_bench_search")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--deep-runs", type=int, default=100)
    parser.add_argument("--passes", type=int, default=2, help="passes over the same queries")
    parser.add_argument("--refill", action="store_true", help="drop and refill the database")
    args = parser.parse_args()
    _ensure_database(args.db, args.refill)
    _setup_django(args.db)
    fill(args.db, args.rows)
    measure(args.runs, args.deep_runs, args.passes)


if __name__ == "__main__":
    main()
