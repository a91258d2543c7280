"""Matching quality on the real benchmark (shared/bench/matching), next to the baseline.

    python benchmarks/matching_quality.py                 # match_files on dev/loo and dev/split
    python benchmarks/matching_quality.py --ablation      # what each part of the engine adds
    python benchmarks/matching_quality.py --speed 100000 10000   # synthetic scale run
    python benchmarks/matching_quality.py --takers        # likely takers: lists vs p2e ranking,
                                                          # and what the taker push announces

The default run calls `matching.engine.match_files` exactly as `manage.py match_files` does,
writes into a temporary directory, scores with the benchmark's own evaluate.py and prints its
table beside BASELINES.md. The ablation scores in memory (same engine, same metrics code) so a
dozen variants take a minute. The speed run generates patents whose text follows the
benchmark titles' character bigram statistics (abstracts included), so the sparse products see
a realistic Zipfian feature distribution; it measures, it does not judge quality.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching.engine import (  # noqa: E402
    PatentIndex,
    ProfileMatrix,
    ScoringConfig,
    SearchConfig,
    match_files,
    rank_patents_for,
    score_patent,
    score_profile,
)
from matching.engine.features import FeatureConfig  # noqa: E402
from matching.engine.files import read_jsonl  # noqa: E402
from matching.engine.rank import rank_candidates_or_exact  # noqa: E402

SHARED = Path("/work/shared")
BENCH = SHARED / "bench" / "matching"
IPC_TITLES = SHARED / "refdata" / "ipc" / "ipc_subclasses.csv"

BASELINE = {
    ("loo", "all"): [0.336, 0.425, 0.509, 0.637, 0.693, 0.411, 0.389],
    ("loo", "hard"): [0.049, 0.140, 0.208, 0.379, 0.473, 0.120, 0.103],
    ("split", "all"): [0.287, 0.476, 0.557, 0.684, 0.691, 0.494, 0.561],
    ("split", "hard"): [0.048, 0.231, 0.344, 0.524, 0.535, 0.209, 0.192],
    ("p2e", ""): [0.612, 0.784, 0.856, 0.697],
}
E2P_COLS = ["R@1", "R@5", "R@10", "R@50", "R@100", "nDCG@10", "MRR"]
P2E_COLS = ["Hit@1", "Hit@5", "Hit@10", "MRR"]


def _evaluate_module(bench: Path) -> Any:
    spec = importlib.util.spec_from_file_location("bench_evaluate", bench / "evaluate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- default: files + evaluate.py -----------------------------------------------------------


def run_files(bench: Path, ipc_titles: Path | None) -> None:
    dev = bench / "dev"
    rows: list[tuple[str, str, dict[str, float]]] = []
    p2e: dict[str, float] = {}
    timings: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for task in ("loo", "split"):
            out = Path(tmp) / task
            timings[task] = match_files(
                dev / "patents.jsonl",
                dev / task / "enterprises.jsonl",
                100,
                out,
                ipc_titles_path=ipc_titles,
            )
            cmd = [
                sys.executable,
                str(bench / "evaluate.py"),
                "--labels",
                str(dev / task / "labels.jsonl"),
                "--ranking",
                str(out / "enterprise_to_patents.jsonl"),
                "--json",
            ]
            if task == "split":
                cmd += ["--p2e", str(out / "patent_to_enterprises.jsonl")]
            summary = json.loads(
                subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            )
            for subset in ("all", "hard"):
                rows.append((task, subset, summary[subset]))
            if "p2e" in summary:
                p2e = summary["p2e"]
    print("Enterprise -> patents (engine | baseline)\n")
    print("| task | subset | n | " + " | ".join(E2P_COLS) + " |")
    print("|---|---|---|" + "---|" * len(E2P_COLS))
    for task, subset, s in rows:
        base = BASELINE[(task, subset)]
        cells = [f"{s[c]:.3f} ({b:.3f})" for c, b in zip(E2P_COLS, base, strict=True)]
        print(f"| {task} | {subset} | {s['n']} | " + " | ".join(cells) + " |")
    print("\nPatent -> enterprise, split (engine | baseline)\n")
    print("| n | " + " | ".join(P2E_COLS) + " |")
    print("|---|" + "---|" * len(P2E_COLS))
    cells = [
        f"{p2e[c]:.3f} ({b:.3f})" for c, b in zip(P2E_COLS, BASELINE[("p2e", "")], strict=True)
    ]
    print(f"| {p2e['n']} | " + " | ".join(cells) + " |")
    print("\nmatch_files timings (s):")
    for task, t in timings.items():
        parts = ", ".join(
            f"{k.removeprefix('seconds_')} {v:.1f}" for k, v in t.items() if k.startswith("seconds")
        )
        print(f"  {task}: {int(t['patents'])} patents x {int(t['enterprises'])} profiles: {parts}")


# --- ablation: in memory ------------------------------------------------------------------


def _scores(
    ev: Any, index: PatentIndex, sc: ScoringConfig, dev: Path, search: SearchConfig | None
) -> dict[str, float]:
    out: dict[str, float] = {}
    for task in ("loo", "split"):
        records = list(read_jsonl(dev / task / "enterprises.jsonl"))
        labels = list(read_jsonl(dev / task / "labels.jsonl"))
        pm = ProfileMatrix.build(records, index, scoring=sc)
        e2p, p2e = rank_candidates_or_exact(
            pm, index, top=100, top_p2e=100 if task == "split" else 0, search=search
        )
        lists = {pm.ids[i]: [index.ids[r] for r, _ in e2p.row(i)] for i in range(len(pm))}
        queries = [
            (len(q["relevant"]), ev.ranks_of(q["relevant"], lists[q["enterprise"]]), q["hard"])
            for q in labels
        ]
        for subset, qs in (("all", queries), ("hard", [q for q in queries if q[2]])):
            s = ev.e2p_scores([(n, r) for n, r, _ in qs])
            out[f"{task} {subset} R@10"] = s["R@10"]
            out[f"{task} {subset} nDCG@10"] = s["nDCG@10"]
        if p2e is not None:
            truth: dict[str, set[str]] = defaultdict(set)
            for q in labels:
                for pid in q["relevant"]:
                    truth[pid].add(q["enterprise"])
            plists = {index.ids[r]: [pm.ids[i] for i, _ in p2e.row(r)] for r in range(index.size)}
            s = ev.p2e_scores(dict(truth), plists)
            out["p2e Hit@5"] = s["Hit@5"]
            out["p2e MRR"] = s["MRR"]
    return out


def run_ablation(bench: Path, ipc_titles: Path | None) -> None:
    ev = _evaluate_module(bench)
    dev = bench / "dev"
    patents = list(read_jsonl(dev / "patents.jsonl"))
    base = ScoringConfig()
    R = dataclasses.replace
    index = PatentIndex.build(patents, ipc_titles_path=ipc_titles)
    variants: list[tuple[str, PatentIndex, ScoringConfig, SearchConfig | None]] = [
        ("engine (defaults)", index, base, None),
        ("- hub correction", index, R(base, w_hub=0.0), None),
        ("- IPC share", index, R(base, w_ipc=0.0, p2e_w_ipc_any=0.0), None),
        ("- liked centroid", index, R(base, w_centroid=0.0), None),
        ("- max over liked (centroid only)", index, R(base, max_prototypes=1), None),
        ("prototypes capped at 4", index, R(base, max_prototypes=4), None),
        ("p2e: - coverage", index, R(base, p2e_w_cover=0.0, p2e_w_max=1.0), None),
        (
            "candidate search (forced, df<=2%)",
            index,
            base,
            SearchConfig(exact_limit=0, retrieval_df=0.02, retrieval_min_df=1),
        ),
    ]
    no_dict = PatentIndex.build(patents, ipc_titles_path=None)
    variants.append(("- IPC domain dictionary for jieba", no_dict, base, None))
    no_words = PatentIndex.build(
        patents, ipc_titles_path=ipc_titles, feature_config=FeatureConfig(use_words=False)
    )
    variants.append(("- jieba words (char n-grams only)", no_words, base, None))
    keys = [
        "loo all R@10",
        "loo hard R@10",
        "loo hard nDCG@10",
        "split hard R@10",
        "split hard nDCG@10",
        "p2e Hit@5",
        "p2e MRR",
    ]
    print("| variant | " + " | ".join(keys) + " |")
    print("|---|" + "---|" * len(keys))
    for name, idx, sc, search in variants:
        s = _scores(ev, idx, sc, dev, search)
        print(f"| {name} | " + " | ".join(f"{s[k]:.3f}" for k in keys) + " |", flush=True)


# --- likely takers: what a university's page shows ----------------------------------------


def run_takers(bench: Path, ipc_titles: Path | None) -> None:
    """Patent -> enterprise quality of two ways to list a patent's likely takers on `split`:
    the enterprises whose own top-100 lists hold the patent, by their list score (how the page
    worked before it had its own ranking), and the engine's p2e ranking over every enterprise
    (what `Taker` rows store now, and what match_files writes)."""
    ev = _evaluate_module(bench)
    dev = bench / "dev"
    index = PatentIndex.build(list(read_jsonl(dev / "patents.jsonl")), ipc_titles_path=ipc_titles)
    pm = ProfileMatrix.build(list(read_jsonl(dev / "split" / "enterprises.jsonl")), index)
    e2p, p2e = rank_candidates_or_exact(pm, index, top=100, top_p2e=len(pm))
    assert p2e is not None
    truth: dict[str, set[str]] = defaultdict(set)
    for q in read_jsonl(dev / "split" / "labels.jsonl"):
        for pid in q["relevant"]:
            truth[pid].add(q["enterprise"])
    holders: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for i in range(len(pm)):
        for r, score in e2p.row(i):
            holders[index.ids[r]].append((score, pm.ids[i]))
    from_lists = {pid: [e for _, e in sorted(held, reverse=True)] for pid, held in holders.items()}
    ranked = {index.ids[r]: [pm.ids[i] for i, _ in p2e.row(r)] for r in range(index.size)}
    held = sum(1 for pid, companies in truth.items() if companies & set(from_lists.get(pid, [])))
    print(f"{len(truth)} hidden patents; the company's own top-100 list holds {held} of them\n")
    print("| likely takers | " + " | ".join(P2E_COLS) + " |")
    print("|---|" + "---|" * len(P2E_COLS))
    for name, lists in (
        ("holders of the patent, by list score", from_lists),
        ("p2e ranking", ranked),
    ):
        s = ev.p2e_scores(dict(truth), lists)
        print(f"| {name} | " + " | ".join(f"{s[c]:.3f}" for c in P2E_COLS) + " |")
    own = {pm.ids[i]: {index.ids[r] for r, _ in e2p.row(i)} for i in range(len(pm))}
    _print_pushes(truth, own, {index.ids[r]: p2e.row(r) for r in range(index.size)}, pm.ids)


#: what matching.services announces to a patent's university after a profile change
PUSH_RANK = 10


def _print_pushes(
    truth: dict[str, set[str]],
    own: dict[str, set[str]],
    p2e: dict[str, list[tuple[int, float]]],
    profile_ids: list[str],
) -> None:
    """What the taker push's threshold means here: an enterprise is announced to a patent's
    university when the patent is on its own top 100, it is among the patent's PUSH_RANK best
    and its p2e score reaches the threshold."""
    real = {(company, pid) for pid, companies in truth.items() for company in companies}
    reachable = sum(1 for company, pid in real if pid in own[company])
    print(
        f"\n{len(real)} real (company, hidden patent) pairs, {reachable} on the company's own list"
    )
    print("| p2e threshold | real pairs announced | pushes per enterprise |")
    print("|---|---|---|")
    for threshold in (0.0, 0.3, 0.4, 0.5, 0.6, 0.8):
        pushed = {
            (profile_ids[i], pid)
            for pid, ranked in p2e.items()
            for i, score in ranked[:PUSH_RANK]
            if score >= threshold and pid in own[profile_ids[i]]
        }
        print(
            f"| {threshold} | {len(pushed & real)} / {len(real)} | {len(pushed) / len(own):.1f} |"
        )


# --- speed: synthetic scale -----------------------------------------------------------------


def run_speed(bench: Path, n_patents: int, n_profiles: int, ipc_titles: Path | None) -> None:
    import numpy as np
    from matching_data import Markov  # benchmarks/: this script's own folder is on sys.path

    rng = np.random.default_rng(0)
    model = Markov.fit(bench)
    ipcs = model.subclasses
    titles = model.texts(n_patents, 16, rng)
    abstracts = model.texts(n_patents, 200, rng)
    provinces = ["110000", "310000", "330000", "440000", ""]
    patents = [
        {
            "id": f"s{i:07d}",
            "title": titles[i],
            "abstract": abstracts[i],
            "ipc": [
                f"{ipcs[rng.integers(len(ipcs))]} {rng.integers(1, 50)}/{rng.integers(1, 99):02d}"
            ],
            "deal_forms": ["transfer"],
            "province": provinces[rng.integers(len(provinces))],
        }
        for i in range(n_patents)
    ]
    needs = model.texts(n_profiles, 60, rng)
    profiles = [
        {
            "id": f"e{i:06d}",
            "description": needs[i] if rng.random() < 0.5 else "",
            "keywords": [],
            "ipc": [],
            "industry_codes": [],
            "province": provinces[rng.integers(len(provinces))],
            "liked_patents": [
                f"s{j:07d}"
                for j in rng.choice(
                    n_patents, size=min(int(rng.geometric(0.25)), 40), replace=False
                )
            ]
            if rng.random() < 0.8
            else [],
        }
        for i in range(n_profiles)
    ]

    def peak() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6

    t = time.perf_counter()
    index = PatentIndex.build(patents, ipc_titles_path=ipc_titles)
    print(f"index build {n_patents} patents: {time.perf_counter() - t:.1f}s, nnz {index.x.nnz}")
    t = time.perf_counter()
    pm = ProfileMatrix.build(profiles, index)
    print(f"profile matrix {n_profiles} profiles: {time.perf_counter() - t:.1f}s")
    search = SearchConfig(exact_limit=0)
    for workers in (1, 2):
        t = time.perf_counter()
        rank_patents_for(pm, index, top=100, search=search, workers=workers)
        dt = time.perf_counter() - t
        per = dt / n_profiles * 1000
        print(f"rank top-100, {workers} worker(s): {dt:.1f}s ({per:.2f} ms/profile)")
    t = time.perf_counter()
    score_profile(profiles[3], index, search=search)
    print(f"one profile vs {n_patents} patents: {time.perf_counter() - t:.3f}s")
    new = dict(patents[7], id="new-patent")
    t = time.perf_counter()
    score_patent(new, pm, index)
    print(f"one new patent vs {n_profiles} profiles: {time.perf_counter() - t:.3f}s")
    print(f"peak RSS {peak():.2f} GB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", type=Path, default=BENCH)
    ap.add_argument("--ipc-titles", type=Path, default=IPC_TITLES)
    ap.add_argument("--ablation", action="store_true")
    ap.add_argument("--takers", action="store_true")
    ap.add_argument("--speed", nargs=2, type=int, metavar=("PATENTS", "PROFILES"))
    args = ap.parse_args()
    ipc = args.ipc_titles if args.ipc_titles.exists() else None
    if args.speed:
        run_speed(args.bench, args.speed[0], args.speed[1], ipc)
    elif args.takers:
        run_takers(args.bench, ipc)
    elif args.ablation:
        run_ablation(args.bench, ipc)
    else:
        run_files(args.bench, ipc)


if __name__ == "__main__":
    main()
