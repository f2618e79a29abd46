"""The HTTP API reference (``docs/api.md``) is the app's: written from the OpenAPI document the
app serves, and every path it lists, asked the way the page describes it, answers on the
shipped corpus with a status the page gives for it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from archive.config import ArchiveConfig
from web import api_reference, create_app

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "api.md"
OPERATION = re.compile(r"^### `(GET|POST) (/\S*)`$", re.M)
REGENERATE = "run: python -m web.api_reference --write"
WORDS = "枫桥经验"  # in several shipped reports, and a practice of the directory


def page_operations() -> list[tuple[str, str, str]]:
    """(method, path, its section of the page) for every operation the page lists."""
    page = PAGE.read_text(encoding="utf-8")
    return [(found[1], found[2], re.split(r"\n##+ ", page[found.end():], maxsplit=1)[0])
            for found in OPERATION.finditer(page)]


@pytest.fixture(scope="module")
def app(archive_config: ArchiveConfig) -> Flask:
    return create_app({"TESTING": True, "ARCHIVE_CONFIG": archive_config})


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="module")
def hits(client: FlaskClient) -> list[tuple[str, int]]:
    """(report_id, seq) of the paragraphs the search finds, best report first."""
    groups = client.get("/api/search", query_string={"q": WORDS}).get_json()["groups"]
    return [(group["report_id"], hit["seq"]) for group in groups for hit in group["hits"] if hit["seq"]]


def test_the_reference_page_is_what_the_generator_writes() -> None:
    assert PAGE.read_text(encoding="utf-8") == api_reference.render(), REGENERATE


def test_the_page_is_the_document_the_app_serves(client: FlaskClient) -> None:
    served = client.get("/api/openapi.json").get_json()
    assert api_reference.render(served) == PAGE.read_text(encoding="utf-8"), REGENERATE


def test_the_page_lists_every_operation_of_the_document(client: FlaskClient) -> None:
    served = client.get("/api/openapi.json").get_json()
    listed = {(method, path) for method, path, _section in page_operations()}
    assert listed == {(method.upper(), path) for path, item in served["paths"].items() for method in item}
    assert {("GET", "/api/search"), ("POST", "/api/citations/export"), ("GET", "/healthz")} <= listed


@pytest.mark.parametrize(("method", "path", "section"), page_operations(),
                         ids=[f"{method} {path}" for method, path, _section in page_operations()])
def test_every_path_of_the_page_answers(client: FlaskClient, hits: list[tuple[str, int]], method: str,
                                        path: str, section: str) -> None:
    """Path parameters are a real paragraph; the query and body carry what the page says they
    take (words, two report ids, a practice's name, a citation list): each must answer with the
    success the page lists for it."""
    (report_id, seq), (other_id, _seq) = hits[0], next(hit for hit in hits if hit[0] != hits[0][0])
    url = path.replace("{report_id}", report_id).replace("{seq}", str(seq))
    parameters = set(re.findall(r"^\| `(\w+)` \| query \|", section, flags=re.M))
    examples = {"q": WORDS, "ids": f"{report_id},{other_id}", "name": WORDS}
    query = {name: value for name, value in examples.items() if name in parameters}
    request: dict[str, object] = {"query_string": query}
    if "`CitationExport`" in section:
        request = {"json": {"items": [{"report_id": report_id, "seq": seq}]}}
    elif "Request body" in section:
        request = {"json": {"q": WORDS}} if "`application/json`" in section else {"data": {"q": WORDS}}
    response = client.open(url, method=method, **request)
    listed = {int(status) for status in re.findall(r"^\| (\d{3}) \|", section, flags=re.M)}
    assert response.status_code == 200 and 200 in listed, (method, url, response.status_code,
                                                            response.get_data(as_text=True)[:300])


def test_the_generator_prints_the_page() -> None:
    printed = subprocess.run([sys.executable, "-m", "web.api_reference"], cwd=ROOT, capture_output=True,
                             text=True, encoding="utf-8", check=True).stdout
    assert printed == api_reference.render()
