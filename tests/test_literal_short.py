"""Short words from the index (exact at scale): a 2-character word is answered by the trigrams it
begins (``indexer.index.literal_sql``), and that must stay exactly what a scan of the folded text finds.

Checked on the shipped corpus's own index: words cut from the start, middle and end of real
places (the end is where the ``END`` padding matters), the issue's policy words, and each of them
combined with other words and filters; then with the passage text blanked (the answer comes from
the index alone) and after a report is deleted (its trigrams leave with it).
"""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from archive.config import ArchiveConfig
from indexer.analysis.query import parse
from indexer.index import literal, literal_sql, place_kinds
from indexer.index.generation import LITERAL_DB, current_generation

POLICY_WORDS = ("信访", "普法", "宪法", "调解", "网格", "法治")
STEP = 3  # every 3rd place gives words: a few hundred distinct ones, in seconds


def _database(config: ArchiveConfig) -> Path:
    generation = current_generation(config.index_dir)
    assert generation is not None
    return generation / LITERAL_DB


def _places(conn: sqlite3.Connection) -> list[tuple[int, str, str]]:
    return conn.execute("SELECT gid, unit, folded FROM passages ORDER BY gid").fetchall()


def _sample_words(places: list[tuple[int, str, str]]) -> list[str]:
    """2-character words from the start, the middle and the very end of real places."""
    words: set[str] = set(POLICY_WORDS)
    for _gid, _unit, folded in places[::STEP]:
        if len(folded) >= 2:
            middle = len(folded) // 2
            words.update((folded[:2], folded[middle:middle + 2], folded[-2:]))
    return sorted(words)


def _found(conn: sqlite3.Connection, query: str) -> set[int]:
    where, args = literal_sql.compile_where(parse(query))
    return {gid for (gid,) in conn.execute(f"SELECT p.gid FROM passages p WHERE {where}", args)}


def _scan(places: list[tuple[int, str, str]], *words: str) -> set[int]:
    """What a plain search must find: places of ``SCOPE_UNITS[None]`` holding every word."""
    units = literal_sql.SCOPE_UNITS[None]
    return {gid for gid, unit, folded in places if unit in units and all(w in folded for w in words)}


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of a literal table (SQLite's backup: the WAL included)."""
    source_conn, target_conn = sqlite3.connect(source), sqlite3.connect(target)
    source_conn.backup(target_conn)
    source_conn.close()
    target_conn.close()


def test_two_character_words_find_exactly_what_a_scan_finds(archive_config: ArchiveConfig) -> None:
    conn = literal.connect(_database(archive_config))
    places = _places(conn)
    words = _sample_words(places)
    assert len(words) > 150
    at_end_only = [w for w in words if any(f.endswith(w) and f.find(w) == len(f) - 2 for _g, _u, f in places)]
    assert at_end_only, "the sample must hold words that occur only at a text's end somewhere"
    for word in words:  # the matcher itself: any two characters, spaces and quotes included
        expected = {gid for gid, _unit, folded in places if word in folded}
        for scanned in ((), (word,)):  # looked up, and read from the text (a common word)
            sql, args = literal_sql.compile_literal(word, scanned)
            found = {gid for (gid,) in conn.execute(f"SELECT p.gid FROM passages p WHERE {sql}", args)}
            assert found == expected, (word, scanned)
    conn.close()


def test_common_words_are_those_in_many_places(archive_config: ArchiveConfig) -> None:
    """A word is scanned when its trigrams are in over ``COMMON_SHARE`` of the places: 法治 in
    this corpus, not 信访."""
    conn = literal.connect(_database(archive_config))
    places = _places(conn)
    share = {word: len(_scan(places, word)) / len(places) for word in ("法治", "信访")}
    assert share["法治"] > literal_sql.COMMON_SHARE > share["信访"]
    assert literal_sql.common_words(conn, ["法治", "信访", "法治建设"]) == {"法治"}
    conn.close()


@pytest.mark.parametrize("query, words", [
    ("信访 枫桥经验", ("信访", "枫桥经验")),
    ("普法 宪法", ("普法", "宪法")),
    ("调解 OR 网格", None),
    ("法治 -普法", None),
])
def test_two_character_words_combine_exactly(archive_config: ArchiveConfig, query: str,
                                             words: tuple[str, ...] | None) -> None:
    conn = literal.connect(_database(archive_config))
    places = _places(conn)
    found = _found(conn, query)
    if words is not None:
        assert found == _scan(places, *words)
    elif " OR " in query:
        assert found == _scan(places, "调解") | _scan(places, "网格")
    else:
        assert found == _scan(places, "法治") - _scan(places, "普法")
    assert found
    conn.close()


def test_the_index_alone_answers_two_character_words(archive_config: ArchiveConfig, tmp_path: Path) -> None:
    """With every text blanked, 2- and 3-character words are still found (the index answers),
    a 1-character word is not (it is scanned): the short-word path reads no passage row."""
    _copy(_database(archive_config), tmp_path / LITERAL_DB)
    conn = literal.connect(tmp_path / LITERAL_DB)
    before = {word: _found(conn, f'"{word}"') for word in ("信访", "依法", "法治建设", "法")}
    assert all(before.values())
    with conn:
        conn.execute("UPDATE passages SET folded = ''")
    after = {word: _found(conn, f'"{word}"') for word in before}
    conn.close()
    assert after["信访"] == before["信访"] and after["依法"] == before["依法"]
    assert after["法治建设"] == before["法治建设"]
    assert after["法"] == set()


def test_a_deleted_report_takes_its_trigrams_along(archive_config: ArchiveConfig, tmp_path: Path) -> None:
    """Deleting a report removes its texts from the index as they were indexed (``END`` included)
    and its places' keys: FTS5's own integrity check passes and no word finds a deleted place."""
    path = tmp_path / LITERAL_DB
    _copy(_database(archive_config), path)
    conn = literal.connect(path)
    (report_id,) = conn.execute(
        "SELECT report_id FROM passages WHERE instr(folded, '信访') > 0 LIMIT 1").fetchone()
    with conn:
        removed = set(literal.delete_reports(conn, [report_id]))
        conn.execute("INSERT INTO trigrams(trigrams) VALUES ('integrity-check')")
    assert removed
    keys = {gid for (gid,) in conn.execute("SELECT gid FROM passage_keys")}
    assert not keys & removed and keys == {gid for (gid,) in conn.execute("SELECT gid FROM passages")}
    places = _places(conn)
    for word in ("信访", "法治", "工作"):
        sql = f"SELECT rowid FROM trigrams WHERE trigrams MATCH {literal_sql.PREFIX_QUERY}"
        indexed = {gid for (gid,) in conn.execute(sql, [word, literal_sql.prefix_end(word)])}
        assert indexed and not indexed & removed, word
        assert _found(conn, f'"{word}"') == _scan(places, word)
    conn.close()


def test_a_report_keeps_its_number_and_no_place_is_stored_without_its_report(
    archive_config: ArchiveConfig, tmp_path: Path
) -> None:
    """Matches are counted per ``report_no``: a report written again (its fields corrected) keeps
    its number, so its stored places still count under it; a place whose report is not in the
    table is refused, not stored where no result would list it."""
    path = tmp_path / LITERAL_DB
    _copy(_database(archive_config), path)
    conn = literal.connect(path)
    number, *values = conn.execute(
        f"SELECT report_no, {', '.join(literal.REPORT_COLUMNS)} FROM reports LIMIT 1").fetchone()
    report = literal.ReportRow(**dict(zip(literal.REPORT_COLUMNS, values, strict=True)))
    with conn:
        literal.insert(conn, [], [dataclasses.replace(report, township="改正镇")])
    assert conn.execute("SELECT report_no, township FROM reports WHERE report_id = ?",
                        (report.report_id,)).fetchone() == (number, "改正镇")
    assert conn.execute("SELECT count(*) FROM passages WHERE report_no = ?", (number,)).fetchone()[0] > 0
    orphan = literal.PassageRow(
        gid=literal.next_gid(conn), report_id="no-such-report", unit=place_kinds.PASSAGE, seq=1,
        folded="法治", text="法治", heading="[]", section="", year="", province="", city="", county="",
        township="", doc_type="")
    with pytest.raises(ValueError, match="no-such-report"):
        literal.insert(conn, [orphan], [])
    assert conn.execute("SELECT count(*) FROM passages WHERE report_id = 'no-such-report'").fetchone() == (0,)
    conn.close()


def test_filters_narrow_a_text_scan_exactly(archive_config: ArchiveConfig) -> None:
    """A word read from the text (a common one, or one character) with filters visits only the
    filtered reports' places (``compile_where``'s report subquery) and finds exactly the scan's
    places that carry the filter values: report-level, a year range, and the passage-level section."""
    conn = literal.connect(_database(archive_config))
    rows = conn.execute("SELECT gid, unit, folded, county, year, section FROM passages").fetchall()
    places = [(gid, unit, folded) for gid, unit, folded, *_ in rows]
    county, year, section = (
        conn.execute(f"SELECT {column} FROM passages WHERE {column} <> '' GROUP BY {column} "
                     f"ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        for column in ("county", "year", "section"))
    wanted = {
        f"county:{county}": lambda r: r[3] == county,
        f"year:{year}": lambda r: r[4] == year,
        f"year:{int(year) - 1}..{year} county:{county}": lambda r: r[4] in (str(int(year) - 1), year)
        and r[3] == county,
        f"section:{section} year:{year}": lambda r: r[5] == section and r[4] == year,
    }
    for word, scanned in (("法治", ("法治",)), ("法", ())):
        for filters, keep in wanted.items():
            where, args = literal_sql.compile_where(parse(f"{word} {filters}"), scanned)
            assert "SELECT r.report_id FROM reports r" in where  # the narrowed plan is the one tested
            found = {gid for (gid,) in conn.execute(f"SELECT p.gid FROM passages p WHERE {where}", args)}
            expected = _scan(places, word) & {row[0] for row in rows if keep(row)}
            assert found == expected and found, (word, filters)
    conn.close()


def test_filters_on_the_keys_look_each_match_up_once(archive_config: ArchiveConfig) -> None:
    """A report filter on an indexed word is tested on each match's key entry, never made into
    one index lookup per match and report number (that plan took 14.7 s for 依法行政 year:2023 at
    10,000 reports); the matches are the scan's places that carry the filter values."""
    conn = literal.connect(_database(archive_config))
    rows = conn.execute("SELECT gid, unit, folded, year, section FROM passages").fetchall()
    places = [(gid, unit, folded) for gid, unit, folded, *_ in rows]
    year, section = (
        conn.execute(f"SELECT {column} FROM passages WHERE {column} <> '' GROUP BY {column} "
                     f"ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        for column in ("year", "section"))
    for filters, keep in ((f"year:{year}", lambda r: r[3] == year),
                          (f"year:{int(year) - 1}..{year} section:{section}",
                           lambda r: r[3] in (str(int(year) - 1), year) and r[4] == section)):
        parsed = parse(f"法治建设 {filters}")
        assert literal_sql.covered(parsed)
        where, args = literal_sql.compile_where(parsed)
        sql = f"SELECT p.gid FROM passage_keys p WHERE {where}"
        plan = " ".join(str(step) for step in conn.execute(f"EXPLAIN QUERY PLAN {sql}", args))
        assert "(rowid=?)" in plan and "_no=?" not in plan, plan
        found = {gid for (gid,) in conn.execute(sql, args)}
        assert found == _scan(places, "法治建设") & {row[0] for row in rows if keep(row)} and found, filters
    conn.close()
