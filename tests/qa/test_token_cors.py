"""The optional /api token, its generation by ``serve``, and CORS on every /api route
(for loopback origins; foreign ones are refused: tests/collector/test_security.py)."""

from __future__ import annotations

import urllib.request

import pytest

from inspector.cli.serve import api_token_for
from inspector.collector.api_token import generate_token, token_ok
from inspector.testing.client import EventInspector
from inspector.testing.collector import ThreadedCollector
from tests.lan.netns import LAN_ADDRESS, run_scenario
from tests.qa.conftest import post

TOKEN = "s3cret-token"
NO_LINT = {"lint": False}
PAGE = "http://localhost:3000"  # a dev server on this machine: a loopback origin
JSON = {"Content-Type": "application/json"}
API_ROUTES = [
    ("GET", "/api/health"),
    ("GET", "/api/events"),
    ("GET", "/api/stats"),
    ("GET", "/api/sessions"),
    ("GET", "/api/rejected"),
    ("GET", "/api/faults"),
    ("GET", "/api/wait?count=0&timeout=0"),
    ("POST", "/api/assert"),
    ("GET", "/api/export"),
]


def raw(method, url, headers=None, body=None):
    headers = dict(headers or {})
    if body is not None:
        headers.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, method=method, headers=headers, data=body)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.fixture
def secured(tmp_path):
    c = ThreadedCollector(tmp_path, api_token=TOKEN, **NO_LINT).start()
    yield c
    c.stop()


@pytest.mark.parametrize(("method", "path"), API_ROUTES)
def test_token_required_on_every_api_route(secured, method, path):
    body = b'{"expectations": []}' if method == "POST" else None
    status, headers, text = raw(method, secured.url + path, {"Origin": PAGE}, body=body)
    assert status == 401, text
    assert b"X-Inspector-Token" in text and headers["Content-Type"].startswith("application/json")
    assert headers.get("Access-Control-Allow-Origin") == PAGE  # the page can read the 401
    ok = raw(method, secured.url + path, {"X-Inspector-Token": TOKEN}, body)[0]
    assert ok == 200
    sep = "&" if "?" in path else "?"
    assert raw(method, f"{secured.url}{path}{sep}token={TOKEN}", body=body)[0] == 200
    assert raw(method, secured.url + path, {"X-Inspector-Token": "wrong"}, body)[0] == 401


def test_token_leaves_tracking_routes_and_preflights_open(secured):
    assert post(secured.url + "/v1/track", {"userId": "u", "event": "E", "writeKey": "k"}) == 200
    status, headers, _ = raw(
        "OPTIONS",
        secured.url + "/api/events",
        {
            "Origin": PAGE,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-inspector-token",
        },
    )
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == PAGE
    assert "x-inspector-token" in headers["Access-Control-Allow-Headers"].lower()
    client = EventInspector(secured.url, token=TOKEN, collector=secured)
    assert client.count() == 1


def test_no_token_means_open(tmp_path):
    c = ThreadedCollector(tmp_path, **NO_LINT).start()
    try:
        assert raw("GET", c.url + "/api/health")[0] == 200
    finally:
        c.stop()


@pytest.mark.parametrize(("method", "path"), API_ROUTES)
def test_cors_on_every_api_route(tmp_path_factory, method, path, request):
    c = ThreadedCollector(tmp_path_factory.mktemp("cors"), **NO_LINT).start()
    request.addfinalizer(c.stop)
    body = b'{"expectations": []}' if method == "POST" else None
    status, headers, _ = raw(method, c.url + path, {"Origin": PAGE}, body)
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == PAGE
    assert "Access-Control-Allow-Credentials" not in headers
    status, headers, _ = raw(method, c.url + path, body=body)
    assert status == 200 and "Access-Control-Allow-Origin" not in headers
    status, headers, _ = raw(
        "OPTIONS",
        c.url + path.split("?")[0],
        {
            "Origin": PAGE,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert status == 204
    assert method in headers["Access-Control-Allow-Methods"]
    assert headers["Access-Control-Allow-Headers"] == "content-type"


def test_cors_on_errors(tmp_path):
    c = ThreadedCollector(tmp_path, **NO_LINT).start()
    try:
        for path in ("/api/wait?count=x", "/api/events/999", "/api/assert"):
            method = "POST" if path == "/api/assert" else "GET"
            status, headers, _ = raw(
                method,
                c.url + path,
                {"Origin": "http://127.0.0.1:5173"},
                b"not json" if method == "POST" else None,
            )
            assert status in (400, 404)
            assert headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:5173"
    finally:
        c.stop()


def test_token_helpers():
    assert api_token_for("127.0.0.1", None) is None
    assert api_token_for("localhost", None) is None
    assert api_token_for("::1", None) is None
    assert api_token_for("0.0.0.0", "mine") == "mine"
    generated = api_token_for("0.0.0.0", None)
    assert generated and len(generated) >= 32 and generated != api_token_for("0.0.0.0", None)
    assert len(generate_token()) >= 32
    assert token_ok("abc", "abc") and not token_ok("abc", "abd") and not token_ok("abc", None)


def test_serve_beyond_loopback_prints_and_enforces_a_token(tmp_path):
    """``serve --host 0.0.0.0`` in a private network namespace (tests/lan/netns.py): it never
    binds this machine's real addresses."""
    out = run_scenario("serve_scenario", str(tmp_path / "data"), "--host", "0.0.0.0")
    lines = out["lines"]
    assert lines[0].startswith("listening on http://0.0.0.0:"), lines
    assert "reachable from the network; /api needs the token" in lines[0]
    assert lines[1].startswith("api token: ")
    token = lines[1].split()[2]
    assert out["token"] == token and len(token) >= 32
    port = lines[0].split(":")[2].split()[0]
    for host in ("127.0.0.1", LAN_ADDRESS):  # loopback and the namespace's LAN address
        base = f"http://{host}:{port}"
        assert out["probes"][f"api {base}"] == 401
        assert out["probes"][f"api+token {base}"] == 200
        assert out["probes"][f"track {base}"] == 200
        for key in ("POST /v1/track", "GET /api/stats", "GET /v1/projects/WK/settings"):
            assert out["probes"][f"foreign {key} {base}"] == [421, "host_not_allowed"], key
    # listening on every address: a Host naming any address of this machine is served (a
    # phone may call it by either), one that is not this machine's is refused
    assert out["probes"]["other-local"] == [200, None]
    assert out["probes"]["not-local"] == [421, "host_not_allowed"]


def test_serve_with_given_token_does_not_print_it(tmp_path):
    given = "tok-Zq81-given"
    out = run_scenario(
        "serve_scenario", str(tmp_path / "data"), "--host", "0.0.0.0", "--token", given
    )
    base = f"http://127.0.0.1:{out['lines'][0].split(':')[2].split()[0]}"
    assert out["probes"][f"api+token {base}"] == 200  # X-Inspector-Token: the given one
    assert out["probes"][f"api {base}"] == 401
    assert not any(given in line or line.startswith("api token") for line in out["lines"])
