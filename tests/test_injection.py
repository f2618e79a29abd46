"""No injection: hostile report text and queries come out as text everywhere, files stay in the store.

What is proved here (nothing a report or a user wrote runs as code): a report whose text carries
``<script>``, an attribute-breaking ``"><img onerror>``, a ``javascript:`` URL and a CSV formula
line is ingested through the real pipeline, and then every page that shows it — search results and
snippets, the reader, the comparison, the cite page, the citations JSON, the citation export and the
CSV export — shows it as inert text: no element, attribute, event handler or URL comes out of report
text or a query, and spreadsheet cells are defused. Every response carries the security headers.
Report ids and downloads cannot reach outside the store. """

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from archive.citation.reference_list import FORMATS
from archive.config import ArchiveConfig
from archive.store.changes import make_session_factory
from archive.store.db import SourceFile, make_engine
from tests.support.archives import build_archive
from tests.support.hostile import (
    ATTRIBUTE_BREAK,
    FORMULA,
    HOSTILE_FILENAME,
    HOSTILE_REPORT,
    JS_URL,
    PAYLOADS,
    SCRIPT,
    write_hostile_report,
)
from tests.support.paths import SHIPPED_DIR

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Inventory(HTMLParser):
    """Every tag, attribute and inline script of a page, as a browser would tokenise them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline_script = ""
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline_script += data


def assert_inert_html(html: str, where: str) -> None:
    """No payload became markup: no inline script, no on* handler, no javascript: URL, no <img src=x>."""
    page = _Inventory()
    page.feed(html)
    assert not page.inline_script.strip(), f"{where}: inline script {page.inline_script[:80]!r}"
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), f"{where}: event handler <{tag} {name}={value!r}>"
            if name in ("href", "src", "action", "formaction", "data", "srcdoc"):
                assert not (value or "").strip().lower().startswith("javascript:"), f"{where}: {tag} {name}"
        assert not (tag == "img" and attrs.get("src") == "x"), f"{where}: injected <img>"
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), f"{where}: foreign script {attrs}"
    assert SCRIPT not in html and "<img src=x" not in html, where


@pytest.fixture(scope="module")
def hostile_archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[ArchiveConfig, str, str]:
    """Shipped reports + the hostile one; returns (config, hostile id, another report's id)."""
    home = tmp_path_factory.mktemp("injection")
    hostile = write_hostile_report(home / "incoming")
    config = build_archive(home / "archive", [*sorted(SHIPPED_DIR.glob("*.txt")), hostile])
    engine = make_engine(config.database_url)
    with make_session_factory(engine)() as session:
        ids = {s.filename: s.report_id for s in session.query(SourceFile)}
    engine.dispose()
    hostile_id = ids.pop(HOSTILE_FILENAME)
    return config, hostile_id, sorted(ids.values())[0]


@pytest.fixture(scope="module")
def app(hostile_archive: tuple[ArchiveConfig, str, str], app_for) -> Flask:
    """As production runs it (``TESTING`` off), on the archive holding the hostile report."""
    return app_for(hostile_archive[0], TESTING=False, PUBLIC_BASE_URL="https://fazhi.example")


def _hostile_passages(client: FlaskClient, report_id: str) -> dict[str, int]:
    """payload → seq of the passage that contains it, from the report's JSON."""
    found: dict[str, int] = {}

    def visit(sections: list[dict]) -> None:
        for section in sections:
            for passage in section["passages"]:
                for payload in PAYLOADS:
                    if payload in passage["text"]:
                        found[payload] = passage["seq"]
            visit(section["children"])

    visit(client.get(f"/api/reports/{report_id}").get_json()["sections"])
    return found


def test_the_payloads_survive_ingest_verbatim(client: FlaskClient, hostile_archive) -> None:
    """Escaping happens at output, not by mangling the stored text (citations must quote exactly)."""
    _config, hostile_id, _other = hostile_archive
    assert set(_hostile_passages(client, hostile_id)) == set(PAYLOADS)


def test_every_html_page_shows_payloads_as_text(client: FlaskClient, hostile_archive) -> None:
    """Search, reader, compare and cite pages; with the payloads also in the query string."""
    _config, hostile_id, other = hostile_archive
    seqs = _hostile_passages(client, hostile_id)
    hostile_q = quote(f'"注入测试" {SCRIPT}')
    urls = [
        "/search?q=注入测试", "/search?q=矛盾纠纷", f"/search?q={quote(SCRIPT)}",
        f"/search?q={quote(ATTRIBUTE_BREAK)}", f"/search?q={quote(JS_URL)}", f"/search?q={quote(FORMULA)}",
        f"/search?q=注入测试&county={quote(ATTRIBUTE_BREAK)}",
        "/search", f"/search?q={hostile_q}&within=1&prev={quote(ATTRIBUTE_BREAK)}",
        f"/reports/{hostile_id}", f"/reports/{hostile_id}?q={quote(ATTRIBUTE_BREAK)}",
        f"/reports/{hostile_id}?q=注入测试&p={seqs[SCRIPT]}", f"/reports/{quote(ATTRIBUTE_BREAK)}",
        f"/compare?ids={hostile_id},{other}", f"/compare?ids={hostile_id},{other}&q={quote(SCRIPT)}",
        f"/compare?ids={hostile_id},{quote(SCRIPT)}", "/citations",
        *[f"/reports/{hostile_id}/passages/{seq}/cite" for seq in seqs.values()],
    ]
    shown = 0
    for url in urls:
        response = client.get(url, follow_redirects=True)
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        assert response.mimetype == "text/html", url
        html = response.get_data(as_text=True)
        assert_inert_html(html, url)
        shown += "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert shown >= 5, "the payload must be visible (escaped), not dropped"
    reader = client.get(f"/reports/{hostile_id}").get_data(as_text=True)
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in reader or "&quot;&gt;&lt;img src=x" in reader
    assert JS_URL in reader  # as text, never as a URL (assert_inert_html checked the attributes)


def test_json_twins_and_snippets_are_data_not_markup(client: FlaskClient, hostile_archive) -> None:
    """JSON is served as JSON (nosniff), and the one HTML-bearing field, the snippet, is escaped."""
    _config, hostile_id, other = hostile_archive
    seqs = _hostile_passages(client, hostile_id)
    snippets = []
    # the broad query (title and passages), and the two passages that carry the payloads
    for query in ("注入测试", "注入测试镇坚持", "属性注入测试"):
        result = client.get("/api/search", query_string={"q": query})
        assert result.mimetype == "application/json"
        snippets += [hit["snippet"] for group in result.get_json()["groups"] for hit in group["hits"]]
    assert snippets
    for snippet in snippets:
        assert re.sub(r"</?mark>", "", snippet).count("<") == 0, snippet
    assert any("&lt;script&gt;" in s or "&lt;img" in s for s in snippets)
    for url in (f"/api/reports/{hostile_id}", f"/api/compare?ids={hostile_id},{other}",
                *[f"/api/reports/{hostile_id}/passages/{seq}/cite" for seq in seqs.values()]):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/json", url
    cite = client.get(f"/api/reports/{hostile_id}/passages/{seqs[SCRIPT]}/cite").get_json()
    assert SCRIPT in str(cite)  # the quotation is exact; it is data, the client must insert it as text


def _csv_cells(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def test_csv_export_defuses_formulas(client: FlaskClient) -> None:
    """No cell of any export starts a spreadsheet formula, and the formula line is still there."""
    for q in ("注入测试", "公式注入测试", FORMULA, "矛盾纠纷"):
        response = client.get(f"/search.csv?{urlencode({'q': q})}")
        assert response.status_code == 200, q
        assert response.mimetype == "text/csv"
        rows = _csv_cells(response.get_data(as_text=True))
        assert len(rows) > 1, q
        for row in rows:
            for cell in row:
                assert not cell.startswith(FORMULA_START), (q, cell[:60])
    rows = _csv_cells(client.get("/search.csv?q=公式注入测试").get_data(as_text=True))
    assert any(cell.startswith("'" + FORMULA) for row in rows for cell in row)
    browse = _csv_cells(client.get("/search.csv").get_data(as_text=True))
    assert all(not cell.startswith(FORMULA_START) for row in browse for cell in row)


def test_citation_export_is_never_html(client: FlaskClient, hostile_archive) -> None:
    """The exported citation list is a plain-text download in every format."""
    _config, hostile_id, _other = hostile_archive
    items = [{"report_id": hostile_id, "seq": seq} for seq in _hostile_passages(client, hostile_id).values()]
    for fmt in FORMATS:  # every export format the list offers
        response = client.post("/api/citations/export", json={"items": items, "format": fmt})
        assert response.status_code == 200, fmt
        assert "html" not in response.mimetype, fmt
        assert response.headers["Content-Disposition"].startswith("attachment"), fmt
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def assert_security_headers(response: TestResponse, where: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src is not None, f"{where}: no script-src in CSP {csp!r}"
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, where
    assert "*" not in script_src and "data:" not in script_src, where
    # frame-ancestors does not fall back to default-src; X-Frame-Options (below) is the floor.
    assert directives.get("frame-ancestors", ["'none'"]) == ["'none'"], where
    assert directives.get("object-src", directives.get("default-src")) == ["'none'"], where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("X-Frame-Options") == "DENY", where


def test_security_headers_on_every_response(client: FlaskClient, app: Flask, hostile_archive) -> None:
    """Every route (and errors, redirects, static files, downloads, POST) carries the headers."""
    _config, hostile_id, other = hostile_archive
    seq = min(_hostile_passages(client, hostile_id).values())
    urls = ["/", "/search?q=枫桥经验", "/search?q=%22", "/api/search?q=枫桥经验", "/api/search?q=(",
            "/search.csv?q=枫桥经验", f"/reports/{hostile_id}", f"/api/reports/{hostile_id}",
            f"/reports/{hostile_id}/source", f"/compare?ids={hostile_id},{other}",
            f"/compare?ids={hostile_id}",
            f"/api/compare?ids={hostile_id},{other}", f"/reports/{hostile_id}/passages/{seq}/cite",
            f"/api/reports/{hostile_id}/passages/{seq}/cite", "/citations", "/healthz", "/static/app.js",
            "/static/style.css", "/nope", "/reports/nope", "/api/reports/nope",
            f"/compare?ids={other}&ids={hostile_id}"]
    static_rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert {"/reports/<report_id>/source", "/healthz", "/citations"} <= static_rules
    for url in urls:
        assert_security_headers(client.get(url), url)
    assert_security_headers(client.post("/api/citations/export", json={"items": []}), "POST export")
    assert_security_headers(client.post("/search"), "POST /search (405)")
    assert_security_headers(client.delete(f"/reports/{hostile_id}"), "DELETE report (405)")


def test_source_download_headers_cannot_be_injected(client: FlaskClient, hostile_archive) -> None:
    """The hostile file name (quotes, spaces, Chinese) is encoded, and the download is an attachment."""
    _config, hostile_id, _other = hostile_archive
    response = client.get(f"/reports/{hostile_id}/source")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    ascii_name = re.search(r'filename="([^"]*)"', disposition)
    assert ascii_name is not None and '"' not in ascii_name.group(1)
    assert "\r" not in disposition and "\n" not in disposition
    assert quote(HOSTILE_FILENAME, safe="") in disposition
    assert "html" not in response.mimetype
    assert response.get_data() == HOSTILE_REPORT.encode("utf-8")  # exactly the bytes ingested


TRAVERSALS = [
    "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%2e%2e", "..",
    "%252e%252e%252fetc%252fpasswd", "....//....//etc/passwd", "..\\..\\etc\\passwd", "%2Fetc%2Fpasswd",
    "/etc/passwd", "C:\\Windows\\win.ini", "abc%00", "%00", "~root", "archive.sqlite3", "..%c0%af..%c0%afetc",
]
SECRETS = ("root:x:0:0", "SQLite format 3", "from web import create_app", "[fonts]")


@pytest.mark.parametrize("evil", TRAVERSALS)
def test_ids_and_downloads_cannot_leave_the_store(client: FlaskClient, evil: str) -> None:
    """Traversal in report ids, passage routes and static paths: 404 (or 400), never a file."""
    urls = [f"/reports/{evil}", f"/reports/{evil}/source", f"/api/reports/{evil}",
            f"/reports/{evil}/passages/1/cite", f"/api/reports/{evil}/passages/1/cite",
            f"/static/{evil}", f"/static/../{evil}", f"/compare?ids={evil},{evil}x"]
    for url in urls:
        response = client.get(url, follow_redirects=True)
        body = response.get_data()
        assert response.status_code in (400, 404), (url, response.status_code)
        for secret in SECRETS:
            assert secret.encode() not in body, (url, secret)


def test_static_cannot_serve_the_store_or_code(client: FlaskClient) -> None:
    """The static folder is the only one served; nothing above it is reachable by any spelling."""
    for path in ("/static/../../wsgi.py", "/static/..%2f..%2fwsgi.py", "/static/%2e%2e/%2e%2e/wsgi.py",
                 "/static/..%5c..%5cwsgi.py", "/static//etc/passwd", "/static/%2fetc%2fpasswd"):
        response = client.get(path, follow_redirects=True)
        assert response.status_code in (400, 404), (path, response.status_code)
        assert b"create_app" not in response.get_data() and b"root:x:0:0" not in response.get_data()
