"""The tool a user would otherwise pick to publish the archive: Datasette serving the FTS5 table.

The same SQLite file as ``systems.fts5`` (built the same way, in a folder of its own), served by
``datasette serve -i`` on loopback and asked the full request over HTTP like this project's
``/api/search``: ``_search`` for the words of 3+ characters, ``_facet`` for every facet (all
values: ``_facet_size=max``), filters as column filters, 20 rows. Words of 1–2 characters go in
a ``_where`` fragment with ``instr``: Datasette's ``__contains`` filter is a ``LIKE`` that FTS5's
trigram tokenizer takes over, and SQLite 3.40 answers such a pattern of under 3 characters with
no rows. Time limits are raised so that no count or facet is cut short (an answer is judged
whole). Installed for the bench only: ``pip install -r bench/requirements.txt``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from time import perf_counter, sleep

from ..passages import FACETS, PassageRecord
from ..queries import BenchQuery
from . import fts5
from .base import TOP, Answer

BOOT_TIMEOUT_S = 120.0
# Long enough for a full scan at 10,000 reports under load; Datasette's defaults (1 s for a
# query, 0.2 s for a facet) would drop facets silently.
LIMIT_MS = 120_000
MAX_ROWS = 100_000  # ``_facet_size=max`` lists up to this many values (townships at 10,000 reports)


def params_for(query: BenchQuery) -> list[tuple[str, str]]:
    """The query string of the full request for ``query``."""
    params: list[tuple[str, str]] = [("_facet", name) for name in FACETS]
    params += [("_facet_size", "max"), ("_size", str(TOP)), ("_shape", "objects")]
    long_words = [word for word in query.words if len(word) >= fts5.TRIGRAM]
    if long_words:  # the default search mode quotes each word: a phrase, ANDed
        params.append(("_search", " ".join(long_words)))
    for word in query.words:
        if len(word) < fts5.TRIGRAM:
            params.append(("_where", "instr(body, '{}') > 0".format(word.replace("'", "''"))))
    params += [(f"{name}__exact", value) for name, value in query.filters]
    return params


class Datasette:
    """A live ``datasette serve`` process and the URL of the table."""

    name = "datasette"

    def __init__(self, database: Path, port: int) -> None:
        command = [sys.executable, "-m", "datasette", "serve", "-i", str(database), "-h", "127.0.0.1",
                   "-p", str(port), "--setting", "sql_time_limit_ms", str(LIMIT_MS),
                   "--setting", "facet_time_limit_ms", str(LIMIT_MS),
                   "--setting", "max_returned_rows", str(MAX_ROWS)]
        self.server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}/{database.stem}/passages.json"
        self.first_s = self._wait()

    def _wait(self) -> float:
        """Seconds from launch to the first answered request."""
        start = perf_counter()
        while perf_counter() - start < BOOT_TIMEOUT_S:
            try:
                self.fetch([("_size", "1")])
                return perf_counter() - start
            except OSError:
                sleep(0.05)
        raise TimeoutError("datasette did not answer")

    def fetch(self, params: list[tuple[str, str]]) -> dict:
        with urllib.request.urlopen(f"{self.url}?{urllib.parse.urlencode(params)}", timeout=600) as response:
            return json.loads(response.read())

    def search(self, query: BenchQuery) -> Answer:
        payload = self.fetch(params_for(query))
        facets = {name: {"" if item["value"] is None else str(item["value"]): item["count"]
                         for item in result["results"]}
                  for name, result in payload["facet_results"].items()}
        rows = payload["rows"]
        return Answer(payload["filtered_table_rows_count"], facets, [row["rowid"] for row in rows],
                      [row["body"] for row in rows])

    def matching_ids(self, query: BenchQuery) -> None:
        return None

    def close(self) -> None:
        self.server.terminate()
        self.server.wait(timeout=30)


def build(records: list[PassageRecord], workdir: Path, port: int) -> Datasette:
    """The FTS5 table of ``systems.fts5`` in ``workdir/datasette/``, served on ``port``."""
    folder = workdir / "datasette"
    folder.mkdir(parents=True, exist_ok=True)
    fts5.build(records, folder).close()
    return Datasette(folder / "fts5.sqlite3", port)
