"""Excerpts say so: a file that holds only part of a document (the opening of a web page) carries
the sidecar flag ``excerpt``, which is stored with the report, sent in its JSON and shown in the
reader above the text (the quote and every citation format: tests/test_citation.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from archive.describing.parse import parse_file
from archive.describing.sidecar import load_overrides
from archive.document import PROV_SIDECAR
from archive.errors import UnreadableFile
from tests.support.paths import CORPUS, SHIPPED_DIR
from tests.support.web_archive import reports_by_file

WEB = CORPUS / "web"


def _copy(tmp_path: Path, name: str = "r003.txt") -> Path:
    report = tmp_path / name
    report.write_bytes((WEB / name).read_bytes())
    return report


def test_sidecar_excerpt_is_stored_as_a_flag_with_its_provenance(tmp_path: Path) -> None:
    report = _copy(tmp_path)
    assert parse_file(report)[2].metadata.excerpt is False  # no sidecar: a whole document
    (tmp_path / "r003.txt.meta.json").write_text(json.dumps({"excerpt": True}), encoding="utf-8")
    metadata = parse_file(report)[2].metadata
    assert metadata.excerpt is True and metadata.provenance["excerpt"] == PROV_SIDECAR
    (tmp_path / "r003.txt.meta.json").write_text(json.dumps({"excerpt": False}), encoding="utf-8")
    assert parse_file(report)[2].metadata.excerpt is False


@pytest.mark.parametrize(("cell", "flag"),
                         [("true", "true"), ("是", "true"), ("0", "false"), ("FALSE", "false")])
def test_metadata_csv_excerpt_cell(tmp_path: Path, cell: str, flag: str) -> None:
    report = _copy(tmp_path)
    (tmp_path / "metadata.csv").write_text(f"file,excerpt\nr003.txt,{cell}\n", encoding="utf-8")
    assert load_overrides(report) == {"excerpt": flag}


@pytest.mark.parametrize("value", ['"maybe"', '"节选"', "2", "null"])
def test_an_unreadable_excerpt_flag_is_a_clear_error_not_a_silent_no(tmp_path: Path, value: str) -> None:
    report = _copy(tmp_path)
    (tmp_path / "r003.txt.meta.json").write_text(f'{{"excerpt": {value}}}', encoding="utf-8")
    with pytest.raises(UnreadableFile, match="excerpt"):
        load_overrides(report)


def test_every_shipped_excerpt_is_flagged_and_no_whole_report_is() -> None:
    """The shipped sidecars' ``source`` says which files are 节选 (the web and dev corpora: the
    opening part of each page); the flag must agree with it for every one of the 40."""
    flagged, described = set(), set()
    for sidecar in SHIPPED_DIR.glob("*.txt.meta.json"):
        data = json.loads(sidecar.read_text(encoding="utf-8"))
        if data.get("excerpt") is True:
            flagged.add(sidecar.name)
        if "节选" in data.get("source", ""):
            described.add(sidecar.name)
    assert flagged == described
    assert len(flagged) == 35 and len(list(SHIPPED_DIR.glob("*.txt"))) == 40


@pytest.mark.slow  # every report's JSON and reader page
def test_report_json_and_reader_say_excerpt(client) -> None:
    reports = reports_by_file(client)
    assert len(reports) == 40
    excerpts = {name for name, report in reports.items() if report["excerpt"]}
    assert excerpts == {name for name in reports if name.startswith(("web_", "dev_"))}
    for name, report in reports.items():
        html = client.get(f"/reports/{report['report_id']}").get_data(as_text=True)
        page = BeautifulSoup(html, "html.parser")
        note = page.select_one("article.reader .excerpt-note")
        if report["excerpt"]:
            # Above the text, before the first paragraph, where a reader starts.
            first = page.select_one(".fulltext")
            assert note is not None and "节选" in note.get_text(), name
            assert note.find_next(class_="fulltext") is first
        else:
            assert note is None, name
