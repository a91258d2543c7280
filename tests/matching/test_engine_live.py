"""Engine support for a library that changes between rebuilds: retired rows, scores of a few
patents for every profile, and updated patents that keep their liked / excluded relations."""

from __future__ import annotations

import numpy as np
import pytest

from matching.engine import (
    PatentIndex,
    ProfileMatrix,
    SearchConfig,
    pair_scores,
    rank_exact,
    rank_patents_for,
)
from tests.matching.test_engine import PATENTS, profile

CANDIDATE_SEARCH = SearchConfig(
    exact_limit=0, retrieval_df=1.0, retrieval_min_df=1, min_retrieval_sim=0.0
)


@pytest.fixture
def index() -> PatentIndex:
    return PatentIndex.build(PATENTS)  # per test: tests retire rows


def _ids(index: PatentIndex, pm: ProfileMatrix, search: SearchConfig | None = None) -> list[str]:
    ranking = rank_patents_for(pm, index, top=20, search=search)
    return [index.ids[r] for r, _ in ranking.row(0)]


@pytest.mark.parametrize("search", [None, CANDIDATE_SEARCH], ids=["exact", "candidates"])
def test_retired_patents_are_never_ranked_and_can_come_back(index, search) -> None:
    pm = ProfileMatrix.build([profile("e", description="锂电池隔膜 涂层")], index)
    assert _ids(index, pm, search)[0] == "sep1"
    index.retire(["sep1"])
    assert "sep1" not in _ids(index, pm, search)
    assert index.live_size == index.size - 1
    index.retire(["sep1"], retired=False)
    assert _ids(index, pm, search)[0] == "sep1"


def test_retired_rows_survive_save_and_load(index, tmp_path) -> None:
    index.retire(["img1"])
    index.save(tmp_path / "index.npz")
    loaded = PatentIndex.load(tmp_path / "index.npz")
    assert loaded.retired[loaded.row["img1"]]
    assert loaded.live_size == index.live_size


def test_pair_scores_are_the_rankings_own_scores(index) -> None:
    records = [
        profile("a", description="锂电池隔膜 涂层", province="330000"),
        profile("b", liked_patents=["img1"]),
    ]
    pm = ProfileMatrix.build(records, index)
    ranking = rank_exact(pm, index, top=index.size)[0]
    row = index.row["sep2"]
    e2p, p2e = pair_scores(index.vectorise([PATENTS[1]]), pm, index)
    for i in range(len(pm)):
        listed = dict(ranking.row(i))
        assert e2p[i, 0] == pytest.approx(listed[row], abs=1e-5)
    assert p2e[0, 0] > p2e[1, 0]  # the separator enterprise is the likelier taker


def test_an_updated_patent_scored_outside_the_index_stays_blocked_for_who_liked_it(
    index,
) -> None:
    pm = ProfileMatrix.build([profile("fan", liked_patents=["sep1"]), profile("x")], index)
    updated = {**PATENTS[0], "title": "锂电池隔膜及其制备方法（改进）"}
    batch = index.vectorise([updated])
    assert np.isfinite(pair_scores(batch, pm, index)[0][0, 0])  # without the relation
    batch.inherits = np.array([index.row["sep1"]])
    e2p, p2e = pair_scores(batch, pm, index)
    assert e2p[0, 0] == -np.inf and p2e[0, 0] == -np.inf
    assert np.isfinite(e2p[1, 0])
