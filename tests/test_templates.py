"""Copies across reports (``indexer.analysis.templates``): which clauses other townships repeat, kept
exact by incremental updates, shown by the reader beside the template sentences.

Marks are checked on small stores built here (a copy appears and both reports are marked; a
township repeating itself is no copy) and on the shipped and the generated corpus (an update
gives the marks a rebuild gives). Whether text is template is ``tests/test_wording.py``'s.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.errors import QuerySyntaxError
from bench.corpus import generate
from fazhi.operations import Archive
from indexer.analysis import clauses, templates
from indexer.analysis.query import parse
from indexer.index import literal, recovery
from indexer.index.build import rebuild, update
from indexer.index.generation import LITERAL_DB, current_generation
from indexer.service import SearchService
from tests.support.archives import make_config, sessions_of
from tests.support.paths import corpus_files
from tests.support.stores import add_to_store, one_passage_report

TEMPLATE = ("坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，"
            "全面落实上级关于法治政府建设的决策部署。")
OWN = "本镇首创院坝调解议事会，由乡贤和律师每月两次上门调处邻里纠纷，全年化解纠纷四十七起。"
# One template clause, then the township's own practice: mostly original wording.
FIRST = "深入学习贯彻习近平法治思想，" + OWN


def _marks(config, report_id: str) -> dict[int, tuple[templates.SentenceMark, ...]]:
    """The shared clauses of a report's passages, by ¶."""
    conn = literal.connect(Path(current_generation(config.index_dir)) / LITERAL_DB)
    try:
        return templates.report_marks(conn, report_id)
    finally:
        conn.close()


def _copies(config, text: str, *townships: str) -> list[str]:
    """One report per township whose only passage is ``text``."""
    return [add_to_store(config, one_passage_report(text, township=name)) for name in townships]


@pytest.fixture
def store(tmp_path):
    config = make_config(tmp_path)
    first = add_to_store(config, one_passage_report(FIRST, township="甲镇"))
    rebuild(config, sessions_of(config))
    return config, first


def test_a_report_added_later_marks_itself_and_the_reports_it_copies(store) -> None:
    config, first = store
    assert _marks(config, first) == {}  # alone in the archive: nothing is shared
    second = add_to_store(config, one_passage_report(TEMPLATE + "乙镇开展普法讲座。", township="乙镇"))
    update(config, sessions_of(config), [second])
    for rid in (first, second):
        (marks,) = _marks(config, rid).values()
        assert marks and all(mark.reports == 1 for mark in marks), marks
    third = add_to_store(config, one_passage_report(TEMPLATE, township="丙镇"))
    update(config, sessions_of(config), [third])
    # the first report: only the copied clause is shared (by two reports now), its own are not
    (copied,) = _marks(config, first)[1]
    assert FIRST[copied.start:copied.end] == "深入学习贯彻习近平法治思想" and copied.reports == 2
    # the copy: each clause counted by the other reports holding it (the middle one: two)
    assert [mark.reports for mark in _marks(config, third)[1]] == [1, 2, 1]


def test_another_year_of_the_same_township_is_no_copy(store) -> None:
    config, first = store
    again = one_passage_report(FIRST.replace("四十七", "五十二"), township="甲镇")
    again.metadata.year = 2024
    second = add_to_store(config, again)
    update(config, sessions_of(config), [second])
    assert _marks(config, first) == {} and _marks(config, second) == {}


@pytest.mark.parametrize("query", ["法治 original:yes", "法治 特色:是", "法治 原创：yes"])
def test_the_original_field_and_its_chinese_names(query: str) -> None:
    parsed = parse(query)
    assert parsed.original and parsed.positive_literals() == ["法治"]


def test_the_original_field_refuses_other_values() -> None:
    with pytest.raises(QuerySyntaxError, match="original:yes"):
        parse("法治 original:no")
    with pytest.raises(QuerySyntaxError, match="original:yes"):
        parse("法治 original:")


def test_clauses_are_the_unit_and_short_ones_are_not_marked() -> None:
    folded = "一是加强领导,坚持以习近平法治思想为指导.全年开展培训4次"
    spans = [folded[a:b] for a, b in clauses.clause_spans(folded)]
    assert spans == ["坚持以习近平法治思想为指导", "全年开展培训4次"]
    assert list(clauses.clause_spans("金额1,000.5万元的项目共计十二个")) == [(0, 19)]


# --- incremental updates -------------------------------------------------------------------------

def _all_marks(config) -> tuple[set[tuple], set[tuple], int]:
    """Every clause mark and passage mark of the live index, by report and ¶ (gids differ
    between a rebuild and an update), and how many clauses were compared on a folded wording."""
    conn = literal.connect(Path(current_generation(config.index_dir)) / LITERAL_DB)
    clauses = set(conn.execute("SELECT p.report_id, p.seq, s.start, s.end, s.reports FROM sentence_marks s "
                               "JOIN passages p ON p.gid = s.gid"))
    passages = set(conn.execute("SELECT p.report_id, p.seq, m.reports, coalesce(w.template, 0) "
                                "FROM passage_marks m JOIN passages p ON p.gid = m.gid "
                                "LEFT JOIN passage_wording w ON w.gid = m.gid"))
    (folded,) = conn.execute(
        "SELECT count(*) FROM sentence_marks WHERE key_id = fold_id AND fold_id != raw_id").fetchone()
    conn.close()
    return clauses, passages, folded


def _generated(tmp_path: Path) -> list[Path]:
    """The benchmark's generated corpus (its first 30 reports): one template clause in many
    variants that differ only by place names and counts."""
    return sorted(generate(tmp_path / "bench", 30, 7).glob("*.txt"))


@pytest.mark.slow  # updates and rebuilds its own stores
@pytest.mark.parametrize("files", [lambda _tmp: corpus_files(), _generated], ids=["shipped", "generated"])
def test_incremental_updates_give_the_marks_a_rebuild_gives(tmp_path, files) -> None:
    paths = files(tmp_path)
    archive = Archive(make_config(tmp_path / "archive"))
    archive.ingest(paths[:len(paths) // 2], index=False)
    archive.rebuild()
    before, _passages, _folded = _all_marks(archive.config)
    archive.ingest(paths[len(paths) // 2:])  # an incremental update adds the other half
    gone = sorted({report_id for report_id, *_ in before})[:3]
    for report_id in gone:
        archive.delete(report_id)  # and one per deleted report
    clauses, passages, folded = _all_marks(archive.config)
    archive.rebuild()
    assert _all_marks(archive.config) == (clauses, passages, folded)
    # not vacuous: reports indexed first got new copies, deleted ones are gone, and clauses that
    # differ only by place names and numbers were compared as one wording
    assert {mark for mark in clauses if mark[0] not in gone} - before
    assert not {report_id for report_id, *_ in clauses} & set(gone)
    assert any(reports >= templates.MIN_REPORTS for *_, reports, _template in passages) and folded


@pytest.mark.slow  # updates and rebuilds its own store
def test_an_update_is_searchable_before_its_marks_and_a_cut_one_is_finished_later(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An update commits the report searchable, then marks it (``templates.defer``/``complete``).
    Cut between the two (the marking raises here), the report is found and the work is left
    recorded; the next catch-up finishes it, with the marks a rebuild gives."""
    paths = corpus_files()
    archive = Archive(make_config(tmp_path / "archive"))
    archive.ingest(paths[:-3], index=False)
    archive.rebuild()

    def cut(*_args, **_kwargs):
        raise KeyboardInterrupt("cut between the two commits")

    monkeypatch.setattr(templates, "add", cut)
    with pytest.raises(KeyboardInterrupt):
        archive.ingest(paths[-3:])
    monkeypatch.undo()
    added = {report_id for report_id, in literal.connect(
        Path(current_generation(archive.config.index_dir)) / LITERAL_DB).execute(
        "SELECT DISTINCT report_id FROM passages")}
    assert len(added) == len(paths)  # every report is in the index: searchable
    assert recovery.marks_pending(archive.config)
    archive.update_index()  # what a web process's start and every later change do
    assert not recovery.marks_pending(archive.config)
    finished = _all_marks(archive.config)
    archive.rebuild()
    assert _all_marks(archive.config) == finished


# --- the web pages ---------------------------------------------------------------------------------

def _template_passage(archive_config) -> tuple[str, int, int, int, int]:
    """(report id, seq, start, end, reports) of the template sentence of the corpus holding the
    most shared clause (``indexer.analysis.wording`` marks the sentence,
    ``indexer.analysis.templates`` the copies)."""
    from indexer.analysis import wording

    conn = literal.connect(Path(current_generation(archive_config.index_dir)) / LITERAL_DB)
    best: tuple[int, tuple[str, int, int, int, int]] | None = None
    for report_id, seq, spans, start, end, reports in conn.execute(
        "SELECT p.report_id, p.seq, w.spans, s.start, s.end, s.reports FROM sentence_marks s "
        "JOIN passage_wording w ON w.gid = s.gid JOIN passages p ON p.gid = s.gid ORDER BY p.gid, s.start"
    ):
        for a, b in wording.decode(spans):
            if a <= start and end <= b and (best is None or reports > best[0]):
                best = (reports, (report_id, seq, a, b, reports))
    assert best is not None
    return best[1]


def test_reader_mutes_template_sentences_and_links_to_their_copies(client, archive_config) -> None:
    from bs4 import BeautifulSoup

    report_id, seq, start, end, reports = _template_passage(archive_config)
    assert reports >= templates.MIN_REPORTS
    page = BeautifulSoup(client.get(f"/reports/{report_id}").get_data(as_text=True), "html.parser")
    paragraph = page.select_one(f"#p-{seq}")
    muted = [span.get_text() for span in paragraph.select(".tpl")]
    notes = paragraph.select(".tpl-note")
    # the words are drawn by CSS from data-label; the text of the paragraph stays the document's
    note = next(note for note in notes if note["aria-label"] == f"通用表述，{reports} 份报告有相同分句")
    assert note["data-label"] == note["aria-label"] and not note.get_text()
    href = note["href"]
    for each in notes:
        each.decompose()  # the notes sit inside the paragraph: without them, the text as stored
    sentence = paragraph.select_one(".ptext").get_text()[start:end]
    assert sentence and sentence in muted  # the sentence the index marked is the one muted
    # every muted span is a template sentence of the index; those others repeat have their note
    marked = SearchService(archive_config).passage_marks(report_id)[seq]
    assert len(muted) == len(marked) and len(notes) == sum(1 for s in marked if s.clause)
    # the link searches the sentence's opening words and finds this paragraph and its copies
    found = client.get("/api" + href).get_json()
    assert found["reports"] >= 2 and report_id in [g["report_id"] for g in found["groups"]]
    assert paragraph.select_one("a.similar-link")["href"].endswith(f"/passages/{seq}/similar")


def test_search_page_offers_only_original_and_keeps_it(client) -> None:
    args = {"q": "习近平法治思想", "original": "yes"}
    page = client.get("/search", query_string=args).get_data(as_text=True)
    assert 'name="original" value="yes" checked' in page and "只看特色做法" in page
    moved = client.get("/search", query_string={"q": "法治", "prev": "习近平法治思想", "original": "yes"})
    assert moved.status_code == 302 and "original=yes" in moved.headers["Location"]
    everything = client.get("/api/search", query_string={"q": "习近平法治思想"}).get_json()
    original = client.get("/api/search", query_string={"q": "习近平法治思想", "original": "yes"}).get_json()
    assert 0 < original["total"] < everything["total"]
