"""Polite HTTP for the harvester: robots.txt, a delay per host, retries with backoff, validators.

Why each rule: county portals are small servers run by small offices; an archive that scrapes
them must look like a careful reader, not a load test. So every request

- carries an honest User-Agent naming the project and what it does;
- is checked against the host's robots.txt (``urllib.robotparser``; its Crawl-delay, when longer
  than ``--delay``, wins);
- waits until at least ``delay`` seconds have passed since the previous request to that host;
- is retried a few times with exponential backoff on connection errors, timeouts and 429/5xx
  (urllib3's ``Retry``, which also honours Retry-After);
- is conditional when the page was fetched before (If-None-Match / If-Modified-Since), so an
  unchanged page costs a 304 and no body.

Redirects are not followed here: the harvester queues the target like any link, so that robots.txt
and the same-site rule apply to it too.
"""

from __future__ import annotations

import time
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import urllib3
from urllib3.exceptions import HTTPError, MaxRetryError, ReadTimeoutError, TimeoutError
from urllib3.util.retry import Retry

from archive.errors import FetchError
from archive.reading.readers import MAX_FILE_BYTES

USER_AGENT = ("FazhiArchiveHarvester/1.0 (Fazhi Archive: a research archive of township rule-of-law "
              "reports; obeys robots.txt)")
RETRY_STATUSES = (429, 500, 502, 503, 504)


@dataclass(frozen=True)
class FetchOptions:
    """How politely and patiently to fetch."""

    delay: float = 1.0  # seconds between two requests to one host, at least
    timeout: float = 20.0  # connect and read timeout per attempt
    retries: int = 3  # extra attempts after a failure that may pass
    backoff: float = 1.0  # urllib3 backoff factor: waits backoff * 2**(attempt-1) seconds
    user_agent: str = USER_AGENT


@dataclass
class Response:
    """One answer: status, the headers the harvester reads, and the body (b"" for 304/3xx)."""

    url: str
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str:
        """A header's value ('' when absent), case-insensitively."""
        return self.headers.get(name.lower(), "")


class PoliteFetcher:
    """One connection pool, one robots.txt and one clock per host."""

    def __init__(self, options: FetchOptions) -> None:
        self.options = options
        retry = Retry(total=options.retries, connect=options.retries, read=options.retries,
                      status=options.retries, redirect=False, backoff_factor=options.backoff,
                      status_forcelist=RETRY_STATUSES, allowed_methods=frozenset({"GET"}),
                      raise_on_status=False, respect_retry_after_header=True)
        self.pool = urllib3.PoolManager(retries=retry, timeout=urllib3.Timeout(options.timeout))
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._last_request: dict[str, float] = {}
        self.requests = 0

    # ---------------------------------------------------------------------------------- robots

    def allowed(self, url: str) -> bool:
        """Whether the host's robots.txt lets this User-Agent fetch ``url`` (read once per host)."""
        return self._robots_for(url).can_fetch(self.options.user_agent, url)

    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        parser = self._robots.get(origin)
        if parser is not None:
            return parser
        parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        try:
            answer = self.get(origin + "/robots.txt")
        except FetchError:
            answer = Response(origin + "/robots.txt", 503)
        # The standard library's reading of the answer: 401/403 forbid everything, another 4xx
        # (no robots.txt) allows everything; a server error or no answer forbids everything
        # for this run (RFC 9309 §2.3.1.4: the site may be unable to say what it allows).
        if answer.status == 200:
            parser.parse(answer.body.decode("utf-8", errors="replace").splitlines())
        elif answer.status in (401, 403) or answer.status >= 500:
            parser.disallow_all = True
        else:
            parser.allow_all = True
        self._robots[origin] = parser
        return parser

    def delay_for(self, host: str) -> float:
        """Seconds to keep between requests to ``host``: ``--delay`` or robots' Crawl-delay."""
        parser = self._robots.get(host)
        crawl_delay = parser.crawl_delay(self.options.user_agent) if parser is not None else None
        return max(self.options.delay, float(crawl_delay or 0))

    # --------------------------------------------------------------------------------- request

    def _wait_turn(self, origin: str) -> None:
        last = self._last_request.get(origin)
        if last is not None:
            pause = self.delay_for(origin) - (time.monotonic() - last)
            if pause > 0:
                time.sleep(pause)

    def get(self, url: str, etag: str = "", last_modified: str = "") -> Response:
        """GET ``url`` after waiting its host's turn; conditional when validators are given.

        Raises ``FetchError`` with a short reason when the server cannot be reached, times out
        on every attempt, or sends more than the archive accepts.
        """
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        headers = {"User-Agent": self.options.user_agent}  # per-request headers replace the pool's
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self._wait_turn(origin)
        self.requests += 1
        try:
            answer = self.pool.request("GET", url, headers=headers, redirect=False, preload_content=False)
            try:
                body = answer.read(MAX_FILE_BYTES + 1, decode_content=True) if answer.status == 200 else b""
            finally:
                answer.release_conn()
        except MaxRetryError as error:
            raise FetchError(_reason(error.reason)) from error
        except (TimeoutError, HTTPError, OSError) as error:
            raise FetchError(_reason(error)) from error
        finally:
            self._last_request[origin] = time.monotonic()
        if len(body) > MAX_FILE_BYTES:
            raise FetchError(f"文件过大（超过 {MAX_FILE_BYTES} 字节）")
        return Response(url, answer.status, body, {k.lower(): v for k, v in answer.headers.items()})


def _reason(error: BaseException | None) -> str:
    """A failure as the summary lists it: timeouts and refused connections said plainly."""
    if isinstance(error, ReadTimeoutError | TimeoutError) or "timed out" in str(error):
        return "超时（timeout）"
    if error is None:
        return "请求失败"
    return f"连接失败（{type(error).__name__}: {error}）"
