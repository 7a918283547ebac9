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

from inspector.collector.origins import (
    OriginPolicy,
    is_loopback_origin,
    normalize_origin,
    origin_problem,
)
from inspector.testing.collector import ThreadedCollector

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
    ("GET", "/projects/WK/settings", None, None),
    ("GET", "/sourceConfig?writeKey=WK", None, None),
]
API = [
    ("GET", "/api/events", None, None),
    ("GET", "/api/export", None, None),
    ("GET", "/api/health", None, None),
    ("GET", "/api/requests", None, None),
    ("GET", "/api/export?format=har", None, None),
    ("GET", "/api/identities", None, None),
    ("GET", "/api/lint", None, None),
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
    r = call(collector, "PUT", "/api/faults", rule, ctype, origin)  # refused before routing
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


# -- everything else: for people, not pages ------------------------------------------------
OTHER = ["/phone", "/phone/qr.svg", "/ca.pem", "/nowhere", "/v1"]


@pytest.mark.parametrize("origin", [FOREIGN, "http://localhost:3000", ALLOWED, None])
@pytest.mark.parametrize("path", OTHER)
def test_other_routes_give_pages_no_cors_and_no_private_network_grant(collector, path, origin):
    """The phone page, its QR code, the CA and unknown paths are opened by a person: a page
    on any origin can neither read them nor get the private-network grant for them."""
    r = call(collector, "GET", path, origin=origin)
    assert r.status_code in (200, 404), r.text
    assert not [k for k in r.headers if k.lower().startswith("access-control-")]
    pre = call(
        collector,
        "OPTIONS",
        path,
        origin=origin or FOREIGN,
        **{
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Private-Network": "true",
        },
    )
    assert pre.status_code < 500
    assert not [k for k in pre.headers if k.lower().startswith("access-control-")]


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
    # what a user may mistype: said, since no page's Origin can ever match it
    for ok in ("https://app.test:3000", "http://app.test/", "HTTP://[::1]:80"):
        assert origin_problem(ok) is None, ok
    assert "https://app.test:3000" in origin_problem("app.test:3000")
    assert "https://app.test" in origin_problem("https://app.test/page?x=1")
    for bad in ("", "null", "ftp://app.test", "http://app.test:99999", "https://u@app.test"):
        assert origin_problem(bad), bad


def test_serve_takes_allow_origin(tmp_path):
    """``serve --allow-origin`` (repeatable), as users run it: a subprocess."""
    p = subprocess.Popen(
        [
            *(sys.executable, "-m", "inspector", "serve", "--port", "0", "--no-lint"),
            *("--data-dir", str(tmp_path), "--max-seconds", "30"),
            *("--allow-origin", ALLOWED, "--allow-origin", "http://dev.test:3000"),
            *("--allow-origin", "typo.test:3000"),
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
        _, err = p.communicate(timeout=30)
    assert "warning: --allow-origin: 'typo.test:3000' is not an origin" in err
    assert "https://typo.test:3000" in err and ALLOWED not in err


# -- the Host check: DNS rebinding ----------------------------------------------------------
ALLOWED_HOST = "inspector.dev.test"
# Host header (PORT is replaced by the collector's port) → allowed?
HOSTS = {
    "ip": ("127.0.0.1:PORT", True),
    "ip-no-port": ("127.0.0.1", True),
    "other-loopback": ("127.8.9.10:PORT", True),
    "localhost": ("localhost:PORT", True),
    "localhost-upper-dot": ("LOCALHOST.:PORT", True),
    "ipv6-loopback": ("[::1]:PORT", True),
    "android-emulator": ("10.0.2.2:PORT", True),
    "mapped-loopback": ("[::ffff:127.0.0.1]:PORT", True),
    "allowed-name": (f"{ALLOWED_HOST}:PORT", True),
    "rebinding": ("evil.example:PORT", False),
    "rebinding-no-port": ("evil.example", False),
    "lookalike": ("localhost.evil.example:PORT", False),
    "ip-lookalike": ("127.0.0.1.evil.example:PORT", False),
    "not-this-machine": ("198.51.100.7:PORT", False),
    "unspecified": ("0.0.0.0:PORT", False),  # listening on 127.0.0.1 only
    "garbage": ("evil example", False),
    "bad-port": ("localhost:http", False),
    "empty": ("", False),
}
HOST_ROUTES = [
    ("POST", "/v1/t", TRACK, "text/plain"),
    ("GET", "/v1/projects/WK/settings", None, None),
    ("GET", "/e?_k=KMKEY&_p=kmuser&_n=Viewed", None, None),
    ("GET", "/sourceConfig?writeKey=WK", None, None),
    ("GET", "/phone", None, None),
    ("GET", "/api/events", None, None),
    ("DELETE", "/api/faults", None, None),
    ("OPTIONS", "/v1/t", None, None),
    ("OPTIONS", "/api/events", None, None),
]


@pytest.fixture(scope="module")
def hosted(tmp_path_factory) -> Iterator[ThreadedCollector]:
    with ThreadedCollector(
        tmp_path_factory.mktemp("hosts") / "data",
        session="hosts",
        allow_origins=(ALLOWED,),
        allow_hosts=(ALLOWED_HOST,),
        lint=False,
    ) as c:
        yield c


@pytest.mark.parametrize(("host", "ok"), list(HOSTS.values()), ids=list(HOSTS))
@pytest.mark.parametrize(
    ("method", "path", "body", "ctype"), HOST_ROUTES, ids=[f"{m} {p}" for m, p, *_ in HOST_ROUTES]
)
def test_host_check_on_every_route(hosted, method, path, body, ctype, host, ok):
    headers = {"Host": host.replace("PORT", str(hosted.port)), "Origin": "http://localhost:3000"}
    if method == "OPTIONS":
        headers["Access-Control-Request-Method"] = "POST"
    before = call(hosted, "GET", "/api/stats").json()
    r = call(hosted, method, path, body, ctype, **headers)
    if ok:
        assert r.status_code in (200, 204), r.text
        return
    assert r.status_code == 421
    assert r.json()["code"] == "host_not_allowed"
    assert "--allow-host" in r.json()["message"]
    assert not any(k.startswith("Access-Control-Allow") for k in r.headers)
    after = call(hosted, "GET", "/api/stats").json()
    assert (after["events"], after["requests"]) == (before["events"], before["requests"])


def test_rebinding_cannot_clear_the_session(hosted):
    """The issue's attack: ``DELETE /api/events`` with ``Host: evil.example:8787``."""
    call(hosted, "POST", "/v1/track", TRACK, "application/json")
    n = call(hosted, "GET", "/api/events").json()["total"]
    assert n >= 1
    r = call(hosted, "DELETE", "/api/events", Host=f"evil.example:{hosted.port}")
    assert r.status_code == 421
    r = call(hosted, "GET", "/api/export", Host=f"evil.example:{hosted.port}")
    assert r.status_code == 421 and b"Security Check" not in r.content
    assert call(hosted, "GET", "/api/events").json()["total"] == n


@pytest.mark.parametrize(
    ("host", "api_host"),
    [
        ("localhost:PORT", "localhost:PORT"),
        ("127.0.0.1:PORT", "127.0.0.1:PORT"),
        ("[::1]:PORT", "[::1]:PORT"),
        (f"{ALLOWED_HOST}:PORT", f"{ALLOWED_HOST}:PORT"),
        ("Localhost.:PORT", "localhost:PORT"),
    ],
)
def test_settings_name_the_collectors_own_address(hosted, host, api_host):
    port = str(hosted.port)
    r = call(hosted, "GET", "/v1/projects/WK/settings", Host=host.replace("PORT", port))
    seg = r.json()["integrations"]["Segment.io"]
    assert seg["apiHost"] == api_host.replace("PORT", port) + "/v1"
    r = call(hosted, "GET", "/v1/projects/WK/settings", Host=f"evil.example:{port}")
    assert r.status_code == 421 and "evil" not in r.json().get("integrations", "")


def raw_request(c, data: bytes) -> bytes:
    """Send bytes as they are (headers aiohttp's client would never send) and read the answer."""
    import socket

    with socket.create_connection(("127.0.0.1", c.port), timeout=10) as s:
        s.sendall(data)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_host_header_edge_cases_over_a_raw_socket(hosted):
    # HTTP/1.0 without Host: not a browser, nothing to rebind; the settings name the socket
    answer = raw_request(hosted, b"GET /v1/projects/WK/settings HTTP/1.0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200") or answer.startswith(b"HTTP/1.0 200")
    body = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert body["integrations"]["Segment.io"]["apiHost"] == f"127.0.0.1:{hosted.port}/v1"
    # two Host headers: refused (or rejected by the HTTP parser), never served
    answer = raw_request(
        hosted,
        f"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:{hosted.port}\r\n"
        f"Host: evil.example\r\nConnection: close\r\n\r\n".encode(),
    )
    assert answer.split(b" ", 2)[1] in (b"400", b"421"), answer[:200]
    # an absolute URI: its authority is the host that counts, and so is the Host header
    for authority, host in (("127.0.0.1", "evil.example"), ("evil.example:81", "127.0.0.1")):
        answer = raw_request(
            hosted,
            f"GET http://{authority}/api/events HTTP/1.1\r\nHost: {host}\r\n"
            "Connection: close\r\n\r\n".encode(),
        )
        assert answer.split(b" ", 2)[1] == b"421", answer[:200]
    answer = raw_request(
        hosted,
        f"GET http://localhost:{hosted.port}/api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Connection: close\r\n\r\n".encode(),
    )
    assert answer.split(b" ", 2)[1] == b"200", answer[:200]


def test_host_policy():
    from ipaddress import ip_address

    from inspector.collector.hosts import HostPolicy, is_local_address, split_host
    from inspector.domain.netaddrs import host_names, lan_addresses

    assert split_host("[::1]:8787") == ("::1", 8787)
    assert split_host("Example.COM.:80") == ("example.com", 80)
    for bad in ("[::1", "[::1]x", "a b", "host:", "host:99999", "[zz]", "h:1:2"):
        assert split_host(bad) is None, bad
    loop = HostPolicy(["127.0.0.1"])
    assert loop.loopback_only
    assert loop.allows("localhost") and loop.allows("127.0.0.1:1") and loop.allows(None)
    assert not loop.allows("evil.example") and not loop.allows("0.0.0.0:8787")
    # the address the client connected to is one the collector listens on
    assert loop.allows("192.0.2.99:8787", local_ip="192.0.2.99")
    assert not loop.allows("192.0.2.99:8787", local_ip="127.0.0.1")
    # an Android emulator reaches this machine's loopback as 10.0.2.2 (Genymotion 10.0.3.2)
    assert loop.allows("10.0.2.2:8787", local_ip="127.0.0.1")
    assert loop.allows("10.0.3.2:8787", local_ip="127.0.0.1")
    assert not loop.allows("10.0.2.2:8787", local_ip="192.0.2.99")
    # listening on every interface: any address of this machine, and its own names
    wide = HostPolicy(["0.0.0.0"], ["Proxy.Test:8080", "203.0.113.5"])
    assert not wide.loopback_only
    assert wide.allows("0.0.0.0:8787") and wide.allows("proxy.test") and wide.allows("203.0.113.5")
    for name in host_names():  # this machine's names (a phone finds it as NAME.local)
        assert wide.allows(f"{name}:8787"), name
        assert loop.allows(name) == (name == "localhost"), name
    for addr in lan_addresses():
        assert is_local_address(ip_address(addr)) and wide.allows(f"[{addr}]:1"), addr
        assert not loop.allows(f"[{addr}]:1"), addr  # 127.0.0.1 only: not reachable there
    assert not is_local_address(ip_address("198.51.100.7"))
    assert not wide.allows("198.51.100.7") and not wide.allows("evil.example")
    # a listen name is a name of the collector
    named = HostPolicy(["inspector.lan"])
    assert named.allows("inspector.lan:8787") and not named.allows("other.lan")
    named.set_allowed(["other.lan"])
    assert named.allows("other.lan")


def test_serve_takes_allow_host(tmp_path):
    p = subprocess.Popen(
        [
            *(sys.executable, "-m", "inspector", "serve", "--port", "0", "--no-lint"),
            *("--data-dir", str(tmp_path), "--max-seconds", "30"),
            *("--allow-host", ALLOWED_HOST, "--allow-host", "second.test"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = p.stdout.readline().split()[2]
        port = url.rsplit(":", 1)[1]
        for host, status in (
            (ALLOWED_HOST, 200),
            (f"second.test:{port}", 200),
            (f"third.test:{port}", 421),
            (f"localhost:{port}", 200),
        ):
            r = requests.get(url + "/api/health", headers={"Host": host}, timeout=10)
            assert r.status_code == status, host
    finally:
        p.terminate()
        p.wait(30)
