"""Matching at scale: full re-match, incremental re-match, and PostgreSQL full-text as the peer.

    .venv/bin/python benchmarks/matching_scale.py --patents 1000000 --profiles 100000
    .venv/bin/python benchmarks/matching_scale.py --patents 200000 --profiles 5000   # quicker

It builds synthetic patents (patents/synthetic.py) and enterprise profiles (needs in Chinese,
keywords, IPC interests, liked patents), then times the production functions that the Celery
tasks call (matching.ranking: the library index, then shards of MATCHING_SHARD_SIZE profiles
ranked top 100 with reasons), one changed profile against every patent, and one new patent against
every profile. With --profiles below 100,000 the full re-match time is also extrapolated linearly
per profile (said so in the output). Storing the matches in PostgreSQL is not part of the timed
path here.

The peer: ranking each profile with PostgreSQL full-text search (ts_rank over a GIN-indexed
tsvector), what a Django developer would try first. It runs against PANHUO_BENCH_SEARCH_DB (the
1,000,000-patent database filled by benchmarks/library_search.py) when that database exists, for
a sample of profiles, and the ratio per profile is printed.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from matching import engine, ranking  # noqa: E402
from patents.synthetic import AREAS, generate  # noqa: E402

TOP = 100


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def patent_records(count: int) -> list[dict]:
    provinces = ["110000", "320000", "330000", "440000", "510000", "420000"]
    records = []
    for i, p in enumerate(generate(count, seed=11)):
        records.append(
            {
                "id": str(i + 1),
                "title": p.title,
                "abstract": p.abstract,
                "ipc": [p.ipc_main],
                "application_field": p.application_field,
                "deal_forms": p.deal_forms,
                "maturity": p.maturity,
                "province": provinces[i % len(provinces)],
                "legal_status": "valid",
            }
        )
    return records


def profiles(count: int, patents: int, seed: int = 5) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        ipc, _industry, subjects, field = AREAS[rng.randrange(len(AREAS))]
        subject = rng.choice(subjects)
        liked = [str(rng.randint(1, patents)) for _ in range(rng.randint(0, 4))]
        out.append(
            {
                "id": str(i + 1),
                "description": (
                    f"寻求{subject}相关技术，用于{field}，要求{rng.choice(subjects)}性能提升"
                ),
                "keywords": [subject, rng.choice(subjects)],
                "ipc": [ipc[:4]],
                "industry_codes": [],
                "province": rng.choice(["330000", "440000", "110000"]),
                "liked_patents": liked,
                "disliked_patents": [],
                "excluded_patents": [],
                "preferred_deal_forms": ["transfer"],
            }
        )
    return out


def full_rematch(library: ranking.LibraryIndex, people: list[dict], shard: int) -> float:
    started = time.perf_counter()
    for start in range(0, len(people), shard):
        ranking.rank_patents_for(library, people[start : start + shard], top=TOP)
    return time.perf_counter() - started


def postgres_peer(people: list[dict], sample: int) -> float | None:
    """Mean seconds per profile ranking the 1M library with ts_rank, or None if no database."""
    import psycopg2

    from patents.search import segment

    dsn = os.environ.get(
        "PANHUO_BENCH_SEARCH_DB", "postgresql://postgres@127.0.0.1:5432/panhuo_bench_search"
    )
    try:
        conn = psycopg2.connect(dsn)
    except psycopg2.OperationalError:
        return None
    with conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM patents_patent")
        print(f"peer database: {cursor.fetchone()[0]:,} patents")
        timings = []
        for person in people[:sample]:
            words = sorted(
                {
                    w
                    for w in segment(person["description"] + " " + " ".join(person["keywords"]))
                    if len(w) > 1
                }
            )
            query = " | ".join(words) or "x"
            started = time.perf_counter()
            cursor.execute(
                "SELECT id FROM patents_patent, to_tsquery('simple', %s) q "
                "WHERE search_vector @@ q ORDER BY ts_rank(search_vector, q) DESC LIMIT %s",
                [query, TOP],
            )
            cursor.fetchall()
            timings.append(time.perf_counter() - started)
    conn.close()
    return sum(timings) / len(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patents", type=int, default=1_000_000)
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--target-profiles", type=int, default=100_000)
    parser.add_argument("--shard", type=int, default=500)
    parser.add_argument("--peer-sample", type=int, default=30)
    args = parser.parse_args()

    t = time.perf_counter()
    records = patent_records(args.patents)
    people = profiles(args.profiles, args.patents)
    print(
        f"generated {len(records):,} patents and {len(people):,} profiles "
        f"in {time.perf_counter() - t:.1f} s"
    )

    t = time.perf_counter()
    library = ranking.LibraryIndex(
        "bench", engine.PatentIndex.build(records, ipc_titles_path=ranking.IPC_TITLES)
    )
    index_s = time.perf_counter() - t
    print(f"library index: {index_s:.1f} s, peak memory {peak_mb():,.0f} MB")

    rank_s = full_rematch(library, people, args.shard)
    per_profile = rank_s / len(people)
    print(
        f"full re-match of {len(people):,} profiles (shards of {args.shard}, top {TOP} with "
        f"reasons): {rank_s:.1f} s = {per_profile * 1000:.2f} ms per profile; "
        f"peak memory {peak_mb():,.0f} MB"
    )
    if len(people) < args.target_profiles:
        estimate = index_s + per_profile * args.target_profiles
        print(
            f"EXTRAPOLATED to {args.target_profiles:,} profiles: {estimate / 60:.1f} min "
            f"(index + per-profile time x profiles; not measured)"
        )
    else:
        print(f"full re-match total: {(index_s + rank_s) / 60:.1f} min (target <= 10 min)")

    changed = dict(people[0], description=people[0]["description"] + " 固态电解质")
    t = time.perf_counter()
    ranking.rank_patents_for(library, [changed], top=TOP)
    print(
        f"incremental: one changed profile vs {len(records):,} patents: "
        f"{time.perf_counter() - t:.2f} s (target <= 2 s)"
    )

    matrix = engine.ProfileMatrix.build(people, library.index)
    new_patent = dict(records[0], id="new-1", title="一种固态电解质锂电池隔膜的制备方法")
    t = time.perf_counter()
    engine.score_patent(new_patent, matrix, library.index, top=TOP)
    print(
        f"incremental: one new patent vs {len(people):,} profiles: "
        f"{time.perf_counter() - t:.2f} s (target <= 2 s; profile matrix prebuilt)"
    )

    peer = postgres_peer(people, args.peer_sample)
    if peer is None:
        print("peer: no PANHUO_BENCH_SEARCH_DB database; run benchmarks/library_search.py first")
    else:
        if args.patents != 1_000_000:
            print(
                f"NOTE: the peer ranks a 1,000,000-patent pool; ours ranked {args.patents:,}, "
                "so the ratio below is not like for like"
            )
        print(
            f"peer (PostgreSQL ts_rank, {args.peer_sample} profiles): {peer * 1000:.1f} ms per "
            f"profile -> {peer * args.target_profiles / 60:.1f} min for "
            f"{args.target_profiles:,} profiles; ours per profile {per_profile * 1000:.2f} ms; "
            f"ratio peer/ours = {peer / per_profile:.1f}x"
        )
    print(f"peak memory: {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
