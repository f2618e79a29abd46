"""Titles and headings are searchable places, checked on the real corpora.

The oracle reads the store with SQLAlchemy, never the index: a report's *places* are its title,
its heading lines (``Section.written``) and its passages; a heading sentence that opens its
paragraph (inline) is found as that paragraph, and only ``heading:`` finds it as a heading.
Phrases are cut from every title and heading of every corpus file (data/reports, seeds, dev),
and the reports search returns must be exactly the files whose text holds the phrase.
"""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from archive.errors import QuerySyntaxError
from archive.normalize import fold_for_match
from indexer.analysis.query import parse
from indexer.service import SearchService
from tests.support.oracles import PlaceKey, Places
from tests.support.paths import CORPUS, corpus_files

FILES = corpus_files()  # what the session archive ingests: data/reports
OTHER_CORPORA = sorted((CORPUS / "seeds").glob("*.txt")) + sorted((CORPUS / "dev").glob("d*.txt"))
QUOTE = re.compile(r"[\"“”「」『』＂]")  # would end the quoted phrase of the query


def _reports(keys: set[PlaceKey]) -> set[str]:
    return {key[0] for key in keys}


def _per_report(keys: set[PlaceKey]) -> Counter[str]:
    return Counter(key[0] for key in keys)


def everything(service: SearchService, query: str) -> tuple[int, Counter[str], list]:
    """Total, matches per report and every shown hit of ``query``, over all result pages."""
    first = service.search(query, per_page=100)
    groups = list(first.groups)
    for page in range(2, first.pages + 1):
        groups.extend(service.search(query, page=page, per_page=100).groups)
    return first.total, Counter({g.report_id: g.passages for g in groups}), groups


@pytest.fixture(scope="module")
def service(archive_config) -> SearchService:
    return SearchService(archive_config)


@pytest.fixture(scope="module")
def places(archive_config) -> Places:
    return Places(archive_config)


def _cut(text: str, rng: random.Random) -> str:
    """A phrase of 2–14 characters from ``text`` (no quote characters, not only spaces)."""
    clean = QUOTE.sub(" ", text)
    for _ in range(20):
        length = rng.randint(2, min(14, len(clean)))
        start = rng.randrange(0, len(clean) - length + 1)
        piece = clean[start:start + length].strip()
        if len(piece) >= 2 and " " not in piece:
            return piece
    return ""


def phrases(places: Places) -> list[tuple[str, str, str]]:
    """(file, where, phrase): the whole text and two random cuts of every title and heading."""
    rng = random.Random(10)
    out: list[tuple[str, str, str]] = []
    for place in places.places:
        rid, kind, _seq = place.key
        if kind != "passage":
            name = min(places.files[rid])
            cuts = (place.text, _cut(place.text, rng), _cut(place.text, rng))
            out.extend((name, kind, phrase) for phrase in cuts if phrase and not QUOTE.search(phrase))
    return out


def test_every_corpus_file_has_titles_and_headings_to_cut(places: Places) -> None:
    names = {name for files in places.files.values() for name in files}
    assert {path.name for path in FILES} <= names
    shipped = {path.read_bytes() for path in FILES}
    assert all(path.read_bytes() in shipped for path in OTHER_CORPORA)  # seeds and dev are covered
    kinds = Counter(place.key[1] for place in places.places)
    assert kinds["title"] >= len(places.texts) // 2 and kinds["heading"] > 3 * len(places.texts)


@pytest.mark.slow  # every title and heading of the corpus, cut three ways
def test_phrase_from_a_heading_or_title_finds_exactly_its_places(service, places) -> None:
    """Cut from every title and heading: the returned reports, the number of matches in each and
    the total are the oracle's, and the reports are the files whose body text (every line but
    the header: issuer, addressee, page furniture) or title holds it."""
    misses: list[str] = []
    cases = phrases(places)
    assert len(cases) > 300
    for name, kind, phrase in cases:
        expected = places.matching([phrase])
        total, per_report, _groups = everything(service, f'"{phrase}"')
        if (total, per_report) != (len(expected), _per_report(expected)):
            misses.append(f"{name} {kind} {phrase!r}: {total} vs {len(expected)}")
        files = {rid for rid, text in places.bodies.items() if fold_for_match(phrase) in text}
        titled = {key[0] for key in places.matching([phrase], scope="title")}
        if set(per_report) != files | titled:
            misses.append(f"{name} {kind} {phrase!r}: reports differ from the files holding it")
    assert not misses, misses[:10]


def test_seed_heading_of_issue_10_is_found_highlighted_with_its_anchor(service, places) -> None:
    result = service.search('"加强执法队伍和综合能力建设"')
    assert result.total == 1 and result.reports == 1
    (hit,) = result.groups[0].hits
    assert (hit.place, hit.seq) == ("heading", None)
    assert hit.snippet == "（四）坚持文明执法，<mark>加强执法队伍和综合能力建设</mark>"
    (key,) = places.matching(["加强执法队伍和综合能力建设"])
    assert hit.anchor == f"s-{key[2]}"


@pytest.mark.parametrize(("scope", "field"), [("title", "title"), ("title", "标题"), ("heading", "heading"),
                                               ("heading", "小标题")])
def test_title_and_heading_fields_narrow_to_those_places(service, places, scope: str, field: str) -> None:
    for word in ("法治政府", "2024", "建设", "依法", "压实领导责任"):
        expected = places.matching([word], scope=scope)
        total, per_report, groups = everything(service, f"{field}:{word}")
        assert (total, per_report) == (len(expected), _per_report(expected)), (field, word)
        assert all(hit.place == scope for group in groups for hit in group.hits)


def test_inline_heading_is_one_place_for_plain_search_and_a_heading_for_heading_field(
    service, places
) -> None:
    """（三）压实领导责任。按照… : a plain search finds ¶ (once), ``heading:`` finds the heading."""
    plain = service.search("压实领导责任")
    assert plain.total == 1 and plain.groups[0].hits[0].place == "passage"
    assert plain.groups[0].hits[0].text.startswith("（三）压实领导责任。按照")
    scoped = service.search("heading:压实领导责任")
    assert scoped.total == 1 and scoped.groups[0].hits[0].snippet == "（三）<mark>压实领导责任</mark>。"


def test_words_and_exclusions_combine_with_a_field(service, places) -> None:
    expected = places.matching(["法治", "建设"], ["政府"], scope="heading")
    total, per_report, _groups = everything(service, "heading:法治 建设 -政府")
    assert expected and (total, per_report) == (len(expected), _per_report(expected))


def test_title_and_heading_together_is_refused() -> None:
    with pytest.raises(QuerySyntaxError, match="不能同时使用"):
        parse("title:法治 heading:法治")
    with pytest.raises(QuerySyntaxError, match="heading:枫桥经验"):
        parse("heading:")
    with pytest.raises(QuerySyntaxError):
        parse("法治 OR title:法治")


# --- what users see: the reader and the result page agree with the index ---------------------

@pytest.fixture(scope="module")
def app(archive_config, app_for):
    return app_for(archive_config, PUBLIC_BASE_URL="https://fazhi.example.cn")


def _page(client, url: str):
    from bs4 import BeautifulSoup

    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_heading_hit_links_to_its_highlighted_heading_in_the_reader(client) -> None:
    page = _page(client, "/search?q=" + "加强执法队伍和综合能力建设")
    (link,) = [a for a in page.select(".hit-actions a") if "#s-" in a["href"]]
    path, anchor = link["href"].split("#")
    reader = _page(client, path)
    heading = reader.find(id=anchor)
    assert heading.name.startswith("h")
    assert heading.get_text() == "（四）坚持文明执法，加强执法队伍和综合能力建设"
    assert heading.find("mark").get_text() == "加强执法队伍和综合能力建设"


def test_title_hit_is_highlighted_in_the_reader(client) -> None:
    page = _page(client, "/search?q=" + "title:木凉镇2023年")
    (link,) = [a for a in page.select(".hit-actions a") if a["href"].endswith("#report-title")]
    reader = _page(client, link["href"].split("#")[0])
    assert reader.find(id="report-title").find("mark").get_text() == "木凉镇2023年"


def test_reader_paragraphs_are_the_files_and_inline_headings_are_not_repeated(client, places) -> None:
    """Seed 001: ¶4 is the file's fourth paragraph and opens with its styled heading, which is
    no separate heading; every ¶ of the page is a passage of the store; the citation of ¶4
    quotes the paragraph the reader shows as ¶4."""
    rid = next(rid for rid, files in places.files.items() if "001_832404b272c0b67c.txt" in files)
    reader = _page(client, f"/reports/{rid}?q=压实领导责任")
    shown = {int(div["id"][2:]): div.select_one(".ptext").get_text() for div in reader.select(".passage")}
    stored = {key[2]: place.text for place in places.places for key in [place.key]
              if key[0] == rid and key[1] == "passage"}
    assert shown == stored
    fourth = reader.find(id="p-4")
    inline = fourth.select_one(".inline-heading")
    assert inline.get_text() == "（三）压实领导责任。" and inline["id"].startswith("s-")
    assert inline.find("mark").get_text() == "压实领导责任"
    headings = [h.get_text() for h in reader.select(".sec-heading")]
    assert not any(text.startswith("（三）压实领导责任") for text in headings)
    assert headings[0].startswith("一、2024年党政主要负责人")  # a heading line stays a heading
    assert "（一）强化制度建设，以机制促法制。" not in shown.values()  # no ¶ is a bare heading
    assert shown[5].startswith("（一）强化制度建设，以机制促法制。一是进一步完善")
    cite = client.get(f"/api/reports/{rid}/passages/4/cite").get_json()
    assert cite["quote"] == "“" + shown[4].replace("“", "‘").replace("”", "’") + "”"
    assert cite["permalink"].endswith("?p=4#p-4")


def test_a_supplied_title_is_not_searchable_text(service) -> None:
    # 红江镇's report (seed 002) has no title: the archive's label [红江镇2023年法治政府建设情况报告]
    # must not make "法治政府建设情况报告" a hit in it, while the titled seed 003 matches by title.
    _total, _per_report, groups = everything(service, 'title:"法治政府建设情况报告"')
    townships = {group.township for group in groups}
    assert "北屏乡" in townships and "红江镇" not in townships
