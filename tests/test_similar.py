"""其他乡镇的类似做法 (``indexer.practices.similar``): passages naming the same practice first, then those
describing the same measure, each saying why, with the shared terms highlighted; template
passages, other years of the same township and reports of type 其他 never listed.

Checked on small stores whose every sentence the test chose, and on the shipped corpus, where a
passage about 信访 and the 枫桥经验 must first list the other townships that name 枫桥经验.
"""

from __future__ import annotations

from bs4 import BeautifulSoup

from indexer.index.build import rebuild
from indexer.service import SearchService
from tests.support.archives import make_config, sessions_of
from tests.support.stores import add_to_store, one_passage_report

TEMPLATE = ("坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，"
            "全面落实上级关于法治政府建设的决策部署。")
OWN = "本镇首创院坝调解议事会，由乡贤和律师每月两次上门调处邻里纠纷，全年化解纠纷四十七起。"
# The shipped report of 付店镇 (2024), ¶4: 信访 and the “枫桥经验” in one paragraph.
XINFANG = ("7365bbf97c5f", 4)


def test_similar_lists_the_same_practice_first_then_the_same_measure(tmp_path) -> None:
    config = make_config(tmp_path)
    source = add_to_store(config, one_passage_report(
        "坚持和发展新时代“枫桥经验”，推行院坝调解，组织乡贤上门调处邻里纠纷，全年化解纠纷47起。",
        township="甲镇"))
    named = add_to_store(config, one_passage_report(
        "乙镇深入推进“枫桥经验”落实落地，全年排查化解矛盾纠纷30件。", township="乙镇"))
    measure = add_to_store(config, one_passage_report(
        "丙镇推行院坝调解，组织乡贤上门调处邻里纠纷，化解纠纷二十起。", township="丙镇"))
    unrelated = add_to_store(config, one_passage_report("丁镇完成行政执法案卷评查十二卷。", township="丁镇"))
    copies = [add_to_store(config, one_passage_report(TEMPLATE + "院坝调解。", township=name))
              for name in ("戊镇", "己镇")]
    rebuild(config, sessions_of(config))
    found = SearchService(config).similar(source, 1)
    ids = [item.report_id for item in found]
    assert ids[:2] == [named, measure]
    assert found[0].reason == "practice" and found[0].practices == ["枫桥经验"]
    assert "枫桥经验" in found[0].terms
    assert found[1].reason == "measure" and "乡贤" in found[1].terms
    assert all(len(term) >= 2 for item in found for term in item.terms)
    assert source not in ids and unrelated not in ids
    # the copies are template passages (no sentence of their own): never listed
    assert not set(copies) & set(ids)
    assert SearchService(config).similar(source, 99) is None


def test_other_years_of_the_township_and_other_documents_are_not_elsewhere(tmp_path) -> None:
    config = make_config(tmp_path)
    source = add_to_store(config, one_passage_report("甲镇推行院坝调解，全年化解纠纷47起。", township="甲镇"))
    again = one_passage_report("甲镇继续推行院坝调解，全年化解纠纷52起。", township="甲镇")
    again.metadata.year = 2024
    same_township = add_to_store(config, again)
    other_type = one_passage_report("乙镇政府信息公开：院坝调解相关信息公开12条。", township="乙镇")
    other_type.metadata.doc_type = "其他"
    disclosure = add_to_store(config, other_type)
    elsewhere = add_to_store(config, one_passage_report("丙镇推行院坝调解，化解纠纷二十起。",
                                                        township="丙镇"))
    rebuild(config, sessions_of(config))
    ids = [item.report_id for item in SearchService(config).similar(source, 1)]
    assert ids == [elsewhere] and same_township not in ids and disclosure not in ids


def test_a_passage_about_fengqiao_lists_the_townships_naming_it_first(client) -> None:
    report_id, seq = XINFANG
    data = client.get(f"/api/reports/{report_id}/passages/{seq}/similar").get_json()
    naming = client.get("/api/practice", query_string={"name": "枫桥经验"}).get_json()["lineage"]
    others = {o["report_id"] for o in naming if o["report_id"] != report_id}
    listed = [item["report_id"] for item in data["similar"]]
    assert others and set(listed[:len(others)]) == others  # all of them, before anything else
    for item in data["similar"][:len(others)]:
        assert item["reason"] == "practice" and "枫桥经验" in item["practices"]
        assert "枫桥经验" in item["terms"]
    assert all(item["reason"] == "measure" for item in data["similar"][len(others):])
    for item in data["similar"]:  # no 政府信息公开年报 or other 其他 document
        assert client.get(f"/api/reports/{item['report_id']}").get_json()["doc_type"] != "其他"
        assert item["report_id"] != report_id


def test_similar_page_and_its_json_twin_agree_and_highlight_shared_terms(client) -> None:
    report_id, seq = XINFANG
    data = client.get(f"/api/reports/{report_id}/passages/{seq}/similar").get_json()
    assert data["report_id"] == report_id and data["similar"]
    page = BeautifulSoup(client.get(f"/reports/{report_id}/passages/{seq}/similar").get_data(as_text=True),
                         "html.parser")
    items = page.select(".similar-list li")
    assert len(items) == len(data["similar"])
    for item, html in zip(data["similar"], items, strict=True):
        href = html.select_one("a")["href"]
        assert href.endswith(f'/reports/{item["report_id"]}?p={item["seq"]}#p-{item["seq"]}')
        marked = "".join(mark.get_text() for mark in html.select(".similar-text mark"))
        assert marked and any(term in marked for term in item["terms"])
        assert ("同样点名" in html.select_one(".similar-why").get_text()) == (item["reason"] == "practice")
    missing = client.get(f"/api/reports/{report_id}/passages/9999/similar")
    assert missing.status_code == 404 and "第 9999 段" in missing.get_json()["error"]
