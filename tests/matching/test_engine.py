"""The ranking engine on tiny hand-made data: behaviour, hard rules, reasons, files.

Pure Python (no database): runs under the project's pytest setup and also with
`pytest tests/matching/test_engine.py -p no:django`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from matching.engine import (
    Explainer,
    PatentIndex,
    ProfileMatrix,
    Reason,
    SearchConfig,
    match_files,
    rank_enterprises_for,
    rank_patents_for,
    render_line,
    render_reason,
    score_patent,
    score_profile,
)
from matching.engine.features import hash_char_ngrams, hash_words
from matching.engine.ipc import codes_of, industry_prefixes
from matching.engine.rank import _profile_blocks
from matching.engine.text import _CJK_ONLY, Segmenter, ipc_domain_terms, normalise

PATENTS = [
    {
        "id": "sep1",
        "title": "锂电池隔膜及其制备方法",
        "abstract": "一种耐高温锂电池隔膜涂层",
        "ipc": ["H01M 50/40"],
        "deal_forms": ["transfer"],
        "province": "330000",
    },
    {
        "id": "sep2",
        "title": "耐高温锂离子电池隔膜涂层材料",
        "abstract": "陶瓷涂覆隔膜提高热稳定性",
        "ipc": ["H01M 50/449"],
        "deal_forms": ["ordinary_licence"],
        "province": "440000",
    },
    {
        "id": "sep3",
        "title": "电池隔膜的陶瓷涂覆装置",
        "abstract": "",
        "ipc": ["H01M 50/403"],
        "deal_forms": [],
        "province": "",
    },
    {
        "id": "img1",
        "title": "影像处理装置及影像景深处理方法",
        "abstract": "图像景深估计",
        "ipc": ["G06T 7/50"],
        "deal_forms": ["transfer"],
        "province": "110000",
    },
    {
        "id": "img2",
        "title": "影像合成方法与影像处理装置",
        "abstract": "",
        "ipc": ["G06T 5/50"],
        "deal_forms": [],
        "province": "110000",
    },
    {
        "id": "drug1",
        "title": "治疗大肠癌的医药组合物",
        "abstract": "",
        "ipc": ["A61K 31/00"],
        "deal_forms": [],
        "province": "330000",
    },
    {
        "id": "drug2",
        "title": "长效胜肽类似物及其医药用途",
        "abstract": "",
        "ipc": ["A61K 38/00"],
        "deal_forms": [],
        "province": "",
    },
    {
        "id": "soil",
        "title": "土壤电力多孔植栽盆",
        "abstract": "",
        "ipc": ["A01G 9/02"],
        "deal_forms": [],
        "province": "",
    },
    {
        "id": "lamp",
        "title": "车灯构造及其基座",
        "abstract": "",
        "ipc": ["F21S 41/00"],
        "deal_forms": [],
        "province": "",
    },
    {
        "id": "glass",
        "title": "耐裂痕性优异之玻璃",
        "abstract": "",
        "ipc": ["C03C 3/00"],
        "deal_forms": [],
        "province": "",
    },
]


def profile(pid: str, **fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": pid,
        "description": "",
        "keywords": [],
        "ipc": [],
        "industry_codes": [],
        "province": "",
        "liked_patents": [],
    }
    base.update(fields)
    return base


@pytest.fixture(scope="module")
def index() -> PatentIndex:
    return PatentIndex.build(PATENTS)


def ranked_ids(
    index: PatentIndex, records: list[dict[str, object]], top: int = 10
) -> list[list[str]]:
    pm = ProfileMatrix.build(records, index)
    ranking = rank_patents_for(pm, index, top=top)
    return [[index.ids[r] for r, _ in ranking.row(i)] for i in range(len(pm))]


# --- text and IPC -----------------------------------------------------------------------------


def test_normalise_folds_full_width_and_case() -> None:
    assert normalise("敏诺西迪（Ｍｉｎｏｘｉｄｉｌ）  ＡＢＣ") == "敏诺西迪(minoxidil) abc"


def test_domain_terms_come_from_ipc_titles(tmp_path: Path) -> None:
    csv = tmp_path / "ipc.csv"
    csv.write_text(
        "code,level,parent,title_en,title_en_short,title_zh,title_zh_short,en_status,zh_status\n"
        "H01M,subclass,H01,x,x,用于直接转变化学能为电能的方法或装置，例如电池组,"
        "用于直接转变化学能为电能的方法或装置，例如电池组,ok,ok\n",
        encoding="utf-8",
    )
    from matching.engine.text import load_ipc_titles

    terms = ipc_domain_terms(load_ipc_titles(csv))
    assert "例如电池组" in terms
    assert Segmenter(terms).words("例如电池组") == ["例如电池组"]


def test_ipc_symbols_parse_at_every_level() -> None:
    assert codes_of("G06F 16/35") == {"class": "G06", "subclass": "G06F", "group": "G06F 16"}
    assert codes_of("g06f16/35") == {"class": "G06", "subclass": "G06F", "group": "G06F 16"}
    assert codes_of("H01L") == {"class": "H01", "subclass": "H01L"}
    assert codes_of("not ipc") == {}


def test_industry_codes_reach_ipc_only_through_a_given_concordance() -> None:
    assert industry_prefixes(["3841"], None) == []
    concordance = {"384": ["H01M"]}
    assert industry_prefixes(["3841"], concordance) == ["H01M"]  # falls back to the parent


# --- ranking ----------------------------------------------------------------------------------


def test_ranking_prefers_the_related_patent(index: PatentIndex) -> None:
    [ids] = ranked_ids(index, [profile("e1", liked_patents=["sep1"])])
    assert ids[0] in {"sep2", "sep3"}
    assert set(ids[:2]) == {"sep2", "sep3"}
    assert ids.index("sep2") < ids.index("lamp")


def test_need_text_and_keywords_alone_rank_the_field(index: PatentIndex) -> None:
    [ids] = ranked_ids(
        index, [profile("e2", description="寻求耐高温的锂电池隔膜涂层技术", keywords=["隔膜"])]
    )
    assert set(ids[:3]) == {"sep1", "sep2", "sep3"}


def test_declared_ipc_and_industry_concordance_rank_the_field(index: PatentIndex) -> None:
    [by_ipc] = ranked_ids(index, [profile("e3", ipc=["G06T"])])
    assert set(by_ipc[:2]) == {"img1", "img2"}
    pm = ProfileMatrix.build(
        [profile("e4", industry_codes=["2710"])], index, industry_ipc={"27": ["A61K"]}
    )
    ranking = rank_patents_for(pm, index, top=2)
    assert {index.ids[r] for r, _ in ranking.row(0)} == {"drug1", "drug2"}


def test_liked_and_excluded_patents_are_never_returned(index: PatentIndex) -> None:
    rec = profile("e5", liked_patents=["sep1", "img1"], excluded_patents=["sep2"])
    [ids] = ranked_ids(index, [rec], top=len(PATENTS))
    assert not {"sep1", "img1", "sep2"} & set(ids)
    assert len(ids) == len(PATENTS) - 3
    # the other direction: no patent lists an enterprise that liked or excluded it
    pm = ProfileMatrix.build([rec, profile("e6", liked_patents=["sep3"])], index)
    rows = [index.row[p] for p in ("sep1", "sep2", "img1")]
    back = rank_enterprises_for(rows, pm, index, top=5)
    for q in range(len(rows)):
        assert "e5" not in [pm.ids[i] for i, _ in back.row(q)]


def test_hard_rules_hold_in_candidate_search_too(index: PatentIndex) -> None:
    rec = profile("e7", liked_patents=["sep1"], excluded_patents=["sep2"])
    pm = ProfileMatrix.build([rec], index)
    search = SearchConfig(
        exact_limit=0, retrieval_df=1.0, retrieval_min_df=1, min_retrieval_sim=0.0
    )
    ids = [index.ids[r] for r, _ in rank_patents_for(pm, index, top=20, search=search).row(0)]
    assert ids and ids[0] == "sep3"
    assert not {"sep1", "sep2"} & set(ids)


def test_disliked_patents_push_look_alikes_down(index: PatentIndex) -> None:
    plain = profile("p", description="影像处理 电池隔膜")
    [before] = ranked_ids(index, [plain])
    [after] = ranked_ids(index, [dict(plain, id="n", disliked_patents=["img1"])])
    assert after.index("img1") > before.index("img1")
    assert after.index("img2") > before.index("img2")
    assert after.index("sep1") < before.index("sep1") or after.index("sep1") == 0


def test_scores_are_deterministic_and_block_independent(index: PatentIndex) -> None:
    records = [profile(f"e{i}", liked_patents=[PATENTS[i % len(PATENTS)]["id"]]) for i in range(9)]
    a = rank_patents_for(ProfileMatrix.build(records, index), index, top=5)
    b = rank_patents_for(ProfileMatrix.build(records, PatentIndex.build(PATENTS)), index, top=5)
    assert np.array_equal(a.items, b.items)
    assert np.allclose(a.scores, b.scores)
    one = rank_patents_for(ProfileMatrix.build(records[4:5], index), index, top=5)
    assert np.array_equal(one.items[0], a.items[4])


def test_profiles_are_scored_in_the_longest_blocks_the_memory_budget_allows(
    index: PatentIndex,
) -> None:
    liked = [[], ["sep1"], ["sep1", "sep2", "img1"], [], ["img1", "sep2"], []]
    pm = ProfileMatrix.build(
        [profile(f"e{i}", liked_patents=ids) for i, ids in enumerate(liked)], index
    )
    rows = 1 + np.diff(pm.proto_ptr)  # a profile's dense rows: itself and its prototypes
    assert rows.tolist() == [1, 2, 4, 1, 3, 1]
    n_patents, budget = 10, 50  # five rows per block
    blocks = list(_profile_blocks(pm, n_patents, budget))
    assert blocks == [(0, 2), (2, 4), (4, 6)]
    assert list(_profile_blocks(pm, n_patents, 20)) == [(i, i + 1) for i in range(6)]
    assert list(_profile_blocks(pm, 1, 10**6)) == [(0, 6)]


# --- reasons ----------------------------------------------------------------------------------


def test_reasons_name_the_shared_ipc_the_need_terms_and_the_liked_patent(
    index: PatentIndex,
) -> None:
    rec = profile(
        "e8",
        liked_patents=["sep1"],
        keywords=["隔膜", "锂电池"],
        ipc=["H01M 50"],
        province="440000",
        preferred_deal_forms=["ordinary_licence"],
    )
    matches = score_profile(rec, index, top=3)
    first = matches[0]
    assert first.id == "sep2"
    codes = {r.code: r.params for r in first.reasons}
    assert codes["shared_ipc"] == {"ipc": "H01M 50"}
    assert "隔膜" in codes["matches_need_terms"]["terms"]
    assert codes["similar_to_liked"]["count"] == 1
    assert codes["similar_to_liked"]["example_title"] == "锂电池隔膜及其制备方法"
    assert "same_province" in codes
    assert codes["deal_form_offered"] == {"forms": ["ordinary_licence"]}
    line = render_line(first.reasons)
    assert "shares IPC H01M 50" in line
    assert "similar to a patent you already hold: '锂电池隔膜及其制备方法'" in line


def test_topic_keywords_score_as_keywords_but_are_explained_as_the_topic(
    index: PatentIndex,
) -> None:
    """A keyword only a subscribed topic gave is not a need the enterprise wrote: its reason
    names the topic. The scores are those of the same keywords given as the profile's own."""
    # What the platform sent before topics had reasons of their own: every keyword, sorted.
    merged = profile("e10", keywords=sorted(["隔膜", "涂覆", "陶瓷"]), description="寻求电池技术")
    with_topics = profile(
        "e10",
        keywords=["隔膜"],
        description="寻求电池技术",
        topics=[
            {"name": "涂层工艺", "keywords": ["陶瓷", "涂覆"]},
            {"name": "隔膜材料", "keywords": ["隔膜", "涂覆"]},
        ],
    )
    old = score_profile(merged, index, top=5)
    new = score_profile(with_topics, index, top=5)
    assert [(m.id, m.score) for m in new] == [(m.id, m.score) for m in old]
    why = {m.id: m.reasons for m in new}["sep3"]
    # "隔膜" is the enterprise's own keyword and "电池" a word of its need text; both topic
    # keywords are the first topic's.
    assert Reason("matches_need_terms", {"terms": ["隔膜", "电池"]}) in why
    topic = Reason("matches_topic_terms", {"terms": ["涂覆", "陶瓷"], "topic": "涂层工艺"})
    assert topic in why
    assert render_reason(topic) == "matches your subscribed topic '涂层工艺': 涂覆, 陶瓷"


def test_a_topic_keyword_in_the_need_text_is_the_needs(index: PatentIndex) -> None:
    rec = profile(
        "e11", description="陶瓷", topics=[{"name": "涂层工艺", "keywords": ["陶瓷", "涂覆"]}]
    )
    why = {m.id: m.reasons for m in score_profile(rec, index, top=5)}["sep3"]
    assert Reason("matches_need_terms", {"terms": ["陶瓷"]}) in why
    assert Reason("matches_topic_terms", {"terms": ["涂覆"], "topic": "涂层工艺"}) in why


def test_industry_only_ipc_is_reported_as_such(index: PatentIndex) -> None:
    matches = score_profile(
        profile("e9", industry_codes=["2710"]), index, top=1, industry_ipc={"2710": ["A61K"]}
    )
    assert Reason("industry_ipc", {"ipc": "A61K"}) in matches[0].reasons


def test_render_reason_handles_dicts_and_counts() -> None:
    reason = {"code": "similar_to_liked", "params": {"count": 3, "example_title": "X"}}
    assert render_reason(reason) == "similar to 3 patents you already hold, e.g. 'X'"
    assert render_reason({"code": "shared_ipc", "params": {"ipc": "G06F"}}) == "shares IPC G06F"


# --- incremental and persistence ------------------------------------------------------------


def test_a_new_patent_finds_its_enterprise(index: PatentIndex) -> None:
    pm = ProfileMatrix.build(
        [
            profile("batt", liked_patents=["sep1", "sep2"]),
            profile("img", liked_patents=["img1"]),
            profile("pharma", liked_patents=["drug1"]),
        ],
        index,
    )
    new = {"id": "new", "title": "锂电池陶瓷隔膜", "abstract": "", "ipc": ["H01M 50/43"]}
    matches = score_patent(new, pm, index, top=3)
    assert matches[0].id == "batt"
    assert any(r.code == "similar_to_liked" for r in matches[0].reasons)


def test_index_round_trips_through_a_file(index: PatentIndex, tmp_path: Path) -> None:
    path = tmp_path / "index.npz"
    index.save(path)
    loaded = PatentIndex.load(path)
    assert loaded.ids == index.ids
    assert np.allclose(loaded.hub, index.hub)
    records = [profile("e", liked_patents=["img1"], keywords=["影像"])]
    a = rank_patents_for(ProfileMatrix.build(records, index), index, top=5)
    b = rank_patents_for(ProfileMatrix.build(records, loaded), loaded, top=5)
    assert np.array_equal(a.items, b.items)


def test_patents_can_be_added_incrementally(tmp_path: Path) -> None:
    idx = PatentIndex.build(PATENTS[:5])
    rows = idx.add([PATENTS[5], PATENTS[0]])  # PATENTS[0] is already indexed
    assert list(rows) == [5]
    assert idx.size == 6
    [ids] = ranked_ids(idx, [profile("e", ipc=["A61K"])], top=1)
    assert ids == ["drug1"]


# --- files ------------------------------------------------------------------------------------


def test_match_files_writes_the_documented_shape(tmp_path: Path) -> None:
    patents = tmp_path / "patents.jsonl"
    enterprises = tmp_path / "enterprises.jsonl"
    patents.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in PATENTS), "utf-8")
    profiles = [profile("e1", liked_patents=["sep1"]), profile("e2", liked_patents=["img1"])]
    enterprises.write_text(
        "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in profiles), "utf-8"
    )
    stats = match_files(patents, enterprises, 3, tmp_path / "out")
    assert stats["patents"] == len(PATENTS) and stats["enterprises"] == 2
    e2p = [json.loads(x) for x in (tmp_path / "out" / "enterprise_to_patents.jsonl").open()]
    p2e = [json.loads(x) for x in (tmp_path / "out" / "patent_to_enterprises.jsonl").open()]
    assert [row["enterprise"] for row in e2p] == ["e1", "e2"]
    for row, liked in zip(e2p, ("sep1", "img1"), strict=True):
        assert 0 < len(row["patents"]) <= 3
        assert liked not in [p["id"] for p in row["patents"]]
        scores = [p["score"] for p in row["patents"]]
        assert scores == sorted(scores, reverse=True)
        assert all(isinstance(p["reasons"], list) for p in row["patents"])
    assert e2p[0]["patents"][0]["reasons"]  # the top match says why
    assert [row["patent"] for row in p2e] == [p["id"] for p in PATENTS]
    by_patent = {row["patent"]: [e["id"] for e in row["enterprises"]] for row in p2e}
    assert "e1" not in by_patent["sep1"] and "e2" not in by_patent["img1"]
    assert by_patent["sep2"][0] == "e1"
    assert all(len(v) <= 3 for v in by_patent.values())
    # same inputs, same bytes
    match_files(patents, enterprises, 3, tmp_path / "again")
    for name in ("enterprise_to_patents.jsonl", "patent_to_enterprises.jsonl"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "again" / name).read_bytes()


def test_explaining_one_patent_to_many_profiles_gives_each_pairs_reasons(
    index: PatentIndex,
) -> None:
    profiles = ProfileMatrix.build(
        [
            profile("a", liked_patents=["sep1", "sep2"], keywords=["隔膜"]),
            profile("b", description="锂电池 正极材料", ipc=["H01M"]),
            profile("c", liked_patents=["img1"]),
            profile("d"),
        ],
        index,
    )
    explainer = Explainer(profiles, index)
    together = Explainer(profiles, index)  # learns every profile's terms in one go
    batch = index.batch()
    rows = list(range(len(profiles)))
    codes: set[str] = set()
    for col in range(index.size):
        expected = [explainer.explain(i, batch, [col])[0] for i in rows]
        assert together.explain_patent(rows, batch, col) == expected
        codes |= {reason.code for reasons in expected for reason in reasons}
    assert {"similar_to_liked", "matches_need_terms", "shared_ipc"} <= codes


def test_term_buckets_learnt_together_equal_those_hashed_one_by_one(index: PatentIndex) -> None:
    def one_by_one(term: str) -> tuple[int, ...]:
        if _CJK_ONLY.match(term):  # the whole term, or its trigrams
            _, buckets = hash_char_ngrams([term], (min(len(term), 3),), index.feature_config.dim)
            return tuple(np.unique(buckets).tolist())
        return (int(hash_words([term], index.feature_config.dim)[0]),)

    terms = ["隔", "隔膜", "锂电池", "锂电池隔膜", "哈哈哈哈哈", "OLED", "led", "x光"]
    explainer = Explainer(ProfileMatrix.build([profile("a")], index), index)
    explainer._learn_buckets(terms)
    for term in terms:
        assert explainer._buckets[term] == one_by_one(term)
    assert len(explainer._buckets["锂电池隔膜"]) == 3
