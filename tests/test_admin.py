"""Read-only public app; data changes only through web.admin with the configured token.

What is proved here (the public app changes nothing): on the app as ``create_app`` builds it, every route that
accepts POST/PUT/DELETE/PATCH is refused (403/404/405) or, for the one read-only POST (the
citation-list export), provably changes nothing — checked by comparing the store and the live
index before and after, not by trusting route names. ``web.admin`` (registered by ``create_app``)
is invisible without a configured token, refuses every request without
the exact token (header only; not in the URL, not in a cookie), and with it ingests uploads
(hostile file names included), deletes reports and rebuilds the index, leaving store and index
in agreement.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from archive.config import ArchiveConfig
from tests.support.hostile import archive_snapshot, assert_store_and_index_agree, report_text
from tests.support.paths import SHIPPED_DIR
from web import admin

MUTATING = ("POST", "PUT", "DELETE", "PATCH")
# Routes allowed to take POST because they only format what they are sent, or search with a query
# too long for a URL (checked by effect); a posted search that fits a URL is redirected to it.
READ_ONLY_POSTS = {"/api/citations/export", "/search", "/api/search", "/search.csv"}
TOKEN = "s3cret-admin-token-0123456789"


@pytest.fixture()
def config(make_archive) -> ArchiveConfig:
    return make_archive(sorted(SHIPPED_DIR.glob("*.txt")))


@pytest.fixture()
def admin_app(config: ArchiveConfig, app_for) -> Callable[[str | None], Flask]:
    """The app as production runs it (``TESTING`` off) on ``config``, with this admin token."""
    return lambda token: app_for(config, TESTING=False, ADMIN_TOKEN=token)


def _some_report(client: FlaskClient) -> str:
    return client.get("/api/search").get_json()["groups"][0]["report_id"]


def _concrete(rule: str, report_id: str) -> str:
    return (rule.replace("<report_id>", report_id).replace("<int:seq>", "1")
            .replace("<path:filename>", "style.css"))


def test_public_app_has_no_data_changing_route(config: ArchiveConfig, app_for, monkeypatch) -> None:
    monkeypatch.delenv("ARCHIVE_ADMIN_TOKEN", raising=False)
    app = app_for(config, TESTING=False)
    client = app.test_client()
    report_id = _some_report(client)
    before = archive_snapshot(config)
    rules = [rule for rule in app.url_map.iter_rules() if not rule.rule.startswith("/static")]
    assert len(rules) >= 10
    tried = 0
    for rule in rules:
        path = _concrete(rule.rule, report_id)
        for method in MUTATING:
            body = {"items": [{"report_id": report_id, "seq": 1}], "format": "text"}
            auth = {"Authorization": f"Bearer {TOKEN}"}
            response = client.open(path, method=method, json=body, headers=auth)
            tried += 1
            if rule.rule in READ_ONLY_POSTS and method == "POST":
                # the export formats the body; a search refuses it (400: list values of objects)
                assert response.status_code in (200, 303, 400), path
            else:
                assert response.status_code in (403, 404, 405), (method, path, response.status_code)
    for path in ("/admin/ingest", "/admin/rebuild", f"/admin/reports/{report_id}/delete"):
        response = client.post(path, headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 404, path
    assert tried == len(rules) * len(MUTATING)
    assert archive_snapshot(config) == before, "a public request changed the store or the index"


@pytest.mark.parametrize("token", [None, "", "short-token"], ids=["unset", "empty", "too-short"])
def test_admin_is_invisible_without_a_usable_token(config: ArchiveConfig, admin_app, monkeypatch,
                                                   token) -> None:
    monkeypatch.delenv("ARCHIVE_ADMIN_TOKEN", raising=False)
    client = admin_app(token).test_client()
    report_id = _some_report(client)
    before = archive_snapshot(config)
    for path in ("/admin/ingest", "/admin/rebuild", f"/admin/reports/{report_id}/delete"):
        for auth in ({}, {"Authorization": f"Bearer {token or ''}"}, {"Authorization": "Bearer "}):
            assert client.post(path, headers=auth).status_code == 404, (path, auth)
    assert archive_snapshot(config) == before


def test_admin_refuses_every_wrong_credential(config: ArchiveConfig, admin_app, monkeypatch) -> None:
    monkeypatch.setenv("ARCHIVE_ADMIN_TOKEN", TOKEN)  # configured by the environment this time
    client = admin_app(None).test_client()
    report_id = _some_report(client)
    before = archive_snapshot(config)
    wrong = [{}, {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"},
             {"Authorization": f"Bearer {TOKEN[:-1]}"}, {"Authorization": f"Bearer {TOKEN}x"},
             {"Authorization": f"Bearer {TOKEN.upper()}"}, {"X-Admin-Token": TOKEN}]
    for path in ("/admin/ingest", "/admin/rebuild", f"/admin/reports/{report_id}/delete"):
        for headers in wrong:
            response = client.post(path, headers=headers)
            assert response.status_code == 403, (path, headers)
            assert response.headers["X-Frame-Options"] == "DENY"
        assert client.post(f"{path}?token={TOKEN}").status_code == 403, "token in the URL must not work"
        client.set_cookie("token", TOKEN)
        assert client.post(path).status_code == 403, "token in a cookie must not work"
        client.delete_cookie("token")
        assert client.get(path, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 405
    assert archive_snapshot(config) == before


def test_token_is_compared_in_constant_time(admin_app, monkeypatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = admin.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(admin.hmac, "compare_digest", spy)
    client = admin_app(TOKEN).test_client()
    client.post("/admin/rebuild", headers={"Authorization": "Bearer guess"})
    assert calls == [(b"guess", TOKEN.encode())]


def test_admin_ingest_delete_and_rebuild_with_the_token(config: ArchiveConfig, admin_app) -> None:
    client = admin_app(TOKEN).test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    # (Browsers send a double quote in a multipart file name as %22; the test client cannot.)
    hostile_name = "../../上传 '测试' 报告.txt"
    files = {"files": [(io.BytesIO(report_text(77).encode("gb18030")), hostile_name),
                       (io.BytesIO(b"\x00\x01junk" * 100), "junk.txt")]}
    response = client.post("/admin/ingest", data=files, headers=auth, content_type="multipart/form-data")
    assert response.status_code == 422, response.get_data(as_text=True)  # one file failed
    outcome = {f["filename"]: f for f in response.get_json()["files"]}
    assert outcome["上传 '测试' 报告.txt"]["status"] == "ingested"
    assert outcome["junk.txt"]["status"] == "failed" and outcome["junk.txt"]["message"]
    uploads = config.home / admin.UPLOAD_DIR
    assert (uploads / "上传 '测试' 报告.txt").is_file()
    assert not (config.home.parent / "上传 '测试' 报告.txt").exists(), "upload escaped its folder"
    new_id = outcome["上传 '测试' 报告.txt"]["report_id"]
    found = client.get("/api/search?q=编号00077").get_json()
    assert [g["report_id"] for g in found["groups"]] == [new_id]
    assert_store_and_index_agree(config)

    deleted = client.post(f"/admin/reports/{new_id}/delete", headers=auth)
    assert deleted.status_code == 200 and deleted.get_json()["source_files"] == 1
    assert client.get(f"/api/reports/{new_id}").status_code == 404
    assert client.get(f"/reports/{new_id}/source").status_code == 404
    assert client.get("/api/search?q=编号00077").get_json()["total"] == 0
    assert client.post(f"/admin/reports/{new_id}/delete", headers=auth).status_code == 404
    assert client.post("/admin/reports/..%2f..%2fx/delete", headers=auth).status_code == 404
    assert_store_and_index_agree(config)

    before = archive_snapshot(config)
    rebuilt = client.post("/admin/rebuild", headers=auth)
    assert rebuilt.status_code == 200
    after = archive_snapshot(config)
    assert after[0] == before[0] and after[2] == before[2], "a rebuild changes the generation, not the data"
    assert after[1] == rebuilt.get_json()["generation"] != before[1]


@pytest.mark.parametrize(("given", "expected"), [
    ("../../etc/passwd", "passwd"), ("..\\..\\win.ini", "win.ini"), ("/abs/报告 1.txt", "报告 1.txt"),
    ('带"引号"的 报告.txt', '带"引号"的 报告.txt'), (".hidden.txt", "hidden.txt"), ("", "upload.bin"),
    ("..", "upload.bin"), ("a\x00b\r\n.txt", "ab.txt"),
])
def test_upload_names_stay_in_the_upload_folder(given: str, expected: str) -> None:
    assert admin.safe_filename(given) == expected
