"""A county portal on loopback for the harvester's tests: real report texts in portal HTML.

It mimics what the harvester meets on real sites: a 法治政府建设年度报告 column
paginated as ``index.html``/``index_1.html``/``index_2.html`` (the first pager written by a
``createPageHTML`` script, the others as links), report pages with the 索引号/发布机构/成文日期
table and site chrome, a GBK page, a report published only as a .docx attachment, a moved page
(301), a dead link (404), a page slower than the harvester's timeout, a folder robots.txt
forbids, a 政府信息公开工作年度报告 in the same column, and one report under two URLs.

The server listens on 127.0.0.1 only, answers ETag / Last-Modified conditionally, and logs every
request (path, status, time, User-Agent), so tests can say exactly what was fetched. A test that
must stop a harvester at a known request (a killed run) sets ``on_request``: the site calls it
with each request's number as the request arrives, before answering it.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import io
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .paths import WEB_DIR

COLUMN = "/col/fzzfjsndbg/"
# The reports the column publishes, by corpus file: each must be ingested exactly once.
REPORT_PAGES = {
    "r003": "/art/2023/5/11/art_101_003.html",
    "r012": "/art/2024/3/20/art_101_012.html",  # served in GBK
    "r018": "/art/2024/3/25/art_101_018.html",  # changed between runs by the tests
    "r024": "/art/2024/4/2/art_101_024.html",  # linked through its old address (301)
    "r027": "/art/2024/4/8/art_101_027.html",  # also served at DUPLICATE_PATH
}
ATTACHMENT_REPORT = "r030"  # published only as a .docx behind WRAPPER_PATH
FORBIDDEN_REPORT = "r033"  # under /private/, which robots.txt disallows
WRAPPER_PATH = "/art/2024/4/9/art_101_030.html"
ATTACHMENT_PATH = "/module/download/downfile.jsp/r030.docx"
FORBIDDEN_PATH = "/private/art_101_033.html"
OLD_PATH = "/old/art_101_024.html"
DUPLICATE_PATH = "/content/post_027.html"
DISCLOSURE_PATH = "/art/2024/1/30/art_101_900.html"
MISSING_PATH = "/art/2024/5/1/art_101_404.html"
SLOW_PATH = "/art/2024/5/2/art_101_slow.html"
SLOW_SECONDS = 1.5
LAST_MODIFIED = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)

DISCLOSURE_TEXT = """2023年政府信息公开工作年度报告
本报告根据《中华人民共和国政府信息公开条例》要求编制，全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。
一、总体情况
2023年，我镇认真贯彻落实政府信息公开工作要求，全年主动公开政府信息三百余条，及时更新机构职能、规范性文件、财政预决算等栏目内容。
二、主动公开政府信息情况
全年制发规范性文件零件，主动公开行政许可、行政处罚等信息，依申请公开渠道畅通。
三、收到和处理政府信息公开申请情况
全年收到政府信息公开申请二件，均按期答复。
四、存在的主要问题及改进情况
信息公开的及时性和规范性仍需提高，下一步将加强培训，提升公开质量。"""


@dataclass
class Resource:
    """One URL of the site: a body with validators, or a status (redirect, 404, slow)."""

    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    location: str = ""
    etag: bool = True  # send an ETag (else only Last-Modified)
    delay: float = 0.0
    last_modified: datetime = LAST_MODIFIED


@dataclass
class Hit:
    """One request the site answered."""

    path: str
    status: int
    at: float
    user_agent: str


@dataclass
class FixtureSite:
    """The site's resources and its request log; ``url(path)`` is where the harvester finds it."""

    resources: dict[str, Resource] = field(default_factory=dict)
    log: list[Hit] = field(default_factory=list)
    base: str = ""
    on_request: Callable[[int], None] | None = None  # called with 1, 2, … as requests arrive
    arrived: int = 0
    _arrivals: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` on the running server."""
        return self.base + path

    def paths(self, status: int | None = None) -> list[str]:
        """Requested paths in order (only those answered with ``status`` when given)."""
        return [hit.path for hit in self.log if status is None or hit.status == status]

    def arrive(self) -> None:
        """Count a request that just arrived and hand its number to ``on_request``."""
        with self._arrivals:
            self.arrived += 1
            number = self.arrived
        if self.on_request is not None:
            self.on_request(number)

    def change(self, path: str, extra: str) -> None:
        """Publish a revised page: ``extra`` appended to its article, a new ETag and date."""
        resource = self.resources[path]
        marker = b"</div><!--/article-->"
        resource.body = resource.body.replace(marker, f"<p>{html.escape(extra)}</p>".encode() + marker)
        resource.last_modified = datetime.now(UTC).replace(microsecond=0)


# ------------------------------------------------------------------------------------ pages


def _chrome(title: str, inner: str, charset: str = "utf-8") -> str:
    """A page in a county portal's frame: banner, menu, breadcrumb, footer."""
    return f"""<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>{html.escape(title)}_某县人民政府</title>
<script>var _hmt = _hmt || [];</script></head>
<body>
<div class="banner">某县人民政府 欢迎访问</div>
<ul class="nav"><li><a href="/index.html">首页</a></li><li><a href="/xxgk/index.html">信息公开</a></li>
<li><a href="/hdjl/index.html">互动交流</a></li><li><a href="/javascript-disabled">无障碍</a></li></ul>
<div class="crumb">当前位置：<a href="/index.html">首页</a> &gt; <a href="/xxgk/index.html">政府信息公开</a>
&gt; <a href="{COLUMN}index.html">法治政府建设年度报告</a></div>
{inner}
<div class="footer">主办：某县人民政府办公室 地址：某县人民路1号 ICP备案号：X ICP备00000000号</div>
</body></html>"""


def report_page(text: str, number: str, charset: str = "utf-8") -> bytes:
    """A report as a portal publishes it: record table, article, previous/next links."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)
    table = f"""<table class="xxgk-table">
<tr><td>索引号：</td><td>11530000-{number}/2024-00{number}</td><td>发布机构：</td><td>某县司法局</td></tr>
<tr><td>成文日期：</td><td>2024-03-1{number[-1]}</td><td>发布日期：</td><td>2024-03-2{number[-1]}</td></tr>
</table>"""
    inner = f"""{table}
<div class="article">
{paragraphs}
</div><!--/article-->
<div class="related"><a href="/art/2022/1/5/art_101_777.html">上一篇：某镇2021年法治政府建设情况报告</a>
<a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>"""
    return _chrome(lines[0][:30], inner, charset).encode(charset)


def _listing(items: list[tuple[str, str]], pager: str) -> bytes:
    rows = "\n".join(f'<li><a href="{href}">{html.escape(title)}</a><span>2024-03-20</span></li>'
                     for href, title in items)
    return _chrome("法治政府建设年度报告", f'<ul class="list">\n{rows}\n</ul>\n{pager}').encode("utf-8")


def _docx(text: str) -> bytes:
    from docx import Document

    document = Document()
    for line in text.splitlines():
        if line.strip():
            document.add_paragraph(line.strip())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _corpus(name: str) -> str:
    return (WEB_DIR / f"{name}.txt").read_text(encoding="utf-8")


def build_site() -> FixtureSite:
    """The fixture site's resources (not yet served)."""
    site = FixtureSite()
    add = site.resources.__setitem__
    add("/robots.txt", Resource(b"User-agent: *\nDisallow: /private/\n", "text/plain", etag=False))
    for name, path in REPORT_PAGES.items():
        number = name[1:]
        if name == "r012":
            page = report_page(_corpus(name), number, "gbk")
            add(path, Resource(page, "text/html; charset=GBK", etag=False))
        else:
            add(path, Resource(report_page(_corpus(name), number)))
    add(DUPLICATE_PATH, Resource(site.resources[REPORT_PAGES["r027"]].body))
    add(FORBIDDEN_PATH, Resource(report_page(_corpus(FORBIDDEN_REPORT), "033")))
    add(DISCLOSURE_PATH, Resource(report_page(DISCLOSURE_TEXT, "900")))
    wrapper = f"""<table><tr><td>索引号：</td><td>11530000-030/2024-00030</td>
<td>发布机构：</td><td>某镇人民政府</td></tr><tr><td>成文日期：</td><td>2024-04-09</td></tr></table>
<h1>某镇2023年法治政府建设情况报告</h1>
<div class="article"><p>附件：<a href="{ATTACHMENT_PATH}">某镇2023年法治政府建设情况报告.docx</a></p>
</div><!--/article-->"""
    add(WRAPPER_PATH, Resource(_chrome("某镇2023年法治政府建设情况报告", wrapper).encode("utf-8")))
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    add(ATTACHMENT_PATH, Resource(_docx(_corpus(ATTACHMENT_REPORT)), docx_type))
    add(OLD_PATH, Resource(status=301, location=REPORT_PAGES["r024"]))
    add(MISSING_PATH, Resource(status=404))
    add(SLOW_PATH, Resource(report_page(_corpus("r036"), "036"), delay=SLOW_SECONDS))
    pages = [
        [(REPORT_PAGES["r003"], "中村乡2022年法治政府建设工作情况报告"),
         (REPORT_PAGES["r012"], "古路镇2024年法治政府建设情况的报告"),
         (DISCLOSURE_PATH, "某镇2023年政府信息公开工作年度报告"),
         (FORBIDDEN_PATH, "某镇2023年法治政府建设年度报告"),
         (REPORT_PAGES["r018"], "某街道2023年法治政府建设工作报告")],
        [(WRAPPER_PATH, "某镇2023年法治政府建设情况报告"),
         (OLD_PATH, "某镇2024年法治政府建设情况报告"),
         (MISSING_PATH, "某镇2022年法治政府建设情况报告（已撤下）"),
         (SLOW_PATH, "某乡2023年法治政府建设工作总结")],
        [(REPORT_PAGES["r027"], "某镇2024年法治政府建设年度报告"),
         (DUPLICATE_PATH, "某镇2024年法治政府建设年度报告（转载）")],
    ]
    pagers = ['<script>createPageHTML(3, 0, "index", "html");</script>',  # pages written by a script
              '<a href="index.html">上一页</a><a href="index_2.html">下一页</a>',
              '<a href="index.html">首页</a><a href="index_1.html">上一页</a>']
    for number, (items, pager) in enumerate(zip(pages, pagers, strict=True)):
        name = "index.html" if number == 0 else f"index_{number}.html"
        # index_1.html sends only Last-Modified: conditional requests must work with either validator
        add(COLUMN + name, Resource(_listing(items, f'<div class="page">{pager}</div>'), etag=number != 1))
    return site


# ----------------------------------------------------------------------------------- server


def _etag(resource: Resource) -> str:
    return '"' + hashlib.sha1(resource.body).hexdigest()[:16] + '"'


class _Handler(BaseHTTPRequestHandler):
    site: FixtureSite

    def do_GET(self) -> None:
        started = time.monotonic()  # when the request arrived: what --delay spaces out
        self.site.arrive()
        path = self.path.split("?")[0].split("#")[0]
        resource = self.site.resources.get(path)
        status = self._answer(resource)
        self.site.log.append(Hit(path, status, started, self.headers.get("User-Agent", "")))

    def _answer(self, resource: Resource | None) -> int:
        if resource is None or resource.status == 404:
            return self._send(404, b"<html><body>404 Not Found</body></html>", "text/html")
        if resource.delay:
            time.sleep(resource.delay)
        if resource.status in (301, 302):
            self.send_response(resource.status)
            self.send_header("Location", self.site.base + resource.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return resource.status
        validators = {"Last-Modified": format_datetime(resource.last_modified, usegmt=True)}
        if resource.etag:
            validators["ETag"] = _etag(resource)
        if self._not_modified(resource):
            self.send_response(304)
            for name, value in validators.items():
                self.send_header(name, value)
            self.end_headers()
            return 304
        return self._send(200, resource.body, resource.content_type, validators)

    def _not_modified(self, resource: Resource) -> bool:
        if resource.etag and self.headers.get("If-None-Match"):
            return self.headers["If-None-Match"] == _etag(resource)
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return resource.last_modified <= parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False

    def _send(self, status: int, body: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> int:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        # The harvester may have given up on a slow page: that is the point of the slow page.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)
        return status

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the site keeps its own log."""


class RunningSite:
    """The fixture site served from a thread on 127.0.0.1 (a free port), until ``stop``."""

    def __init__(self, site: FixtureSite) -> None:
        handler = type("Handler", (_Handler,), {"site": site})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        host, port = self.server.server_address[:2]
        site.base = f"http://{host}:{port}"
        self.site = site
        self.thread = threading.Thread(target=self.server.serve_forever, name="fixture-site", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Shut the server down and release its port."""
        self.server.shutdown()
        self.server.server_close()


def serve_until_killed(path: Path) -> None:  # pragma: no cover - helper for manual runs
    """Serve the site and write its base URL to ``path`` (for trying the CLI by hand)."""
    running = RunningSite(build_site())
    path.write_text(running.site.base, encoding="utf-8")
    running.thread.join()
