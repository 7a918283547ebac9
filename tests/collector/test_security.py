"""Who may use which route, from where: origin, preflight and content-type rules per route
family, over real HTTP on 127.0.0.1.

Route families: the tracking routes (open to pages on any origin, as browser SDKs need) and
the query API ``/api`` (reads and deletes captured data: only no origin, loopback origins
and origins the user allowed; never credentials; no state change from a simple request).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
import requests

from inspector.collector.origins import OriginPolicy, is_loopback_origin, normalize_origin
from inspector.collector.threaded import ThreadedCollector

ALLOWED = "https://app.allowed.test:8443"
FOREIGN = "https://evil.example"
LOOPBACK = [
    "http://localhost:3000",
    "https://localhost",
    "http://127.0.0.1:5173",
    "http://127.9.8.7",
    "http://[::1]:8080",
]
ORIGINS = {
    "foreign": FOREIGN,
    "null": "null",
    "lookalike": "http://localhost.evil.example",
    "allowed": ALLOWED,
    **{f"loopback{i}": o for i, o in enumerate(LOOPBACK)},
    "none": None,
}
TRACK = json.dumps({"userId": "u", "event": "Security Check", "writeKey": "WK"})

# family, method, path, body, content type
TRACKING = [
    ("POST", "/v1/t", TRACK, "text/plain"),
    ("POST", "/v1/batch", json.dumps({"batch": [json.loads(TRACK)]}), "application/json"),
    ("GET", "/v1/projects/WK/settings", None, None),
    ("GET", "/e?_k=KMKEY&_p=kmuser&_n=Viewed", None, None),
]
API = [
    ("GET", "/api/events", None, None),
    ("GET", "/api/export", None, None),
    ("GET", "/api/health", None, None),
    ("POST", "/api/assert", json.dumps({"expectations": []}), "application/json"),
    ("POST", "/api/faults", json.dumps({"status": 503, "count": 1}), "application/json"),
    ("DELETE", "/api/faults", None, None),
    ("DELETE", "/api/events", None, None),
]


@pytest.fixture(scope="module")
def collector(tmp_path_factory) -> Iterator[ThreadedCollector]:
    with ThreadedCollector(
        tmp_path_factory.mktemp("security") / "data",
        session="security",
        allow_origins=(ALLOWED,),
        lint=False,
    ) as c:
        yield c


def call(c, method, path, body=None, ctype=None, origin=None, **headers):
    h = dict(headers)
    if ctype:
        h["Content-Type"] = ctype
    if origin:
        h["Origin"] = origin
    return requests.request(method, c.url + path, data=body, headers=h, timeout=10)


def faults(c) -> list:
    return call(c, "GET", "/api/faults").json()["faults"]


def api_allowed(origin: str | None) -> bool:
    return origin is None or origin == ALLOWED or origin in LOOPBACK


# -- the query API --------------------------------------------------------------------------
@pytest.mark.parametrize("origin", list(ORIGINS.values()), ids=list(ORIGINS))
@pytest.mark.parametrize(
    ("method", "path", "body", "ctype"), API, ids=[f"{m} {p}" for m, p, *_ in API]
)
def test_api_serves_only_trusted_origins(collector, method, path, body, ctype, origin):
    r = call(collector, method, path, body, ctype, origin)
    assert "Access-Control-Allow-Credentials" not in r.headers
    assert r.headers["Cache-Control"] == "no-store"
    assert "Origin" in r.headers["Vary"]
    if api_allowed(origin):
        assert r.status_code == 200, r.text
        assert r.headers.get("Access-Control-Allow-Origin") == origin  # absent for no origin
    else:
        assert r.status_code == 403
        assert r.json()["code"] == "origin_not_allowed"
        assert "--allow-origin" in r.json()["message"]
        assert "Access-Control-Allow-Origin" not in r.headers
    call(collector, "DELETE", "/api/faults")


PREFLIGHT_ORIGINS = {k: v for k, v in ORIGINS.items() if v is not None}  # browsers always send one


@pytest.mark.parametrize("origin", list(PREFLIGHT_ORIGINS.values()), ids=list(PREFLIGHT_ORIGINS))
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_api_preflight_answers_only_trusted_origins(collector, method, origin):
    r = call(
        collector,
        "OPTIONS",
        "/api/events",
        origin=origin,
        **{
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "content-type,x-inspector-token",
            "Access-Control-Request-Private-Network": "true",
        },
    )
    # the private-network grant is never given on /api, and never credentials
    assert "Access-Control-Allow-Private-Network" not in r.headers
    assert "Access-Control-Allow-Credentials" not in r.headers
    if api_allowed(origin):
        assert r.status_code == 204
        assert r.headers["Access-Control-Allow-Origin"] == origin
        assert method in r.headers["Access-Control-Allow-Methods"]
        assert "x-inspector-token" in r.headers["Access-Control-Allow-Headers"]
    else:
        assert r.status_code == 403 and r.json()["code"] == "origin_not_allowed"
        assert not any(k.startswith("Access-Control-Allow") for k in r.headers)


def test_a_foreign_page_changes_nothing(collector):
    """What a page on evil.example tried in the issue: install a fault, clear the session,
    read the export. None of it happens."""
    call(collector, "POST", "/v1/track", TRACK, "text/plain")
    before = call(collector, "GET", "/api/events").json()["total"]
    assert before >= 1
    for ctype in ("text/plain", "application/json"):
        r = call(collector, "POST", "/api/faults", '{"status":503}', ctype, FOREIGN)
        assert r.status_code == 403
    assert call(collector, "DELETE", "/api/events", origin=FOREIGN).status_code == 403
    r = call(collector, "GET", "/api/export", origin=FOREIGN)
    assert r.status_code == 403 and b"Security Check" not in r.content
    assert faults(collector) == []
    assert call(collector, "GET", "/api/events").json()["total"] == before


# -- no state change from a simple request ------------------------------------------------
SIMPLE_TYPES = [
    "text/plain",
    "text/plain;charset=UTF-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
]


@pytest.mark.parametrize("origin", [None, "http://localhost:3000", ALLOWED])
@pytest.mark.parametrize("ctype", SIMPLE_TYPES)
def test_simple_requests_cannot_change_state(collector, ctype, origin):
    """A form or a text/plain fetch never preflights: refused even from a trusted page."""
    rule = json.dumps({"status": 503, "count": 1})
    r = call(collector, "POST", "/api/faults", rule, ctype, origin)
    assert r.status_code == 415
    assert r.json()["code"] == "unsupported_media_type"
    assert "application/json" in r.json()["message"]
    if origin:  # the page can read why
        assert r.headers["Access-Control-Allow-Origin"] == origin
    r = call(collector, "DELETE", "/api/events", "x", ctype, origin)
    assert r.status_code == 415
    assert faults(collector) == []


def test_state_changes_need_json_or_no_body(collector):
    c = collector
    rule = json.dumps({"status": 503, "count": 1})
    assert call(c, "POST", "/api/faults", rule).status_code == 415  # a body, no Content-Type
    assert faults(c) == []
    r = call(c, "POST", "/api/faults", rule, "application/json; charset=utf-8")
    assert r.status_code == 200 and len(faults(c)) == 1
    assert call(c, "DELETE", "/api/faults").status_code == 200  # no body at all
    assert faults(c) == []
    # reads are not state changes: GET with any Content-Type is served
    assert call(c, "GET", "/api/health", ctype="text/plain").status_code == 200


# -- the tracking routes stay open ----------------------------------------------------------
@pytest.mark.parametrize("origin", list(ORIGINS.values()), ids=list(ORIGINS))
@pytest.mark.parametrize(
    ("method", "path", "body", "ctype"), TRACKING, ids=[f"{m} {p}" for m, p, *_ in TRACKING]
)
def test_tracking_routes_serve_every_origin(collector, method, path, body, ctype, origin):
    r = call(collector, method, path, body, ctype, origin)
    assert r.status_code == 200, r.text
    assert r.headers["Access-Control-Allow-Origin"] == (origin or "*")
    pre = call(
        collector,
        "OPTIONS",
        path,
        origin=origin or FOREIGN,
        **{
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization,content-type",
            "Access-Control-Request-Private-Network": "true",
        },
    )
    assert pre.status_code == 204
    assert pre.headers["Access-Control-Allow-Origin"] == (origin or FOREIGN)
    assert pre.headers["Access-Control-Allow-Private-Network"] == "true"


# -- the origin rules themselves ------------------------------------------------------------
def test_origin_rules():
    for o in [*LOOPBACK, "http://LOCALHOST:1", "https://127.0.0.1:443", "http://[::1]"]:
        assert is_loopback_origin(o), o
    for o in (
        FOREIGN,
        "null",
        "file://",
        "http://localhost.evil.example",
        "http://127.0.0.1.evil.example",
        "http://evil.example@127.0.0.1",
        "ftp://localhost",
        "http://localhost:99999",
        "http://[::2]",
        "",
    ):
        assert not is_loopback_origin(o), o
    assert normalize_origin("HTTPS://App.Test:443") == "https://app.test"
    assert normalize_origin("http://app.test:80") == "http://app.test"
    assert normalize_origin("http://app.test:8080/") == "http://app.test:8080"
    policy = OriginPolicy(["https://App.Test:443", "http://dev.test:3000"])
    assert policy.allows("https://app.test") and policy.allows("http://dev.test:3000")
    assert not policy.allows("http://app.test") and not policy.allows("http://dev.test:3001")
    policy.set_allowed([])
    assert not policy.allows("https://app.test") and policy.allows("http://localhost:1")


def test_serve_takes_allow_origin(tmp_path):
    """``serve --allow-origin`` (repeatable), as users run it: a subprocess."""
    p = subprocess.Popen(
        [
            *(sys.executable, "-m", "inspector", "serve", "--port", "0", "--no-lint"),
            *("--data-dir", str(tmp_path), "--max-seconds", "30"),
            *("--allow-origin", ALLOWED, "--allow-origin", "http://dev.test:3000"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = p.stdout.readline().split()[2]
        for origin, status in (
            (ALLOWED, 200),
            ("http://dev.test:3000", 200),
            ("http://dev.test:3001", 403),
            (FOREIGN, 403),
        ):
            r = requests.get(url + "/api/health", headers={"Origin": origin}, timeout=10)
            assert r.status_code == status, origin
            assert r.headers.get("Access-Control-Allow-Origin") == (
                origin if status == 200 else None
            )
    finally:
        p.terminate()
        p.wait(30)
