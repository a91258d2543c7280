"""The engine's few knobs, with the values tuned on the benchmark's dev split.

Every weight is in units of cosine similarity (0..1), so they read as "worth this much text
similarity". The README's ablation table shows what each one does to the figures.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScoringConfig:
    """Weights of the enterprise -> patent score and the patent -> enterprise score.

    enterprise -> patents (ranks patents for one profile):
        max cosine to a liked patent (prototype)       strongest evidence: "like what you have"
      + w_centroid * cosine to the liked centroid      the portfolio's general direction
      + w_need     * cosine to need text + keywords    what the enterprise says it wants
      + w_ipc      * IPC interest share                same technical field
      - w_hub      * hub(patent)                       generic titles look similar to everything
      + w_province, w_deal                             same province, a deal form it prefers
      - w_disliked * max cosine to a disliked patent   "not our field" pushes look-alikes down

    patent -> enterprises (ranks profiles for one patent) needs scores comparable *across*
    profiles, so it leans on coverage (share of the patent's term information found in the
    profile's vocabulary) rather than on per-profile calibrated parts; see README.
    """

    w_centroid: float = 0.5
    w_need: float = 1.0
    w_ipc: float = 0.3
    w_hub: float = 1.0
    w_province: float = 0.03
    w_deal: float = 0.03
    w_disliked: float = 0.5
    # patent -> enterprise
    p2e_w_cover: float = 1.0
    p2e_w_max: float = 0.5
    p2e_w_ipc_any: float = 0.1
    p2e_w_need: float = 1.0
    # profile construction
    max_prototypes: int = 16  # liked patents beyond this are clustered; bounds max-over-liked
    # hub: mean cosine to the k nearest patents of a fixed reference set
    hub_k: int = 5
    hub_reference: int = 10_000
    # reasons
    similar_threshold: float = 0.2  # cosine from which a liked patent counts as "similar"
    max_terms: int = 4


@dataclass(frozen=True)
class SearchConfig:
    """Candidate generation for large pools (exact scoring below `exact_limit` patents)."""

    exact_limit: int = 50_000
    block_profiles: int = 64  # profiles per block in exact scoring (memory: block x N floats)
    candidates_per_row: int = 300  # per prototype / linear row, from the inverted index
    ipc_candidates: int = 60  # lowest-hub patents per interested subclass
    ipc_subclasses: int = 3  # a profile's top subclasses that feed IPC candidates
    retrieval_df: float = 0.002  # features in more than this share of patents are not indexed
    retrieval_min_df: int = 50  # ... but the cap never goes below this many patents
    retrieval_terms: int = 48  # heaviest retrieval features kept per query row
    min_retrieval_sim: float = 0.02  # retrieved pairs below this partial cosine are dropped
