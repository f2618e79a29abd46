"""The web tests' archive: the shipped reports plus one hostile report and an id alias.

Why not only the session archive of the shipped corpus: these tests need a report whose text
tries to inject markup and spreadsheet formulas, a Chinese file name with spaces, and an id
alias, none of which belong in the shipped corpus. Everything goes through the real ingest and
index. Built once per session (``web_archive`` in ``tests/conftest.py``) and only read.
"""

from __future__ import annotations

from pathlib import Path

from archive.config import ArchiveConfig

from .archives import make_config, sessions_of
from .paths import SHIPPED_DIR

ALIAS_ID = "a1a5a1a5a1a5"
HOSTILE_NAME = "测试镇 2023 年度报告 (含\"引号\").txt"
HOSTILE_TEXT = """垫江县测试镇人民政府
关于测试镇2023年法治政府建设工作的报告

2023年，测试镇坚持和发展新时代枫桥经验<script>alert(1)</script>，推进依法行政。
一、2023年法治政府建设主要举措和成效
（一）强化学法用法
"onmouseover=alert(1) x="在枫桥经验的指引下化解矛盾纠纷12件。
=cmd|' /C calc'!A0 调处矛盾纠纷，坚持法律明白人培训。
二、存在的不足和原因
部分干部法治意识不强，<img src=x onerror=alert(2)>学法不够深入。
三、2024年工作安排
继续深化枫桥经验，<a href="javascript:alert(3)">点击</a>推进法治乡镇建设。
"""


def build_instance(home: Path) -> ArchiveConfig:
    """Ingest the shipped reports and the hostile one into ``home``, index them, add an alias."""
    from archive.store.changes import make_session_factory
    from archive.store.db import ReportAlias, SourceFile, make_engine
    from archive.store.ingest import ingest_paths
    from indexer.index.build import rebuild

    config = make_config(home)
    extra = home / "extra"
    extra.mkdir(parents=True, exist_ok=True)
    hostile = extra / HOSTILE_NAME
    hostile.write_text(HOSTILE_TEXT, encoding="utf-8")
    summary = ingest_paths(sessions_of(config), [*sorted(SHIPPED_DIR.glob("*.txt")), hostile], workers=1)
    assert not summary.failures, summary.failures
    rebuild(config, sessions_of(config))
    engine = make_engine(config.database_url)
    with make_session_factory(engine).begin() as session:
        first = session.query(SourceFile).filter(SourceFile.filename == sorted(
            p.name for p in SHIPPED_DIR.glob("*.txt"))[0]).one()
        session.merge(ReportAlias(old_id=ALIAS_ID, new_id=first.report_id))
    engine.dispose()
    return config


def reports_by_file(client) -> dict[str, dict]:
    """Every report's JSON (``/api/reports/<id>``) by the name of the file it was read from."""
    out = {}
    for row in client.get("/api/search?all=1").get_json()["hits"]:
        report = client.get(f"/api/reports/{row['report_id']}").get_json()
        out[report["source"]["filename"]] = report
    return out
