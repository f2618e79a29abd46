"""Template text sentence by sentence (``indexer.analysis.wording``, ``indexer.analysis.particulars``),
只看特色做法
(``original:yes``) and every hit's template mark.

Quality is asserted against the hand-labelled sample of the shipped corpus
(``tests/corpus/template_labels.tsv``, labelled before the detector existed; ``bench.template_quality``
prints the same figures), on every labelled report and on the held-out third; the filter and the
marks are checked on the shipped corpus and on small stores whose every sentence the test chose.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.normalize import fold_for_match
from bench import template_quality
from fazhi.operations import Archive
from indexer.analysis import wording
from indexer.analysis.particulars import particulars
from indexer.index import literal
from indexer.index.build import rebuild, update
from indexer.index.generation import LITERAL_DB, current_generation
from indexer.ranking import bm25f as ranking
from indexer.service import SearchService
from tests.support.archives import make_config, sessions_of
from tests.support.paths import corpus_files
from tests.support.stores import add_to_store, one_passage_report

# The bar; the measured figures are in tests/corpus/README.md (sentences: precision
# 0.986, recall 1.000; held out: 0.982, 1.000).
PRECISION = 0.95
RECALL = 0.80

TEMPLATE = ("坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，"
            "全面落实上级关于法治政府建设的决策部署。")
OWN = "本镇首创院坝调解议事会，由乡贤和律师每月两次上门调处邻里纠纷，全年化解纠纷四十七起。"
FIRST = "深入学习贯彻习近平法治思想，" + OWN


def _conn(config):
    return literal.connect(Path(current_generation(config.index_dir)) / LITERAL_DB)


# --- the rules, on sentences of the shipped reports ------------------------------------------------

@pytest.mark.parametrize(("sentence", "kinds"), [
    ("全年主持中心组学法4次,结合“主题教育”开展基层宣讲2场,覆盖机关干部、村“两委”成员380余人次;",
     ["figure", "figure", "figure"]),
    ("开展法治宣传“六进”活动32场次,覆盖群众两万余人次,营造了全民学法用法的浓厚氛围。", ["figure", "figure"]),
    ("全面落实宪法宣誓制度,合格率达100%。", ["figure"]),
    # years, dates, ordinals of congresses, formulas and numbers in titles are no counts
    ("2024年,在区委、区政府的坚强领导下,我镇深入贯彻党的二十大和二十届三中全会精神。", []),
    ("学习贯彻市第六次党代会及县十五次党代会精神,贯彻落实《法治政府建设实施纲要(2021-2025年)》。", []),
    ("牢固树立“四个意识”,坚持做到责任机制、监督机制和评议考核“三到位”。", []),
    ("开展行政执法“三项制度”落实情况自查。", []),
    # a name the township coined, given as a practice; stock names and slogans are not
    ("成立芜湖市首家“湾事芜优”诉源治理工作站,“最优解”特色调解工作室有效运行。", ["name", "name", "first"]),
    ("持续深化“奔牛事·牛盾解”调解服务品牌建设。", ["name"]),
    ("坚持和发展新时代“枫桥经验”,完善矛盾纠纷多元化解机制。", []),
    ("构建“主要领导负总责、分管领导具体抓、相关部门协同抓”的工作格局。", []),
    ("积极开展民营企业“法治体检”活动,组织律师深入企业开展法律服务。", []),
    # a named body, not a generic one
    ("聘用四川诚中成律师事务所律师为红江镇法律顾问。", ["body"]),
    ("通过微信小程序、镇和为贵调解室等形成线上线下的法治服务矩阵。", ["body"]),
    ("要求司法所、政府法律顾问参与重大事项决策并列席相关决策会议。", []),
    # a document of its own, not the routine one every government issues
    ("制定《龙溪镇行政执法全过程记录实施细则》,实现执法行为全流程留痕。", ["document"]),
    ("研究制定《龙溪镇法治政府2024年工作要点》,明确各部门法治建设任务。", []),
    ("按照县委依法治县办《关于印发<龙溪县创建全国法治政府建设示范县责任清单>的通知》要求。", []),
    # a dated event of its own, a notice's date line
    ("垡头街道2023年第四次工委(扩大)会议听取并审议了年度法治政府建设工作报告。", ["event"]),
    ("2023年7月25日", ["date"]),
])
def test_particulars_of_real_sentences(sentence: str, kinds: list[str]) -> None:
    found = particulars(fold_for_match(sentence), wording.own_names("龙溪镇"))
    assert sorted(p.kind for p in found) == sorted(kinds), [(p.kind, sentence[p.start:p.end]) for p in found]


def test_sentences_are_cut_at_full_stops_not_at_a_dot_inside_a_name() -> None:
    text = "持续深化“奔牛事·牛盾解”调解服务品牌建设。全年化解纠纷12件；一是"
    assert [text[a:b] for a, b in wording.sentences(text)] == [
        "持续深化“奔牛事·牛盾解”调解服务品牌建设。", "全年化解纠纷12件；"]


# --- quality against the hand-labelled sample -----------------------------------------------------

def test_the_labelled_sample_is_large_and_known_to_the_index(archive_config) -> None:
    labels = template_quality.labels()
    assert len(labels) >= 300 and len({label.report_id for label in labels}) >= 30
    assert 0 < sum(label.template for label in labels) < len(labels)
    conn = _conn(archive_config)
    texts = dict(((rid, seq), text) for rid, seq, text in conn.execute(
        "SELECT report_id, seq, text FROM passages WHERE unit = 'p'"))
    for label in labels:  # each labelled sentence is still where the label says
        text = texts[(label.report_id, label.seq)]
        assert text[label.start:label.end].startswith(label.opening), label
        assert (label.start, label.end) in wording.sentences(text), label


def test_template_precision_and_recall_on_the_sample_and_held_out(archive_config) -> None:
    figures = template_quality.measure(_conn(archive_config))
    for part in ("all", "held-out"):
        for unit in ("sentences", "paragraphs"):
            measured = figures[f"{unit}, {part}"]
            assert measured.precision >= PRECISION and measured.recall >= RECALL, (unit, part, str(measured))


# --- 只看特色做法 --------------------------------------------------------------------------------

def test_original_yes_finds_no_political_formula(archive_config) -> None:
    service = SearchService(archive_config)
    formula = "以习近平新时代中国特色社会主义思想为指导"
    assert service.search(formula).total >= 10  # exact search still finds every passage holding it
    result = service.search(f"original:yes {formula}")
    assert (result.total, result.reports) == (0, 0)


def test_original_yes_is_exactly_the_passages_holding_the_words_in_own_sentences(archive_config) -> None:
    service = SearchService(archive_config)
    conn = _conn(archive_config)
    stored = dict(conn.execute("SELECT gid, spans FROM passage_wording"))
    for word, fewer in (("习近平法治思想", True), ("法律顾问", True), ("调解", True), ("4次", False)):
        folded = fold_for_match(word)
        expected = {(rid, seq) for gid, rid, seq, text in conn.execute(
            "SELECT gid, report_id, seq, folded FROM passages WHERE unit = 'p'")
            if folded in wording.own_text(text, stored.get(gid))}
        everything = set(service.passage_ids(word))
        assert set(service.passage_ids(f"{word} original:yes")) == expected
        # fewer, never others; a figure is always the township's own
        assert expected < everything if fewer else expected == everything


def test_original_yes_on_a_small_store(tmp_path) -> None:
    config = make_config(tmp_path)
    first = add_to_store(config, one_passage_report(FIRST, township="甲镇"))
    copies = [add_to_store(config, one_passage_report(TEMPLATE, township=name)) for name in ("乙镇", "丙镇")]
    rebuild(config, sessions_of(config))
    service = SearchService(config)
    everything = set(service.passage_ids("习近平法治思想"))
    original = set(service.passage_ids("习近平法治思想 original:yes"))
    assert everything == {(rid, 1) for rid in [first, *copies]}
    # the copies are template text; the first report's sentence reports its own practice
    assert original == {(first, 1)}
    assert set(service.passage_ids("习近平法治思想 特色:是")) == original
    assert set(service.passage_ids("习近平法治思想", {"original": "yes"})) == original
    result = service.search("习近平法治思想", {"original": "yes"})
    assert (result.total, result.reports) == (1, 1)
    assert sum(passages for _value, _reports, passages in result.facets["township"]) == 1
    # a word only in the template sentence of a passage with an own one: not original
    mixed = add_to_store(config, one_passage_report(TEMPLATE + OWN, township="丁镇"))
    update(config, sessions_of(config), [mixed])
    assert set(service.passage_ids("决策部署 original:yes")) == set()
    assert set(service.passage_ids("院坝调解 original:yes")) == {(first, 1), (mixed, 1)}


# --- ranking and hits -----------------------------------------------------------------------------

def test_ranking_puts_an_original_passage_before_template_ones(tmp_path, monkeypatch) -> None:
    config = make_config(tmp_path)
    first = add_to_store(config, one_passage_report(FIRST, township="甲镇"))
    for name in ("乙镇", "丙镇", "丁镇"):
        add_to_store(config, one_passage_report(TEMPLATE, township=name))
    rebuild(config, sessions_of(config))
    service = SearchService(config)
    # the template copies are shorter (BM25F prefers them), yet the original passage comes first
    assert service.search("习近平法治思想").groups[0].report_id == first
    monkeypatch.setattr(ranking, "TEMPLATE_DEMOTION", 1.0)
    assert service.search("习近平法治思想").groups[0].report_id != first


def test_every_hit_says_whether_it_is_template_and_who_shares_its_wording(archive_config) -> None:
    service = SearchService(archive_config)
    conn = _conn(archive_config)
    template = {(rid, seq) for rid, seq in conn.execute(
        "SELECT p.report_id, p.seq FROM passage_wording w JOIN passages p ON p.gid = w.gid "
        "WHERE w.template = 1")}
    shared = dict(((rid, seq), n) for rid, seq, n in conn.execute(
        "SELECT p.report_id, p.seq, m.reports FROM passage_marks m JOIN passages p ON p.gid = m.gid"))
    township = dict(conn.execute("SELECT report_id, township FROM reports"))
    seen_template = seen_shared = 0
    for query in ("领导小组", "法治政府建设", "普法"):
        for group in service.search(query, per_page=50).to_json()["groups"]:
            for hit in group["hits"]:
                key = (group["report_id"], hit["seq"])
                assert hit["template"] == (key in template), key
                assert hit["shared"]["reports"] == shared.get(key, 0), key
                examples = hit["shared"]["examples"]
                assert len(examples) <= min(hit["shared"]["reports"], 5)
                assert all(e["report_id"] != group["report_id"] for e in examples)
                assert all(not township[group["report_id"]] or e["township"] != township[group["report_id"]]
                           for e in examples)
                seen_template += hit["template"]
                seen_shared += bool(examples)
    assert seen_template and seen_shared  # not vacuous


@pytest.mark.slow  # updates and rebuilds its own store
def test_an_update_marks_sentences_as_a_rebuild_does(tmp_path) -> None:
    paths = corpus_files()
    archive = Archive(make_config(tmp_path / "archive"))
    archive.ingest(paths[:20], index=False)
    archive.rebuild()
    archive.ingest(paths[20:])

    def marks() -> set[tuple]:
        return set(_conn(archive.config).execute(
            "SELECT p.report_id, p.seq, w.template, w.spans FROM passage_wording w "
            "JOIN passages p ON p.gid = w.gid"))

    updated = marks()
    archive.rebuild()
    assert marks() == updated and len({rid for rid, *_ in updated}) == len(paths)
