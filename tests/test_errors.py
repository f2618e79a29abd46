"""The one error contract: every error type is an ``ArchiveError`` with its status and message,
and ``web.errors`` alone turns it into JSON (API), plain text (CSV) or the HTML error page.

Why test it apart: views no longer map types to statuses, so a type whose status is wrong, or a
path answered in the wrong format, would show nowhere else until a user met it.
"""

from __future__ import annotations

import pytest
from flask import Flask

from archive import errors
from archive.config import ArchiveConfig

TYPES = [errors.UnreadableFile, errors.UnsupportedFormat, errors.ReportNotFound, errors.QuerySyntaxError,
         errors.BadParams, errors.IndexUnavailable, errors.FetchError]
STATUS = {errors.ReportNotFound: 404, errors.IndexUnavailable: 503, errors.FetchError: 502}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, app_for) -> Flask:
    """The real app as production runs it (an empty archive), with routes that raise each error
    type with and without a message."""
    home = tmp_path_factory.mktemp("errors")
    app = app_for(ArchiveConfig(home=home, database_url=f"sqlite:///{home / 'a.db'}"), TESTING=False)

    def raiser(kind: str, said: str = ""):
        raise getattr(errors, kind)(said)

    for prefix in ("/api/raise", "/raise"):
        app.add_url_rule(f"{prefix}/<kind>", f"{prefix}-bare", raiser)
        app.add_url_rule(f"{prefix}/<kind>/<said>", f"{prefix}-said", raiser)
    app.add_url_rule("/raise/<kind>/<said>/export.csv", "csv", raiser)
    return app


def test_every_error_type_is_an_archive_error_in_one_module() -> None:
    found = {value for value in vars(errors).values()
             if isinstance(value, type) and issubclass(value, Exception)}
    assert found == {errors.ArchiveError, *TYPES}


@pytest.mark.parametrize("kind", TYPES, ids=lambda kind: kind.__name__)
def test_each_type_answers_at_its_status_in_each_format(app: Flask, kind: type[errors.ArchiveError]) -> None:
    client = app.test_client()
    status = STATUS.get(kind, 400)
    assert kind.status == status
    api = client.get(f"/api/raise/{kind.__name__}/原因")
    data = api.get_json()
    assert (api.status_code, data["error"], data["status"]) == (status, "原因", status)
    bare = client.get(f"/api/raise/{kind.__name__}").get_json()
    assert bare["error"] == kind.title  # raised without a message: the type's own
    page = client.get(f"/raise/{kind.__name__}/原因")
    assert (page.status_code, page.mimetype) == (status, "text/html")
    assert "原因" in page.get_data(as_text=True)
    csv = client.get(f"/raise/{kind.__name__}/原因/export.csv")
    assert (csv.status_code, csv.mimetype, csv.get_data(as_text=True)) == (status, "text/plain", "原因")


def test_a_query_error_returns_the_query_with_the_message(app: Flask) -> None:
    data = app.test_client().get("/api/raise/QuerySyntaxError/坏了?q=(枫桥").get_json()
    assert data == {"error": "坏了", "status": 400, "query": "(枫桥"}
