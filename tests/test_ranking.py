"""Relevance pinned on a fixture corpus whose right order is known before the search runs.

Why a corpus of its own: on the real reports every order is plausible, so no test there could
say which report *must* come first, and reversing the ranking failed none. Here each query has
a pair of reports written for it — one the ranking must put first and one it must put after:
dense vs sparse mentions, a township's concrete practice vs a short heading naming the query,
the words as typed vs the same words scattered (the phrase boost), a township's own practice vs
stock wording several townships repeat (which ``indexer.ranking.bm25f.originality`` pushes down).
Filler paragraphs keep the query words rare, as they are in a real archive
(``ranking.scoring_query`` drops words found in most passages).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import indexer.ranking.order as order_module
from archive.config import ArchiveConfig
from indexer.ranking import bm25f as ranking
from indexer.service import SearchService
from tests.support.archives import build_archive, write_reports

FILLER = (
    "加强机关作风建设，开展专题学习会议，落实各项工作制度。",
    "完善财务管理制度，规范公务接待，严格执行预算安排。",
    "推进村级档案整理，做好数据统计，按时报送各类材料。",
    "组织干部参加业务培训，提升服务群众的能力和水平。",
)
TEMPLATE = "坚持和发展新时代枫桥经验，枫桥经验引领基层治理，把枫桥经验贯穿矛盾纠纷化解全过程。"


def _report(town: str, *paragraphs: str) -> str:
    """A report of ``town``: title, the given paragraphs (a line starting 一、 is a heading), filler."""
    return "\n".join([f"{town}2023年法治政府建设情况报告", *paragraphs, *FILLER]) + "\n"


REPORTS = {
    # dense vs sparse: 网格调解 three times in a short paragraph vs once in a long one
    "dense.txt": _report("甲子镇", "网格调解化解纠纷，网格调解进村入户，网格调解成效明显。"),
    "sparse.txt": _report("乙丑镇", "今年以来，镇党委政府统筹推进乡村振兴、安全生产、生态环境保护等重点任务，"
                          "多次召开专题会议研究部署，同时开展网格调解工作，各站所密切配合，村社干部履职"
                          "尽责，全年各项指标均按计划完成，群众满意度进一步提高。"),
    # heading vs body: 法律明白人 as a short section heading vs once in a long paragraph that
    # reports the township's own work (两千余份)
    "heading.txt": _report("丙寅镇", "一、法律明白人", "全镇各村完成骨干队伍培养任务。"),
    "body.txt": _report("丁卯镇", "本镇结合实际制定年度普法计划，利用赶集日设置咨询台，发放宣传资料两千余份，"
                        "并组织法律明白人参加学习，通过以案释法提高村民守法意识，村规民约修订工作全部"
                        "完成，矛盾隐患排查做到每月一次。"),
    # phrase vs scattered: 巡回审判 as typed in a longer paragraph vs 巡回 … 审判 in a shorter one
    "phrase.txt": _report("戊辰镇", "本年度在辖区各村开展巡回审判活动，就地化解了一批矛盾纠纷。"),
    "scattered.txt": _report("己巳镇", "巡回宣讲覆盖全镇各村，审判人员到场答疑释法。"),
    # template vs original: the same clause in three townships vs one township's own practice
    "template1.txt": _report("庚午镇", TEMPLATE),
    "template2.txt": _report("辛未镇", TEMPLATE),
    "template3.txt": _report("壬申镇", TEMPLATE),
    "original.txt": _report("癸酉镇", "我镇创设枫桥经验“板凳议事会”，由老党员在田间院坝现场调处邻里纠纷，"
                            "当年化解宅基地、灌溉用水等纠纷三十余起。"),
}


@pytest.fixture(scope="module")
def ranked(tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    """The fixture corpus ingested and indexed through the real pipeline."""
    folder: Path = tmp_path_factory.mktemp("ranking")
    config: ArchiveConfig = build_archive(folder / "home", write_reports(folder / "files", REPORTS))
    return SearchService(config)


def _towns(service: SearchService, query: str) -> list[str]:
    """The township of each result report, in result order (read from its title)."""
    return [group.title[:3] for group in service.search(query, sort="relevance").groups]


def test_dense_mentions_rank_before_a_single_one_in_a_long_paragraph(ranked: SearchService) -> None:
    assert _towns(ranked, "网格调解") == ["甲子镇", "乙丑镇"]


def test_a_townships_concrete_practice_ranks_before_a_heading_naming_the_query(
    ranked: SearchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = ranked.search("法律明白人", sort="relevance")
    assert [group.title[:3] for group in result.groups] == ["丁卯镇", "丙寅镇"]
    assert result.groups[1].hits[0].place == "heading"
    # The fixture is built so the originality decides: BM25F alone prefers the short heading.
    monkeypatch.setattr(ranking, "TEMPLATE_DEMOTION", 1.0)
    assert _towns(ranked, "法律明白人") == ["丙寅镇", "丁卯镇"]


def test_words_as_typed_rank_before_the_same_words_scattered(
    ranked: SearchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _towns(ranked, "巡回 审判") == ["戊辰镇", "己巳镇"]
    # The fixture is built so the phrase boost decides: BM25 alone prefers the shorter paragraph.
    monkeypatch.setattr(order_module, "PHRASE_BOOST", 1.0)
    monkeypatch.setattr(order_module, "PHRASE_BONUS", 0.0)
    assert _towns(ranked, "巡回 审判") == ["己巳镇", "戊辰镇"]


def test_template_copies_rank_after_a_townships_own_wording(
    ranked: SearchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    towns = _towns(ranked, "枫桥经验")
    assert towns[0] == "癸酉镇"
    assert sorted(towns[1:]) == ["壬申镇", "庚午镇", "辛未镇"]
    # The fixture is built so the demotion decides: without it a (denser) copy leads.
    monkeypatch.setattr(ranking, "TEMPLATE_DEMOTION", 1.0)
    assert _towns(ranked, "枫桥经验")[0] != "癸酉镇"

