"""Citation strings against hand-worked examples (written out by hand, not generated)."""

from __future__ import annotations

from datetime import date

from web import citation
from web.citation import CitedPassage

ACCESSED = date(2025, 3, 8)
BASE = "https://fazhi.example.cn"


def pingshan(**changes) -> CitedPassage:
    fields = dict(
        report_id="cde1628b6951", title="关于2023年法治政府建设工作的报告", issuer="垫江县坪山镇人民政府",
        township="坪山镇", county="垫江县", city="重庆市", province="重庆市", year=2023,
        issue_date="2024-01-15", seq=7, text="坚持和发展新时代“枫桥经验”。",
        heading_path=["一、2023年法治政府建设工作开展情况", "（二）坚持依法治理"],
    )
    fields.update(changes)
    return CitedPassage(**fields)


def test_gbt7714_with_issue_date():
    got = citation.gbt7714(pingshan(), f"{BASE}/reports/cde1628b6951", ACCESSED)
    assert got == ("垫江县坪山镇人民政府. 关于2023年法治政府建设工作的报告[R/OL]. "
                   "(2024-01-15)[2025-03-08]. https://fazhi.example.cn/reports/cde1628b6951.")


def test_gbt7714_without_issue_date_omits_update_date():
    got = citation.gbt7714(pingshan(issue_date=""), f"{BASE}/reports/cde1628b6951", ACCESSED)
    assert got == ("垫江县坪山镇人民政府. 关于2023年法治政府建设工作的报告[R/OL]. "
                   "[2025-03-08]. https://fazhi.example.cn/reports/cde1628b6951.")


def test_issuer_falls_back_to_township_government_then_anonymous():
    assert citation.issuer_of(pingshan(issuer="")) == "垫江县坪山镇人民政府"
    assert citation.issuer_of(pingshan(issuer="", township="", county="")) == "佚名"


def test_cite_permalink_quote_and_source():
    got = citation.cite(pingshan(), BASE + "/", ACCESSED)
    assert got.permalink == "https://fazhi.example.cn/reports/cde1628b6951?p=7#p-7"
    assert got.report_url == "https://fazhi.example.cn/reports/cde1628b6951"
    assert got.quote == "“坚持和发展新时代‘枫桥经验’。”"
    assert got.source == (
        "——垫江县坪山镇人民政府《关于2023年法治政府建设工作的报告》（重庆市垫江县坪山镇，2023年），"
        "一、2023年法治政府建设工作开展情况 > （二）坚持依法治理，第7段"
    )
    assert got.text == f"{got.quote}\n{got.source}\n{got.permalink}"


def test_bibtex_entry():
    got = citation.bibtex(pingshan(), f"{BASE}/reports/cde1628b6951", ACCESSED)
    assert got == """@techreport{fazhi-cde1628b6951-p7,
  author = {{垫江县坪山镇人民政府}},
  title = {关于2023年法治政府建设工作的报告},
  institution = {{垫江县坪山镇人民政府}},
  type = {法治政府建设报告},
  address = {重庆市垫江县坪山镇},
  year = {2024},
  date = {2024-01-15},
  url = {https://fazhi.example.cn/reports/cde1628b6951},
  urldate = {2025-03-08},
  note = {一、2023年法治政府建设工作开展情况 > （二）坚持依法治理，第7段}
}"""


def test_bibtex_escapes_special_characters():
    got = citation.bibtex(pingshan(title="A&B {x} 50% #1"), "u", ACCESSED)
    assert "title = {A\\&B \\{x\\} 50\\% \\#1}" in got


def test_ris_record():
    got = citation.ris(pingshan(issue_date="", heading_path=[]), f"{BASE}/reports/cde1628b6951", ACCESSED)
    assert got == """TY  - RPRT
AU  - 垫江县坪山镇人民政府
TI  - 关于2023年法治政府建设工作的报告
PY  - 2023
CY  - 重庆市垫江县坪山镇
PB  - 垫江县坪山镇人民政府
UR  - https://fazhi.example.cn/reports/cde1628b6951
Y2  - 2025/03/08
N1  - 第7段
ID  - fazhi-cde1628b6951-p7
ER  - """


def test_ris_with_issue_date_has_da():
    got = citation.ris(pingshan(), "u", ACCESSED)
    assert "PY  - 2024\nDA  - 2024/01/15\n" in got


def test_combine_numbers_gbt_list():
    cites = [citation.cite(pingshan(), BASE, ACCESSED), citation.cite(pingshan(seq=9), BASE, ACCESSED)]
    body, mimetype, ext = citation.combine(cites, "gbt")
    assert (mimetype, ext) == ("text/plain", "txt")
    assert body.splitlines()[0].startswith("[1] 垫江县坪山镇人民政府. ")
    assert body.splitlines()[1].startswith("[2] ")
    bib, _, ext = citation.combine(cites, "bibtex")
    assert ext == "bib" and "fazhi-cde1628b6951-p7" in bib and "fazhi-cde1628b6951-p9" in bib


def test_title_fallback():
    assert citation.title_of(pingshan(title="")) == "垫江县坪山镇2023年法治政府建设报告"
