"""Panhuo's supply-demand ranking engine (pure Python: numpy, scipy, jieba; no Django).

Public API (see README.md):

    index = PatentIndex.build(patent_records, ipc_titles_path=...)   # once; index.save / load
    profiles = ProfileMatrix.build(profile_records, index, industry_ipc=...)
    ranking = rank_patents_for(profiles, index, top=100)              # enterprise -> patents
    ranking = rank_enterprises_for(rows_or_batch, profiles, index)    # patent -> enterprises
    score_profile(record, index) / score_patent(record, profiles, index)   # incremental
    match_files(patents_path, enterprises_path, top, out_dir)         # JSONL in, JSONL out
"""

from .config import ScoringConfig, SearchConfig
from .features import FeatureConfig
from .files import match_files
from .incremental import Match, score_patent, score_profile
from .index import PatentBatch, PatentIndex
from .profiles import ProfileMatrix
from .rank import Ranking, pair_scores, rank_enterprises_for, rank_exact, rank_patents_for
from .reasons import Explainer, Reason, render_line, render_reason, render_reasons

__all__ = [
    "Explainer",
    "FeatureConfig",
    "Match",
    "PatentBatch",
    "PatentIndex",
    "ProfileMatrix",
    "Ranking",
    "Reason",
    "ScoringConfig",
    "SearchConfig",
    "match_files",
    "pair_scores",
    "rank_enterprises_for",
    "rank_exact",
    "rank_patents_for",
    "render_line",
    "render_reason",
    "render_reasons",
    "score_patent",
    "score_profile",
]
