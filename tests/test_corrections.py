"""Review and correct: the review lists what is empty, uncertain or supplied and why; a
correction made with ``archive set`` or the admin API shows in search at once and survives
re-ingesting the file, a changed file and a rebuilt index, with time and reason in provenance."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from archive.store.changes import make_session_factory
from archive.store.db import get_report, make_engine
from archive.store.ingest import ingest_paths
from indexer.index.build import rebuild
from tests.support.archives import make_config, sessions_of
from tests.support.cli import run_cli
from tests.support.paths import CORPUS

# Each test runs the CLI in subprocesses, on an archive of its own or the session archive.
pytestmark = pytest.mark.slow

TOKEN = "corrections-admin-token-0123456789"
D03 = CORPUS / "dev" / "d03.txt"  # 龙溪镇: seven counties have one, nothing in the text decides


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in (D03, CORPUS / "seeds" / "000_cde1628b69510f98.txt", CORPUS / "web" / "r015.txt"):
        shutil.copy(path, folder / path.name)
    home = tmp_path / "home"
    assert run_cli("ingest", str(folder), home=home).returncode == 0
    return home


def _report(home: Path, **where: str) -> dict:
    listing = json.loads(run_cli("reports", "--json", home=home).stdout)
    return next(r for r in listing if all(r[key] == value for key, value in where.items()))


def _search(home: Path, query: str) -> list[dict]:
    result = run_cli("search", query, "--json", home=home)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["groups"]


def test_review_lists_empty_and_uncertain_fields_with_the_reason(home: Path) -> None:
    items = json.loads(run_cli("review", "--json", home=home).stdout)
    d03 = _report(home, township="龙溪镇")["report_id"]
    mine = {item["field"]: item for item in items if item["report_id"] == d03}
    assert set(mine) == {"county", "city", "province", "issuer"}
    assert mine["county"]["why"].startswith("同名乡镇全国有 7 处") and mine["county"]["kind"] == "undecided"
    assert (mine["issuer"]["value"], mine["issuer"]["kind"]) == ("[龙溪镇人民政府]", "supplied")
    r015 = _report(home, county="管城回族区")
    kinds = {item["field"]: item["kind"] for item in items if item["report_id"] == r015["report_id"]}
    # untitled (supplied label), a district's own report (no township), its government supplied
    assert kinds == {"title": "supplied", "township": "empty", "issuer": "supplied"}
    # The seed is complete and certain: nothing to review.
    seed = _report(home, township="坪山镇")["report_id"]
    assert not [item for item in items if item["report_id"] == seed]


def test_a_correction_is_searchable_at_once_and_survives_reingest_and_rebuild(
    home: Path, tmp_path: Path
) -> None:
    d03 = _report(home, township="龙溪镇")["report_id"]
    assert _search(home, "county:武冈市") == []
    result = run_cli("set", d03, "county=武冈市", "city=邵阳市", "province=湖南省", "--reason", "网站域名",
                     home=home)
    assert result.returncode == 0, result.stderr
    assert [group["report_id"] for group in _search(home, "county:武冈市")] == [d03]

    # The same file again, then the file changed (a new report id), then a rebuilt index.
    assert run_cli("ingest", str(tmp_path / "in"), home=home).returncode == 0
    changed = tmp_path / "in" / "d03.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n（补记）\n", encoding="utf-8")
    assert run_cli("ingest", str(tmp_path / "in"), home=home).returncode == 0
    assert run_cli("index", home=home).returncode == 0
    now = _report(home, township="龙溪镇")
    assert now["report_id"] != d03
    assert (now["county"], now["city"], now["province"]) == ("武冈市", "邵阳市", "湖南省")
    assert [group["report_id"] for group in _search(home, "county:武冈市")] == [now["report_id"]]
    shown = json.loads(run_cli("show", now["report_id"], "--json", home=home).stdout)
    assert shown["county"] == "武冈市"
    engine = make_engine(f"sqlite:///{home / 'archive.sqlite3'}")
    with make_session_factory(engine)() as session:
        provenance = get_report(session, now["report_id"]).provenance
    engine.dispose()
    assert provenance["county"].startswith("人工更正（") and "理由：网站域名" in provenance["county"]
    review = json.loads(run_cli("review", "--json", home=home).stdout)
    # Only the supplied author is left to review, and it follows the corrected county.
    assert [(item["field"], item["value"], item["kind"]) for item in review
            if item["report_id"] == now["report_id"]] == [("issuer", "[武冈市龙溪镇人民政府]", "supplied")]


@pytest.mark.parametrize(("assignment", "message"), [
    ("colour=red", "未知字段"), ("year=23", "year 无效"), ("doc_type=报告", "doc_type 应为"),
    ("county", "字段=值"),
])
def test_a_bad_correction_is_refused_and_changes_nothing(home: Path, assignment: str, message: str) -> None:
    d03 = _report(home, township="龙溪镇")
    result = run_cli("set", d03["report_id"], assignment, home=home)
    assert result.returncode == 1 and message in result.stderr
    assert _report(home, township="龙溪镇") == d03


def test_admin_api_reviews_and_corrects(tmp_path: Path, client_for) -> None:
    config = make_config(tmp_path / "home")
    assert not ingest_paths(sessions_of(config), [D03], workers=1).failures
    rebuild(config, sessions_of(config))
    client = client_for(config, TESTING=False, ADMIN_TOKEN=TOKEN)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/admin/review").status_code in (401, 403)  # never without the token
    items = client.get("/admin/review", headers=auth).get_json()["items"]
    report_id = items[0]["report_id"]
    assert {item["field"] for item in items} == {"county", "city", "province", "issuer"}
    bad = client.post(f"/admin/reports/{report_id}/correct", headers=auth, json={"fields": {"year": "abc"}})
    assert bad.status_code == 400 and "year" in bad.get_json()["error"]
    missing = client.post("/admin/reports/0123456789ab/correct", headers=auth,
                          json={"fields": {"year": "2024"}})
    assert missing.status_code == 404
    done = client.post(f"/admin/reports/{report_id}/correct", headers=auth,
                       json={"fields": {"county": "武冈市", "city": "邵阳市", "province": "湖南省"},
                             "reason": "县司法局确认"})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["report"]["county"] == "武冈市"
    assert "县司法局确认" in done.get_json()["provenance"]["county"]
    hits = client.get("/api/search", query_string={"q": "county:武冈市"}).get_json()
    assert [group["report_id"] for group in hits["groups"]] == [report_id]
    after = client.get("/admin/review", headers=auth).get_json()
    assert [(item["field"], item["kind"]) for item in after["items"]] == [("issuer", "supplied")]
    assert after["counts"] == {"undecided": 0, "empty": 0, "supplied": 1, "uncertain": 0, "excerpt": 0}


def test_emptying_a_title_gives_the_archives_supplied_label(home: Path) -> None:
    seed = _report(home, township="坪山镇")
    assert not seed["title_supplied"]
    result = run_cli("set", seed["report_id"], "title=", "--reason", "标题为网站所加", home=home)
    assert result.returncode == 0, result.stderr
    shown = json.loads(run_cli("show", seed["report_id"], "--json", home=home).stdout)
    assert shown["title_supplied"] is True
    assert shown["title"] == "[坪山镇2023年法治政府建设情况报告]"


def test_review_shows_every_doubt_of_the_shipped_corpus(archive_config, client_for) -> None:
    """Every supplied author, every field left empty because its clues do not decide it or
    contradict each other (its provenance says so), and every excerpt; in the CLI, its JSON and
    the admin API alike, with exact counts."""
    from archive.document import PROV_ADDRESS, PROV_CONTRADICTED, PROV_UNDECIDED
    from archive.store.db import all_reports

    with sessions_of(archive_config)() as session:
        reports = all_reports(session)
    items = json.loads(run_cli("review", "--json", home=archive_config.home).stdout)
    listed = {(item["report_id"], item["field"]): item for item in items}
    undecided = [why.split("{")[0] for why in (PROV_UNDECIDED, PROV_CONTRADICTED)]
    by_address = PROV_ADDRESS.split("{")[0]
    left_empty = weak = 0
    for report in reports:
        if report.author_supplied:
            assert listed[(report.id, "issuer")]["kind"] == "supplied"
            assert listed[(report.id, "issuer")]["value"] == report.issuer
        assert ((report.id, "excerpt") in listed) == report.excerpt
        for field, why in (report.provenance or {}).items():
            if any(why.startswith(start) for start in undecided) and not getattr(report, field):
                item = listed[(report.id, field)]
                assert (item["kind"], item["why"]) == ("undecided", why)
                left_empty += 1
            if why.startswith(by_address):  # the county only the published address chose
                assert (listed[(report.id, field)]["kind"], listed[(report.id, field)]["why"]) == (
                    "uncertain", why)
                weak += 1
    # Homonyms nothing in the text decides: 龙溪镇 (no address) stays empty; 鼓楼街道, 东庄镇,
    # 三都镇, 长寿镇 and 中都街道 take their county from their sites' addresses, for review.
    assert (left_empty, weak) == (1, 5)
    kinds = {kind: sum(item["kind"] == kind for item in items) for kind in ("supplied", "excerpt")}
    assert kinds["excerpt"] == 35
    assert kinds["supplied"] == 20 + sum(r.title_supplied for r in reports)  # authors and titles
    summary = run_cli("review", home=archive_config.home).stdout.splitlines()[-1]
    assert summary.startswith(f"共 {len(items)} 项待核") and "本库拟定" in summary and "节选 35 项" in summary
    client = client_for(archive_config, TESTING=False, ADMIN_TOKEN=TOKEN)
    admin = client.get("/admin/review", headers={"Authorization": f"Bearer {TOKEN}"}).get_json()
    assert admin["items"] == items and admin["counts"]["excerpt"] == 35
