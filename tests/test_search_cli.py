"""The ``index`` and ``search`` subcommands of ``python -m fazhi``."""

from __future__ import annotations

import json

import pytest

from fazhi.cli import main
from indexer.matching import pasted
from tests.support.archives import make_config
from tests.support.stores import fill_store, seed_and_dev_files


def run(argv: list[str]) -> int:
    return main(argv)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHIVE_HOME", str(tmp_path))
    monkeypatch.delenv("ARCHIVE_DATABASE_URL", raising=False)
    fill_store(make_config(tmp_path), seed_and_dev_files()[:3])
    return tmp_path


def test_index_then_search_json_and_listing(home, capsys) -> None:
    assert run(["index"]) == 0
    assert "索引完成" in capsys.readouterr().out
    assert run(["search", "矛盾纠纷", "--json", "--per-page", "2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] > 0 and data["per_page"] == 2 and len(data["groups"]) <= 2
    year = data["facets"]["year"][0][0]
    assert run(["search", "矛盾纠纷", "--year", str(year), "--sort", "year"]) == 0
    listing = capsys.readouterr().out
    assert listing.startswith("共 ") and "【矛盾纠纷】" in listing and "#p-" in listing


def test_malformed_query_exits_2_with_a_message(home, capsys) -> None:
    run(["index"])
    capsys.readouterr()
    assert run(["search", '"枫桥经验']) == 2
    assert "引号" in capsys.readouterr().err


def test_a_repeated_filter_means_any_of_its_values(home, capsys) -> None:
    run(["index"])
    capsys.readouterr()

    def totals(*filters: str) -> tuple[int, int]:
        assert run(["search", "法治", "--json", *filters]) == 0
        data = json.loads(capsys.readouterr().out)
        return data["total"], data["reports"]

    assert run(["search", "法治", "--json"]) == 0
    years = [str(entry[0]) for entry in json.loads(capsys.readouterr().out)["facets"]["year"]][:2]
    assert len(years) == 2, "the three reports span two years"
    both = totals("--year", years[0], "--year", years[1])
    singles = [totals("--year", year) for year in years]
    assert both == (singles[0][0] + singles[1][0], singles[0][1] + singles[1][1])
    assert min(singles) > (0, 0)


def test_pasted_text_is_looked_up_clause_by_clause(home, capsys) -> None:
    run(["index"])
    capsys.readouterr()
    assert run(["search", "法治", "--json", "--per-page", "1"]) == 0
    report_id = json.loads(capsys.readouterr().out)["groups"][0]["report_id"]
    assert run(["show", report_id, "--json"]) == 0
    sections = json.loads(capsys.readouterr().out)["sections"]
    text = next(p["text"] for s in sections for p in s["passages"] if pasted.reading(p["text"]))
    assert run(["search", text]) == 0
    listing = capsys.readouterr().out
    assert "按粘贴的段落查找出处" in listing and f"[{report_id}]  共有" in listing
    assert run(["search", text, "--passage", "no", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["mode"] == "search"
