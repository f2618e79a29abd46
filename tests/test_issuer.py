"""The issuer (the author a citation names): as the document or its page writes it, never a site's
byline or a value with digits, else supplied by the archive in [brackets] and flagged so.

One test per kind of clue, on the real reports where the shipped corpora have one and on
written examples of the same kind: a byline in a 来源 field, a garbled record with a number, an
organ opening the title, a 街道 (its 办事处), a joint issue, traditional characters.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from archive.describing.issuer import credible_issuer, supplied_author, title_organ, why_not_issuer
from archive.describing.parse import parse_file
from archive.document import (
    PROV_AUTHOR_SUPPLIED,
    PROV_HEADER_LINE,
    PROV_SIDECAR,
    PROV_TITLE_ORGAN,
    PROV_UNNAMED_TOWNSHIP,
)
from tests.support.cli import run_cli
from tests.support.paths import CORPUS, SHIPPED_DIR

WEB, SEEDS = CORPUS / "web", CORPUS / "seeds"


@pytest.mark.parametrize("value", [
    "本网", "本站", "本单位", "原创", "廉江市人民政府网", "中国吉水网", "某某县人民政府门户网站",
    "某某县融媒体中心", "某某日报", "www.lianjiang.gov.cn", "admin",
])
def test_a_sites_byline_is_never_an_issuer(value: str) -> None:
    assert not credible_issuer(value)


@pytest.mark.parametrize("value", ["2025", "虎跳峡镇人民政府2025年法治政府建设工作报告：2025",
                                   "将镛委〔2025〕5号"])
def test_a_value_with_digits_is_never_an_issuer(value: str) -> None:
    assert why_not_issuer(value) == "含数字"


@pytest.mark.parametrize("value", [
    "中共垫江县坪山镇委员会", "长沙市天心区坡子街街道办事处", "静海区人民政府办公室", "本溪市人民政府",
    "城口县北屏乡", "湘潭縣云湖橋鎮人民政府",
])
def test_an_organ_or_place_as_written_is_an_issuer(value: str) -> None:
    assert credible_issuer(value)


@pytest.mark.parametrize(("title", "organ"), [
    ("虎跳峡镇人民政府2025年法治政府建设工作报告", "虎跳峡镇人民政府"),
    ("重庆市渝北区古路镇人民政府关于2024年法治政府建设情况的报告", "重庆市渝北区古路镇人民政府"),
    ("长沙市天心区坡子街街道办事处2022年法治政府建设年度报告", "长沙市天心区坡子街街道办事处"),
    ("中共坪山镇委员会坪山镇人民政府关于2023年法治政府建设工作的报告", "中共坪山镇委员会、坪山镇人民政府"),
    ("某某县人民政府办公室关于2023年度法治政府建设情况的报告", "某某县人民政府办公室"),
    ("湘潭縣云湖橋鎮人民政府2025年度法治政府建設情況報告", "湘潭縣云湖橋鎮人民政府"),  # as written
    ("关于2023年法治政府建设工作的报告", ""),
    ("城口县北屏乡2022年法治政府建设情况报告", ""),  # a place, not an organ
    ("某某县法治政府2023年建设情况报告", ""),  # 法治政府 is the subject, not an issuer
    ("某某镇人民政府法治政府建设情况报告", ""),  # no 关于 or year after the organ: not read
])
def test_the_organ_a_title_opens_with(title: str, organ: str) -> None:
    assert title_organ(title) == organ


class Place:
    def __init__(self, township: str, county: str, provenance: dict[str, str] | None = None) -> None:
        self.township, self.county, self.provenance = township, county, provenance or {}


@pytest.mark.parametrize(("township", "county", "author"), [
    ("坪山镇", "垫江县", "[垫江县坪山镇人民政府]"),
    ("北屏乡", "城口县", "[城口县北屏乡人民政府]"),
    ("垡头街道", "朝阳区", "[朝阳区垡头街道办事处]"),  # a 街道 is run by its 办事处, it has no 人民政府
    ("龙溪镇", "", "[龙溪镇人民政府]"),  # county undecided: the township alone
    ("", "合阳县", "[合阳县人民政府]"),
    ("", "", ""),
])
def test_the_supplied_author_is_the_places_government_in_brackets(township: str, county: str,
                                                                   author: str) -> None:
    assert supplied_author(Place(township, county)) == author


def test_a_township_that_never_names_itself_has_no_government_to_supply() -> None:
    # 合阳县's government did not issue 某镇's report: the author is unknown (佚名), not supplied.
    unnamed = {"township": PROV_UNNAMED_TOWNSHIP.format("镇")}
    assert supplied_author(Place("", "合阳县", unnamed)) == ""


def _metadata(path: Path):
    return parse_file(path)[2].metadata


def test_a_source_field_byline_gives_way_to_a_supplied_author_and_a_note_says_why() -> None:
    meta = _metadata(WEB / "r051.txt")  # 来源:本网, a title without an organ
    assert (meta.issuer, meta.author_supplied) == ("[廉江市吉水镇人民政府]", True)
    assert meta.provenance["issuer"] == PROV_AUTHOR_SUPPLIED
    assert any("本网" in note and "网站署名" in note for note in meta.notes)


def test_the_organ_a_title_opens_with_beats_a_source_field() -> None:
    meta = _metadata(WEB / "r066.txt")  # 来源 虎跳峡镇; title 虎跳峡镇人民政府2025年…
    assert (meta.issuer, meta.author_supplied, meta.provenance["issuer"]) == (
        "虎跳峡镇人民政府", False, PROV_TITLE_ORGAN)


def test_an_organ_the_header_names_stays_as_written() -> None:
    meta = _metadata(SEEDS / "000_cde1628b69510f98.txt")
    assert (meta.issuer, meta.author_supplied, meta.provenance["issuer"]) == (
        "中共垫江县坪山镇委员会、垫江县坪山镇人民政府", False, PROV_HEADER_LINE)


def test_a_street_without_an_issuer_is_cited_as_its_office() -> None:
    meta = _metadata(WEB / "r078.txt")
    assert (meta.issuer, meta.author_supplied) == ("[朝阳区垡头街道办事处]", True)


def test_a_sidecar_issuer_is_a_persons_word_and_the_supplied_author_follows_a_sidecar_place(
        tmp_path: Path) -> None:
    report = tmp_path / "r051.txt"
    shutil.copy(WEB / "r051.txt", report)
    sidecar = report.with_name("r051.txt.meta.json")
    sidecar.write_text(json.dumps({"issuer": "吉水镇党政办公室"}), encoding="utf-8")
    meta = _metadata(report)
    assert (meta.issuer, meta.author_supplied, meta.provenance["issuer"]) == (
        "吉水镇党政办公室", False, PROV_SIDECAR)
    sidecar.write_text(json.dumps({"township": "石岭镇"}), encoding="utf-8")
    assert _metadata(report).issuer == "[廉江市石岭镇人民政府]"


def test_no_shipped_report_names_a_byline_or_a_number_and_every_supplied_author_is_marked() -> None:
    supplied = 0
    for path in sorted(SHIPPED_DIR.glob("*.txt")):
        meta = _metadata(path)
        bracketed = meta.issuer.startswith("[") and meta.issuer.endswith("]")
        assert meta.author_supplied == bracketed, path.name
        unknown = path.name == "web_r048.txt"  # a township that never writes its name: none to supply
        assert meta.author_supplied or credible_issuer(meta.issuer) or (unknown and not meta.issuer), (
            path.name, meta.issuer)
        supplied += meta.author_supplied
    assert supplied == 20  # of 40: the reports that name no issuer anywhere, and whose place is known


@pytest.mark.slow  # the CLI, in subprocesses
def test_a_correction_of_the_place_or_the_issuer_carries_the_supplied_author(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(WEB / "r051.txt", folder / "r051.txt")
    home = tmp_path / "home"
    assert run_cli("ingest", "--no-index", str(folder), home=home).returncode == 0
    [report] = json.loads(run_cli("reports", "--json", home=home).stdout)
    rid = report["report_id"]

    def shown() -> dict:
        return json.loads(run_cli("show", rid, "--json", home=home).stdout)

    assert (shown()["issuer"], shown()["author_supplied"]) == ("[廉江市吉水镇人民政府]", True)
    assert run_cli("set", rid, "township=石岭镇", home=home).returncode == 0
    assert (shown()["issuer"], shown()["author_supplied"]) == ("[廉江市石岭镇人民政府]", True)
    assert run_cli("set", rid, "issuer=吉水镇人民政府", home=home).returncode == 0
    assert (shown()["issuer"], shown()["author_supplied"]) == ("吉水镇人民政府", False)
    assert run_cli("set", rid, "issuer=", home=home).returncode == 0
    assert (shown()["issuer"], shown()["author_supplied"]) == ("[廉江市石岭镇人民政府]", True)
