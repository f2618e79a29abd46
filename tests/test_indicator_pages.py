"""The indicator table's pages and files on the shipped corpus (plus the web tests' hostile report).

What must hold: ``/indicators``, its JSON twin, the CSV and the JSON export list exactly the
figures the extractor reads from the stored reports (computed here from the store, not from
the index the pages read); every figure links to the reader at a passage that holds it verbatim,
marked there; the filters narrow as search's do; ``indicator:`` in search finds exactly the
passages with such figures; the comparison lines up the shared measures; the CLI prints the
same table; a report ingested later has its figures at once; report text is never markup.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from archive.store.db import Report
from fazhi.cli import main
from indexer.analysis.indicators import Context, extract
from tests.support.archives import make_config, open_archive, sessions_of, write_reports
from tests.support.paths import SHIPPED_DIR


@pytest.fixture(scope="module")
def app(web_archive, app_for):
    return app_for(web_archive, TODAY=date(2025, 3, 8))


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def from_store(config) -> dict[tuple, tuple]:
    """The extractor run over every stored passage: (report, ¶, start, end) → (measure, value, unit, kind)."""
    found: dict[tuple, tuple] = {}
    with sessions_of(config)() as session:
        for report in session.scalars(select(Report)):
            for passage in report.passages:
                context = Context(report.id, passage.seq, report.year, passage.section_kind, report.doc_type)
                for figure in extract(passage.text, context):
                    if not figure.unsure:
                        found[(report.id, passage.seq, figure.start, figure.end)] = (
                            figure.measure, figure.value, figure.unit, figure.kind)
    return found


def csv_rows(response) -> list[dict]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def paragraphs(sections: list[dict]) -> dict[int, str]:
    """¶ seq → text of a report's section tree (``/api/reports/<id>``)."""
    found: dict[int, str] = {}
    for section in sections:
        found.update((p["seq"], p["text"]) for p in section["passages"])
        found.update(paragraphs(section["children"]))
    return found


def linked(href: str) -> tuple[str, int, int, int]:
    """(report, ¶, start, end) a figure's reader link points at."""
    parts = urlsplit(href)
    args = parse_qs(parts.query)
    start, end = map(int, args["fig"][0].split("-"))
    assert parts.fragment == f"p-{args['p'][0]}"
    return parts.path.rsplit("/", 1)[1], int(args["p"][0]), start, end


def test_page_csv_and_json_agree_with_the_extractor(client, web_archive):
    expected = from_store(web_archive)
    assert len(expected) >= 99  # the labelled figures of the shipped reports, and the hostile one's
    rows = csv_rows(client.get("/indicators.csv"))
    assert {(r["report_id"], int(r["seq"]), int(r["start"]), int(r["end"])): (
        r["measure"], float(r["value"]), r["unit"], r["kind"]) for r in rows} == expected
    assert len(rows) == len(expected)
    exported = client.get("/api/indicators/figures").get_json()["figures"]
    assert {(f["report_id"], f["seq"], f["start"], f["end"]) for f in exported} == set(expected)
    table = client.get("/api/indicators").get_json()
    listed = [f for m in table["measures"] for row in m["rows"] for f in row["figures"]]
    assert {(f["report_id"], f["seq"], f["start"], f["end"]) for f in listed} == set(expected)
    assert table["figures"] == len(expected) and all(m["more"] == 0 for m in table["measures"])
    page = soup(client.get("/indicators"))
    assert {linked(a["href"]) for a in page.select("a.figure-link")} == set(expected)


@pytest.mark.slow  # opens the reader at every figure
def test_every_figure_links_to_a_passage_holding_it_verbatim(client):
    rows = csv_rows(client.get("/indicators.csv"))
    reports: dict[str, dict[int, str]] = {}
    for row in rows:
        texts = reports.setdefault(row["report_id"], paragraphs(
            client.get(f"/api/reports/{row['report_id']}").get_json()["sections"]))
        start, end, seq = int(row["start"]), int(row["end"]), int(row["seq"])
        assert texts[seq][start:end] == row["figure"] and row["passage"] == texts[seq], row
        assert row["figure"] in row["passage"]
    for row in rows:
        page = soup(client.get(urlsplit(row["url"]).path + "?" + urlsplit(row["url"]).query))
        current = page.select(f"#p-{row['seq']} span.figure.is-current")
        assert [span.get_text() for span in current] == [row["figure"]], row
        assert row["measure"] in current[0]["title"]


def test_the_reader_marks_every_figure_and_its_json_lists_them(client):
    rows = csv_rows(client.get("/indicators.csv"))
    report_id = max({r["report_id"] for r in rows}, key=lambda rid: sum(r["report_id"] == rid for r in rows))
    mine = [r for r in rows if r["report_id"] == report_id]
    page = soup(client.get(f"/reports/{report_id}"))
    assert sorted(span.get_text() for span in page.select("span.figure")) == sorted(r["figure"] for r in mine)
    assert not page.select("span.figure.is-current")  # none asked for
    data = client.get(f"/api/reports/{report_id}").get_json()
    listed = [(int(r["seq"]), int(r["start"])) for r in mine]
    assert [(f["seq"], f["start"]) for f in data["figures"]] == listed


def test_filters_narrow_like_search(client):
    everything = csv_rows(client.get("/indicators.csv"))
    by_year = csv_rows(client.get("/indicators.csv?year=2022..2023"))
    assert by_year and {r["year"] for r in by_year} <= {"2022", "2023"}
    assert by_year == [r for r in everything if r["year"] in ("2022", "2023")]
    short = client.get("/api/indicators", query_string={"county": "城口"}).get_json()
    assert short["notes"] and all(row["county"] == "城口县" for m in short["measures"] for row in m["rows"])
    litigation = client.get("/api/indicators", query_string={"measure": "行政诉讼"}).get_json()
    assert {m["name"] for m in litigation["measures"]} <= {"行政诉讼件数", "行政诉讼败诉件数"}
    assert litigation["figures"] == sum(r["measure"].startswith("行政诉讼") for r in everything)
    annual = csv_rows(client.get("/indicators.csv?type=年度报告"))
    assert annual and all(r["doc_type"] == "年度报告" for r in annual) and len(annual) < len(everything)
    assert csv_rows(client.get("/indicators.csv?kind=target")) == [
        r for r in everything if r["kind"] == "target"]
    for bad in ("measure=没有这个", "kind=maybe", "year=abcd", "type=不存在的类型"):
        assert client.get(f"/api/indicators?{bad}").status_code == 400
        response = client.get(f"/indicators?{bad}")
        assert response.status_code == 400 and soup(response).select_one(".alert") is not None


def test_a_measures_page_has_its_charts_linking_to_the_filtered_table(client):
    page = soup(client.get("/indicators", query_string={"measure": "学法次数"}))
    charts = page.select("svg.spread-chart")
    assert len(charts) == 2 and "<script" not in str(charts[0]) and "style=" not in str(charts[0])
    rows = csv_rows(client.get("/indicators.csv?measure=学法次数"))
    bars = charts[0].select("a[href]")
    counts = {}
    for row in rows:
        counts.setdefault(row["year"], set()).add(row["report_id"])
    assert [a["aria-label"].split("：")[0] for a in bars] == sorted(counts)
    for bar in bars:
        year = bar["aria-label"].split("：")[0]
        assert f"{len(counts[year])} 份报告" in bar["aria-label"]
        filtered = client.get(bar["href"]).get_data(as_text=True)
        assert f"year={year}" in bar["href"] and "学法次数" in filtered
    assert not soup(client.get("/indicators")).select("svg.spread-chart")  # charts per chosen measure


def test_unsure_figures_are_listed_apart(client):
    data = client.get("/api/indicators").get_json()
    assert [f["text"] for f in data["unsure"]] == ["50余件"]  # dev_d03: a hotline's cases
    assert all(f["unsure"] for f in data["unsure"])
    listed = {(f["report_id"], f["seq"], f["start"]) for m in data["measures"] for r in m["rows"]
              for f in r["figures"]}
    apart = data["unsure"][0]
    assert (apart["report_id"], apart["seq"], apart["start"]) not in listed
    assert "50余件" in soup(client.get("/indicators")).select_one(".indicator-unsure").get_text()


def test_report_text_is_never_markup(client):
    rows = csv_rows(client.get("/indicators.csv"))
    hostile = [r for r in rows if "onmouseover" in r["passage"] or "<script>" in r["passage"]]
    assert hostile and hostile[0]["figure"] == "12件" and hostile[0]["measure"] == "纠纷调解件数"
    formula = [r for r in rows if r["passage"].lstrip("'").startswith(("=", "+", "-", "@"))]
    assert all(r["passage"].startswith("'") for r in formula)
    for url in (hostile[0]["url"].split("localhost", 1)[1], "/indicators?measure=纠纷调解件数"):
        page = soup(client.get(url))
        assert [tag.get("src") for tag in page.select("script")] == ["/static/app.js"]
        assert not [tag for tag in page.find_all(True) if any(a.startswith("on") for a in tag.attrs)]


def test_search_by_measure_finds_exactly_the_passages_with_its_figures(client, web_archive):
    expected = from_store(web_archive)
    wanted = {(rid, seq) for (rid, seq, _s, _e), (measure, *_rest) in expected.items()
              if measure in ("行政诉讼件数", "行政诉讼败诉件数", "纠纷调解件数")}
    from indexer.service import SearchService

    service = SearchService(web_archive)
    found = set(service.passage_ids("indicator:行政诉讼")) | set(service.passage_ids("指标：纠纷调解件数"))
    assert found == wanted
    result = client.get("/api/search", query_string={"q": "矛盾纠纷 indicator:纠纷调解件数"}).get_json()
    hits = {(g["report_id"], h["seq"]) for g in result["groups"] for h in g["hits"]}
    assert result["total"] and hits <= wanted and result["notes"] == []
    bad = client.get("/api/search", query_string={"q": "indicator:没有这个指标"})
    assert bad.status_code == 400 and "行政诉讼件数" in bad.get_json()["error"]


def test_compare_lines_up_the_shared_measures(client):
    rows = csv_rows(client.get("/indicators.csv?measure=纠纷调解件数"))
    ids = sorted({r["report_id"] for r in rows})[:2]
    data = client.get("/api/compare", query_string={"ids": ",".join(ids)}).get_json()
    shared = {row["measure"]: row["cells"] for row in data["indicators"]}
    assert "纠纷调解件数" in shared
    for report_id, cell in zip(ids, shared["纠纷调解件数"], strict=True):
        assert {f["text"] for f in cell} == {r["figure"] for r in rows if r["report_id"] == report_id}
    page = soup(client.get("/compare", query_string={"ids": ",".join(ids)}))
    block = page.select_one(".compare-indicators")
    assert block is not None and "纠纷调解件数" in block.get_text()
    assert page.select_one(".kind-nav a[href='#k-indicators']") is not None


def test_cli_prints_the_same_table(web_archive, client, monkeypatch, capsys):
    monkeypatch.setenv("ARCHIVE_HOME", str(web_archive.home))
    monkeypatch.delenv("ARCHIVE_DATABASE_URL", raising=False)
    assert main(["indicators", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    exported = client.get("/api/indicators/figures").get_json()["figures"]
    assert [(f["report_id"], f["seq"], f["start"], f["measure"]) for f in printed["figures"]] == [
        (f["report_id"], f["seq"], f["start"], f["measure"]) for f in exported]
    assert main(["indicators", "--measure", "行政诉讼", "--year", "2022"]) == 0
    listing = capsys.readouterr().out
    assert listing.startswith("共 1 个数字") and "行政诉讼件数" in listing and "0件" in listing
    assert main(["indicators", "--measure", "没有这个"]) == 2
    assert "没有指标" in capsys.readouterr().err


def test_a_report_ingested_later_has_its_figures_at_once(tmp_path, make_archive, app_for):
    config = make_archive(sorted(SHIPPED_DIR.glob("dev_d0*.txt")))
    app = app_for(config)
    before = csv_rows(app.test_client().get("/indicators.csv"))
    added = write_reports(tmp_path / "new", {"新增镇2024年法治政府建设情况报告.txt": (
        "新增镇2024年法治政府建设情况报告\n2024年，新增镇全年受理行政复议案件3件，行政诉讼案件2件（败诉0件）。\n"
        "三、2025年工作安排\n力争全镇矛盾纠纷调解成功率达到98%以上。\n")})
    open_archive(config).ingest(added, workers=1)
    after = csv_rows(app.test_client().get("/indicators.csv"))
    new = [(r["figure"], r["measure"], r["kind"], r["period"]) for r in after if r not in before]
    assert new == [("3件", "行政复议件数", "result", "2024"), ("2件", "行政诉讼件数", "result", "2024"),
                   ("0件", "行政诉讼败诉件数", "result", "2024"),
                   ("98%以上", "纠纷调解成功率", "target", "2025")]
    assert len(after) == len(before) + 4


def test_no_index_is_a_503(tmp_path, client_for):
    client = client_for(make_config(tmp_path))
    assert client.get("/api/indicators").status_code == 503
    assert client.get("/indicators.csv").status_code == 503
    page = client.get("/indicators")
    assert page.status_code == 503 and re.search("索引", page.get_data(as_text=True))
