"""Metadata extraction on the real corpora (tests/corpus: seeds, dev, web): every labelled
field of every file exactly, every `unknowable` field empty or right, never a wrong township or
county, and titles that are the document's own words or a supplied label in brackets."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from archive.describing.parse import parse_file
from archive.describing.sidecar import load_overrides
from archive.document import PROV_CLUE, PROV_COMPOSED, PROV_SIDECAR, PROV_TITLE_LINE, PROV_UNDECIDED
from archive.errors import UnreadableFile

CORPUS = Path(__file__).resolve().parent / "corpus"
SEEDS, DEV, WEB = CORPUS / "seeds", CORPUS / "dev", CORPUS / "web"
SHIPPED = Path(__file__).resolve().parents[1] / "data" / "reports"
FIELDS = ("township", "county", "city", "province", "report_year", "doc_type", "issue_date")
PLACE_FIELDS = ("township", "county", "city", "province")


def _rows(index: Path) -> list[dict[str, str]]:
    with index.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _value(metadata, field: str) -> str:
    if field == "report_year":
        return "" if metadata.year is None else str(metadata.year)
    return getattr(metadata, field)


_cache: dict[Path, object] = {}


def _metadata(path: Path):
    if path not in _cache:
        _cache[path] = parse_file(path)[2].metadata
    return _cache[path]


def _labelled_cases() -> list[tuple[Path, str, str, bool]]:
    """(file, field, label, unknowable) for every scored cell of the three label tables.

    The seeds' table labels every field, an empty issue_date meaning "not stated"; in the dev
    and web tables an empty cell is not labelled and not scored (their READMEs).
    """
    cases = []
    for folder, index in ((SEEDS, "labels.tsv"), (DEV, "INDEX.tsv"), (WEB, "INDEX.tsv")):
        for row in _rows(folder / index):
            unknowable = {name.strip() for name in (row.get("unknowable") or "").split(",") if name.strip()}
            for field in FIELDS:
                if row[field] or folder == SEEDS or field in unknowable:
                    cases.append((folder / row["file"], field, row[field], field in unknowable))
    return cases


CASES = _labelled_cases()


@pytest.mark.parametrize(("path", "field", "label", "unknowable"), CASES,
                         ids=[f"{c[0].parent.name}/{c[0].name}-{c[1]}" for c in CASES])
def test_labelled_field_is_extracted_exactly(path: Path, field: str, label: str, unknowable: bool) -> None:
    value = _value(_metadata(path), field)
    if unknowable:
        # Nothing in the text decides it: empty is right, a value must be the true one.
        assert value in ("", label)
    else:
        assert value == label


def test_every_corpus_file_is_labelled() -> None:
    # A file added to a corpus without a label row would silently escape the test above.
    for folder, index in ((SEEDS, "labels.tsv"), (DEV, "INDEX.tsv"), (WEB, "INDEX.tsv")):
        labelled = {row["file"] for row in _rows(folder / index)}
        assert labelled == {path.name for path in folder.glob("*.txt")}


@pytest.mark.parametrize(
    ("path", "title", "provenance"),
    [
        (SEEDS / "000_cde1628b69510f98.txt", "关于2023年法治政府建设工作的报告", PROV_TITLE_LINE),
        (SEEDS / "002_0bd4420a3e9538ce.txt", "[红江镇2023年法治政府建设情况报告]", PROV_COMPOSED),
        (SEEDS / "003_a9c7216add76d17d.txt", "城口县北屏乡2022年法治政府建设情况报告", PROV_TITLE_LINE),
        (SEEDS / "004_8711e1a2b86376af.txt", "关于印发《木凉镇2023年法治政府建设工作实施方案》的通知",
         PROV_TITLE_LINE),
        # breadcrumb, site name and 日期/作者/点击 line removed
        (WEB / "r003.txt", "中村乡人民政府关于2022年法治政府建设工作情况报告", PROV_TITLE_LINE),
        # the site's list title and the document's own organ + title: one title, not both joined
        (WEB / "r012.txt", "重庆市渝北区古路镇人民政府关于2024年法治政府建设情况的报告", PROV_TITLE_LINE),
        # traditional characters are shown as written; the site banner line is gone
        (WEB / "r027.txt", "湘潭縣云湖橋鎮2025年度法治政府建設情況報告", PROV_TITLE_LINE),
        # a title split over two lines (organ / 关于…)
        (WEB / "r033.txt", "尼山镇人民政府关于2024年度法治政府建设的情况报告", PROV_TITLE_LINE),
        # two wordings on consecutive lines: the first
        (WEB / "r078.txt", "垡头街道2023年度法治政府建设情况报告", PROV_TITLE_LINE),
        # no title line: the page's 标题 field, the spam first line ignored
        (WEB / "r030.txt", "皇城镇人民政府2025年度法治政府建设情况报告", "网页“标题”栏"),
        # untitled county-level reports are told apart by their place
        (WEB / "r015.txt", "[管城回族区2022年法治政府建设情况报告]", PROV_COMPOSED),
        (DEV / "d06.txt", "静海区2023年度法治政府建设情况报告", PROV_TITLE_LINE),
        # an untitled disclosure report is not labelled as a rule-of-law document
        (WEB / "r081.txt", "[易家街道2025年政府信息公开工作年度报告]", PROV_COMPOSED),
    ],
    ids=lambda value: value.name if isinstance(value, Path) else "",
)
def test_titles(path: Path, title: str, provenance: str) -> None:
    metadata = _metadata(path)
    assert (metadata.title, metadata.provenance["title"]) == (title, provenance)
    assert metadata.title_supplied == (provenance == PROV_COMPOSED)


ALL_FILES = sorted(SEEDS.glob("*.txt")) + sorted(DEV.glob("*.txt")) + sorted(WEB.glob("*.txt")) + sorted(
    SHIPPED.glob("*.txt"))
CLUTTER = re.compile(
    r"[|>»]|https?:|www\.|\.cn\b|位置|首页|网站|门户|日期\s*[:：]|时间\s*[:：]|作者|来源\s*[:：]|点击|浏览|字体|打印|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|索引号|政府信息公开$"
)


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_title_carries_no_page_clutter(path: Path) -> None:
    metadata = _metadata(path)
    assert metadata.title and not CLUTTER.search(metadata.title), metadata.title
    if metadata.title_supplied:
        assert metadata.title.startswith("[") and metadata.title.endswith("]")
    elif metadata.provenance["title"] == PROV_TITLE_LINE:
        # The document's own words: the title is in the text as written (lines joined).
        text = parse_file(path)[2].text.replace("\n", "")
        assert metadata.title in text
    else:  # the page's 标题/名称 field, as the page gives it
        assert metadata.title in path.read_text(encoding="utf-8")


def test_page_record_fields_are_stored() -> None:
    d04 = _metadata(DEV / "d04.txt")
    assert d04.page_fields["成文日期"] == "2026-02-10"
    assert d04.page_fields["索引号"] == "11370812004322138J/2026-00538"
    assert d04.page_fields["发布机构"] == "兖州区新驿镇"
    r084 = _metadata(WEB / "r084.txt")
    assert (r084.page_fields["发布机构"], r084.page_fields["成文日期"]) == ("武安镇人民政府", "2025-02-28")
    assert r084.issue_date == "2025-02-28" and r084.provenance["issue_date"] == "网页“发文日期”栏"
    # 发布日期 only when the page gives no 成文日期 and the document no signed date
    d06 = _metadata(DEV / "d06.txt")
    assert (d06.issue_date, d06.provenance["issue_date"]) == ("2024-03-28", "网页“发布时间”栏")


def test_year_is_the_year_reported_on_not_a_page_date() -> None:
    # r012's page says 日期:2025-03-11 above the title; the report is about 2024
    assert _metadata(WEB / "r012.txt").year == 2024
    # untitled: "现对2023年所做工作总结如下"
    r009 = _metadata(WEB / "r009.txt")
    assert (r009.year, r009.provenance["year"]) == (2023, "“现将…年…情况汇报如下”一句")


@pytest.mark.parametrize(("path", "doc_type", "why"), [
    # untitled, under the breadcrumb column 海丰县法治政府建设年度报告公开
    (WEB / "r054.txt", "年度报告", "网页栏目：法治政府建设年度报告"),
    (WEB / "r087.txt", "年度报告", "首段：“现将…汇报如下”"),
    (WEB / "r003.txt", "年度报告", "标题：法治（依法）工作报告"),
    (WEB / "r069.txt", "其他", "首段：非已知文件类型"),
    (WEB / "r081.txt", "其他", "标题：政府信息公开工作年度报告"),
    (DEV / "d05.txt", "其他", "标题：政府信息公开工作年度报告"),
], ids=lambda value: value.name if isinstance(value, Path) else "")
def test_type_gives_its_reason(path: Path, doc_type: str, why: str) -> None:
    metadata = _metadata(path)
    assert (metadata.doc_type, metadata.provenance["doc_type"]) == (doc_type, why)


def test_place_as_written_when_the_table_has_moved_the_township() -> None:
    # 2025 table: 古路镇 under 两江新区 (and 巫溪县); the report says 重庆市渝北区古路镇
    metadata = _metadata(WEB / "r012.txt")
    assert (metadata.township, metadata.county, metadata.city, metadata.province) == (
        "古路镇", "渝北区", "重庆市", "重庆市")
    assert any("现属" in note and "按原文" in note for note in metadata.notes)


def test_traditional_report_is_read_through_simplified_characters() -> None:
    metadata = _metadata(WEB / "r042.txt")
    assert (metadata.township, metadata.county, metadata.doc_type, metadata.year) == (
        "罗店镇", "宝山区", "年度报告", 2020)
    assert "羅店鎮" in metadata.title  # shown as written


def test_ambiguous_township_is_decided_by_a_recorded_clue() -> None:
    metadata = _metadata(SEEDS / "001_832404b272c0b67c.txt")
    assert metadata.provenance["county"] == PROV_CLUE.format("平安信阳指数 → 信阳市")
    assert metadata.provenance["county"] == "文中线索：平安信阳指数 → 信阳市"
    assert metadata.division_code.startswith("411526")


def test_undecidable_township_leaves_county_empty_and_says_why() -> None:
    metadata = _metadata(DEV / "d03.txt")
    assert (metadata.township, metadata.county, metadata.city, metadata.province) == ("龙溪镇", "", "", "")
    assert any("7" in note and "龙溪镇" in note for note in metadata.notes)
    assert metadata.provenance["county"] == PROV_UNDECIDED.format(7)


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_provenance_is_shown_in_chinese(path: Path) -> None:
    # Users read provenance in a Chinese interface (来源：…): no English phrase may reach them.
    provenance = _metadata(path).provenance
    assert provenance
    for field, why in provenance.items():
        # A web address (www.bjmy.gov.cn, the weak clue of a place) is a name, not English.
        words = re.sub(r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)+\b", "", why)
        assert re.search(r"[\u4e00-\u9fff]", why) and not re.search(r"[A-Za-z]{2,}", words), (field, why)


def test_sidecar_json_overrides_extracted_fields(tmp_path: Path) -> None:
    report = tmp_path / "d03.txt"
    report.write_bytes((DEV / "d03.txt").read_bytes())
    (tmp_path / "d03.txt.meta.json").write_text(
        json.dumps({"county": "武冈市", "city": "邵阳市", "province": "湖南省", "year": 2024}),
        encoding="utf-8",
    )
    metadata = parse_file(report)[2].metadata
    assert (metadata.county, metadata.city, metadata.year) == ("武冈市", "邵阳市", 2024)
    assert metadata.provenance["county"] == PROV_SIDECAR


def test_sidecar_stem_json_and_csv(tmp_path: Path) -> None:
    report = tmp_path / "x.txt"
    report.write_text("placeholder", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,title,doc_type\nx.txt,表中标题,其他\n", encoding="utf-8")
    assert load_overrides(report) == {"title": "表中标题", "doc_type": "其他"}
    (tmp_path / "x.meta.json").write_text('{"title": "JSON 标题"}', encoding="utf-8")
    assert load_overrides(report) == {"title": "JSON 标题", "doc_type": "其他"}


@pytest.mark.parametrize(
    "content",
    [
        "{not json", "[1, 2]", '{"colour": "red"}', '{"year": "23"}', '{"doc_type": "报告"}',
        '{"issue_date": "2023-13-01"}',
    ],
)
def test_invalid_sidecar_is_a_clear_error(tmp_path: Path, content: str) -> None:
    report = tmp_path / "x.txt"
    report.write_text("placeholder", encoding="utf-8")
    (tmp_path / "x.txt.meta.json").write_text(content, encoding="utf-8")
    with pytest.raises(UnreadableFile, match=r"元数据文件 x\.txt\.meta\.json"):
        load_overrides(report)


def test_sidecar_url_and_retrieved_are_the_reports_provenance(tmp_path: Path) -> None:
    report = tmp_path / "r003.txt"
    report.write_bytes((WEB / "r003.txt").read_bytes())
    sidecar = {"url": "http://www.lufeng.gov.cn/zwgk/fzzf/2023/0511.html",
               "retrieved": "2026-11-20T08:30:00+08:00"}
    (tmp_path / "r003.txt.meta.json").write_text(json.dumps(sidecar), encoding="utf-8")
    metadata = parse_file(report)[2].metadata
    assert metadata.source_url == "http://www.lufeng.gov.cn/zwgk/fzzf/2023/0511.html"
    assert metadata.retrieved == "2026-11-20T08:30:00+08:00"
    assert metadata.provenance["source_url"] == PROV_SIDECAR
    assert metadata.township == "中村乡"  # descriptive keys override no extracted field
    (tmp_path / "r003.txt.meta.json").write_text('{"url": "javascript:alert(1)"}', encoding="utf-8")
    with pytest.raises(UnreadableFile, match="url"):
        parse_file(report)


@pytest.mark.parametrize(("head", "doc_type"), [
    ("红江镇党委书记2023年度述法报告", "述法报告"),
    ("关于2023年度履行推进法治建设第一责任人职责情况的报告", "述法报告"),
    ("红江镇2023年法治建设工作情况报告", "年度报告"),
    ("红江镇依法治镇2023年工作总结", "年度报告"),
    ("红江镇2024年法治政府建设工作要点", "工作要点"),
    ("红江镇2024年法治政府建设工作安排", "工作要点"),
    ("红江镇2023年政府信息公开工作年度报告", "其他"),
    ("红江镇2023年安全生产工作总结", "其他"),
])
def test_type_of_every_phrasing(head: str, doc_type: str) -> None:
    from archive.describing.parse import parse_document
    from archive.document import RawDocument

    body = "2023年，红江镇坚持以习近平法治思想为指导，推进各项工作，现将有关情况报告如下：\n一、主要举措"
    metadata = parse_document(RawDocument(text=f"{head}\n{body}", media_type="text/plain")).metadata
    assert (metadata.title, metadata.doc_type) == (head, doc_type), metadata.provenance["doc_type"]


def test_an_organ_line_that_opens_the_title_is_still_its_issuer() -> None:
    metadata = _metadata(WEB / "r033.txt")
    assert metadata.title == "尼山镇人民政府关于2024年度法治政府建设的情况报告"
    assert (metadata.issuer, metadata.provenance["issuer"]) == ("尼山镇人民政府", "文头发文机关")
