"""Credentials are masked wherever they are shown (API, exports, requests, logs) and still
found by the whole key; the KISSmetrics over-long GET; no bare 500s."""

from __future__ import annotations

import base64
import json
import logging
import subprocess
import sys
import urllib.parse

import pytest
import requests

from inspector.domain.secrets import mask_fields, mask_json_text, mask_key, mask_query, mask_text

KEY = "WK_SECRET_0123456789"
KM_KEY = "KM_SECRET_abcdef"
MASKED = mask_key(KEY)


def test_mask_rules():
    assert mask_key("WK_SECRET_0123456789") == "W••••••9"
    assert mask_key("abc") == "a••••••c" and mask_key("ab") == "••••••" and mask_key(None) is None
    assert mask_query("writeKey=wk%2Bplus%26x&t=a+b") == "writeKey=w••••••x&t=a+b"
    assert mask_query("_k=KM_SECRET_abcdef&_n=Viewed&_p=bob") == "_k=K••••••f&_n=Viewed&_p=bob"
    assert mask_query("a=1&writekey=&x") == "a=1&writekey=&x"  # nothing to hide
    assert mask_query("notwriteKey=abc") == "notwriteKey=abc"
    text = '{"writeKey": "WK_SECRET_0123456789", "nested": {"writeKey":"k\\"ey-123"}}'
    assert json.loads(mask_json_text(text)) == {
        "writeKey": MASKED,
        "nested": {"writeKey": "k••••••3"},
    }
    assert mask_text("GET /e?_k=KM_SECRET_abcdef&_p=u failed") == "GET /e?_k=K••••••f&_p=u failed"
    msg = {"writeKey": KEY, "event": "E", "properties": {"writeKey": "kept: user data"}}
    assert mask_fields(msg) == {**msg, "writeKey": MASKED}
    assert mask_fields({"params": {"_k": KM_KEY, "_n": "E"}}) == {
        "params": {"_k": "K••••••f", "_n": "E"}
    }


def send_every_way(api) -> None:
    """The write key in each place a client puts it."""
    basic = "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()
    track = {"userId": "u", "event": "Signed Up"}
    assert api.post("/v1/track", json.dumps(track), headers={"Authorization": basic}).ok
    assert api.post("/v1/track", json.dumps({**track, "writeKey": KEY})).ok  # body
    batch = {"writeKey": KEY, "batch": [{"type": "track", **track}]}  # envelope
    assert api.post("/v1/batch", json.dumps(batch)).ok
    assert api.post(f"/v1/track?writeKey={KEY}", json.dumps(track)).ok  # query
    assert api.get(f"/e?_k={KM_KEY}&_p=u&_n=Viewed").ok  # KISSmetrics
    assert api.post(f"/v1/track?writeKey={KEY}", "{broken").status_code == 400  # rejected


def test_write_keys_are_masked_in_every_answer_and_still_filterable(api):
    send_every_way(api)
    events = api.events()
    assert len(events) == 5
    answers = [api.get("/api/events").text, api.get("/api/export").text]
    answers += [api.get(f"/api/events/{e['id']}").text for e in events]
    answers += [api.get("/api/rejected").text, api.get("/api/requests").text]
    answers += [
        api.get(f"/api/requests/{r['id']}").text
        for r in api.get("/api/requests").json()["requests"]
    ]
    for text in answers:
        assert KEY not in text and KM_KEY not in text
        assert urllib.parse.quote(KEY) not in text
    assert {e["source"]["writeKey"] for e in events} == {MASKED, "K••••••f"}
    detail = api.get(f"/api/events/{events[0]['id']}").json()
    assert detail["raw"]["headers"]["Authorization"].startswith("Basic ••••")
    # the whole key, as the user types it, still finds every event that carried it
    assert len(api.events(f'writekey:"{KEY}"')) == 4
    assert len(api.events(f"writekey:{KM_KEY}")) == 1
    assert api.events(f"writekey:{MASKED}") == []


def test_exports_and_reports_mask_write_keys(api, collector, tmp_path):
    send_every_way(api)
    api.events()  # the writer caught up
    data = str(collector.data_dir)
    out = tmp_path / "out.ndjson"
    run = [sys.executable, "-m", "inspector"]
    r = subprocess.run(
        [*run, "export", "--data-dir", data, "--session", "test", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    lines = out.read_text().splitlines()
    assert len(lines) == 5 and KEY not in out.read_text()
    assert json.loads(lines[1])["writeKey"] == MASKED  # the body's writeKey, masked
    r = subprocess.run(
        [*run, "report", "--data-dir", data, "--session", "test", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert KEY not in r.stdout and KM_KEY not in r.stdout and MASKED in r.stdout


def test_kissmetrics_over_long_get_is_kept_answered_and_not_logged(tmp_path):
    """A GET longer than aiohttp's default 8 KiB line: served (GIF), kept, nothing on stderr;
    one past the 1 MiB bound is answered 400 with the key in no log."""
    p = subprocess.Popen(
        [
            *(sys.executable, "-m", "inspector", "serve", "--port", "0", "--no-lint"),
            *("--data-dir", str(tmp_path), "--max-seconds", "60"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = p.stdout.readline().split()[2]
        long_value = "x" * 20_000
        r = requests.get(f"{url}/e?_k={KM_KEY}&_p=longuser&_n=Long&note={long_value}", timeout=30)
        assert r.status_code == 200 and r.content.startswith(b"GIF89a")
        (ev,) = requests.get(f"{url}/api/events", timeout=30).json()["events"]
        assert ev["message"]["properties"]["note"] == long_value
        assert ev["source"]["writeKey"] == "K••••••f"
        r = requests.get(f"{url}/e?_k={KM_KEY}&_n=Huge&note={'y' * 1_100_000}", timeout=30)
        assert r.status_code in (400, 414)
        assert requests.get(f"{url}/api/health", timeout=30).status_code == 200
    finally:
        p.terminate()
        _, err = p.communicate(timeout=30)
    assert KM_KEY not in err
    assert "Traceback" not in err


# -- no bare 500s ---------------------------------------------------------------------------
def test_an_unexpected_failure_is_logged_and_answered_as_json(api, collector, caplog):
    class Broken:
        def to_dict(self):
            raise RuntimeError(f'boom with {{"writeKey": "{KEY}"}} from /e?_k={KM_KEY}')

    collector.service.faults.rules = [Broken()]  # a bug in GET /api/faults, nothing else
    with caplog.at_level(logging.ERROR, logger="inspector.collector"):
        r = api.get(f"/api/faults?token={KEY}")
    assert r.status_code == 500
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert body["code"] == "internal_error" and "RuntimeError" in body["message"]
    assert KEY not in r.text
    (record,) = [rec for rec in caplog.records if rec.name == "inspector.collector"]
    logged = record.getMessage()  # the traceback is in the log, what it quotes masked
    assert "Traceback (most recent call last)" in logged and "RuntimeError: boom with" in logged
    assert "GET /api/faults?token=W••••••9" in logged
    assert KEY not in logged and KM_KEY not in logged and "_k=K••••••f" in logged
    assert record.exc_info is None  # no unmasked copy for a handler to format
    assert api.get("/api/health").status_code == 200  # and it goes on serving


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/nothing/here", 404, "not_found"),
        ("GET", "/v1/batch", 405, "method_not_allowed"),
        ("PATCH", "/api/events", 405, "method_not_allowed"),
    ],
)
def test_aiohttp_errors_are_json(api, method, path, status, code):
    r = api.s.request(method, api.url + path, timeout=10)
    assert r.status_code == status
    assert r.json()["code"] == code and path in r.json()["message"]


def test_serve_print_echoes_messages_with_write_keys_masked(tmp_path):
    """``serve --print``: one NDJSON line per event on stdout, a writeKey in it masked."""
    p = subprocess.Popen(
        [
            *(sys.executable, "-m", "inspector", "serve", "--port", "0", "--no-lint", "--print"),
            *("--data-dir", str(tmp_path), "--max-seconds", "60"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert p.stderr is not None and p.stdout is not None
        line = p.stderr.readline()  # with --print, stdout carries NDJSON only
        url = line.split("listening on ")[1].split()[0]
        body = {"userId": "u", "event": "Printed", "writeKey": KEY}
        assert requests.post(url + "/v1/track", json=body, timeout=10).ok
        printed = json.loads(p.stdout.readline())
        assert printed["event"] == "Printed" and printed["writeKey"] == MASKED
    finally:
        p.terminate()
        out, _ = p.communicate(timeout=30)
    assert KEY not in out


def test_files_written_with_captured_data_are_for_their_owner_only(api, collector, tmp_path):
    """What export, report and bundle write holds captured data: created 0600, as the data
    files are (whatever the umask)."""
    send_every_way(api)
    api.events()
    data = str(collector.data_dir)
    run = [sys.executable, "-m", "inspector"]
    made = []
    for fmt in ("ndjson", "capture", "har"):
        made.append(tmp_path / f"out.{fmt}")
        cmd = ["export", "--format", fmt, "--out", str(made[-1])]
        r = subprocess.run([*run, *cmd, "--data-dir", data], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    made.append(tmp_path / "report.html")
    r = subprocess.run(
        [*run, "report", "--data-dir", data, "--out", str(made[-1])], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    made.append(tmp_path / "bundle.zip")
    r = subprocess.run(
        [*run, "bundle", "--data-dir", data, "--out", str(made[-1])], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    for path in made:
        assert path.stat().st_mode & 0o777 == 0o600, path
        if path.suffix != ".zip":
            assert KEY not in path.read_text(), path
    for path in data_files(collector.data_dir):
        assert path.stat().st_mode & 0o077 == 0, path  # store, WAL, SHM, inbox


def data_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


def test_log_lines_and_their_tracebacks_are_masked():
    """serve's standard-error log masks what a message or a traceback quotes."""
    from inspector.collector.failsafe import MaskingFormatter

    try:
        raise ValueError(f'bad body {{"writeKey": "{KEY}"}}')
    except ValueError:
        record = logging.LogRecord(
            "inspector.x", logging.ERROR, __file__, 1, "GET /e?_k=%s", (KM_KEY,), sys.exc_info()
        )
    text = MaskingFormatter("%(message)s").format(record)
    assert "Traceback" in text and "ValueError: bad body" in text
    assert KEY not in text and KM_KEY not in text
    assert MASKED in text and "_k=K••••••f" in text
