"""Hostile input: whatever arrives, no 5xx, no hang, the collector still answers, and a request
it cannot turn into events is answered 400 and kept as rejected with the reason.

A named list (the issue's) plus hypothesis-generated bodies and queries, over real HTTP on
127.0.0.1; raw sockets for HTTP that no client library would send. One collector for the
module (lint on, as users run it); every case checks it is still answering.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspector.testing.collector import ThreadedCollector

MiB = 1024 * 1024
TRACK = b'{"type":"track","userId":"u","event":"Hostile"}'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Iterator[ThreadedCollector]:
    with ThreadedCollector(tmp_path_factory.mktemp("hostile") / "data", session="hostile") as c:
        yield c


@pytest.fixture(scope="module")
def http(hostile) -> Iterator[requests.Session]:
    s = requests.Session()
    yield s
    s.close()


def stats(http, c) -> dict[str, Any]:
    r = http.get(c.url + "/api/stats", timeout=30)
    assert r.status_code == 200
    return r.json()  # type: ignore[no-any-return]


def last_rejected(http, c) -> dict[str, Any]:
    total = http.get(c.url + "/api/rejected?limit=0", timeout=30).json()["total"]
    r = http.get(c.url + f"/api/rejected?limit=1&offset={total - 1}", timeout=30)
    return r.json()["requests"][0]  # type: ignore[no-any-return]


def still_answers(http, c) -> None:
    t0 = time.monotonic()
    assert http.get(c.url + "/api/health", timeout=10).status_code == 200
    assert time.monotonic() - t0 < 5


def post(http, c, path: str, body: bytes, **headers: str) -> requests.Response:
    return http.post(c.url + path, data=body, headers=headers, timeout=30)


def deep(n: int, open_: str = "[", close: str = "]") -> bytes:
    inner = (open_ * n) + (close * n)
    return (
        '{"type":"track","userId":"u","event":"Deep","properties":{"x":' + inner + "}}"
    ).encode()


def big_number(digits: int, sign: str = "") -> bytes:
    return (
        '{"type":"track","userId":"u","event":"Big","properties":{"n":' + sign + "9" * digits + "}}"
    ).encode()


BATCH = json.dumps({"batch": [json.loads(TRACK)] * 3, "writeKey": "WK"}).encode()
BOMB = zlib.compress(b"\0" * (17 * MiB), 9)  # 17 MiB of zeros in ~17 KB
GZIP_BOMB = gzip.compress(b" " * (17 * MiB), 9)

# id → (path, body, headers, status, rejection code or None when accepted)
NAMED: dict[str, tuple[str, bytes, dict[str, str], int, str | None]] = {
    "broken-brace": ("/v1/track", b"{", {}, 400, "invalid_json"),
    "broken-value": ("/v1/track", b'{"event":}', {}, 400, "invalid_json"),
    "broken-comma": ("/v1/track", b'{"userId":"u" "event":"E"}', {}, 400, "invalid_json"),
    "trailing-garbage": ("/v1/track", TRACK + b"}}", {}, 400, "invalid_json"),
    "single-quotes": ("/v1/track", b"{'userId':'u'}", {}, 400, "invalid_json"),
    "not-an-object": ("/v1/track", b"[1,2,3]", {}, 400, "invalid_body"),
    "empty": ("/v1/track", b"", {}, 400, "empty_body"),
    "batch-not-array": ("/v1/batch", b'{"batch":{"a":1}}', {}, 400, "invalid_batch"),
    "batch-item-string": ("/v1/batch", b'{"batch":["x"]}', {}, 400, "invalid_batch_item"),
    **{
        f"truncated-{cut}": ("/v1/batch", BATCH[:cut], {}, 400, "invalid_json")
        for cut in (1, 9, len(BATCH) // 2, len(BATCH) - 1)
    },
    "invalid-utf8": ("/v1/track", b'{"userId":"\xff\xfe","event":"Bytes \xc3"}', {}, 200, None),
    "lone-surrogate": ("/v1/track", b'{"userId":"\\ud800","event":"E"}', {}, 400, "invalid_json"),
    "lone-low-surrogate-key": ("/v1/track", b'{"\\udc00":1,"event":"E"}', {}, 400, "invalid_json"),
    "surrogate-pair": ("/v1/track", b'{"userId":"\\ud83d\\ude00","event":"E"}', {}, 200, None),
    "gzip-that-is-not": ("/v1/track", TRACK, {"Content-Encoding": "gzip"}, 400, "invalid_gzip"),
    "gzip-truncated": (
        "/v1/batch",
        gzip.compress(BATCH)[:-12],
        {"Content-Encoding": "gzip"},
        400,
        "invalid_gzip",
    ),
    "gzip-bomb": ("/v1/batch", GZIP_BOMB, {"Content-Encoding": "gzip"}, 400, "payload_too_large"),
    "deflate-bomb": ("/v1/batch", BOMB, {"Content-Encoding": "deflate"}, 400, "payload_too_large"),
    "gzip-of-garbage": (
        "/v1/track",
        gzip.compress(b"\x00\xff not json"),
        {"Content-Encoding": "gzip"},
        400,
        "invalid_json",
    ),
    "unknown-encoding": (
        "/v1/track",
        TRACK,
        {"Content-Encoding": "br"},
        400,
        "unsupported_encoding",
    ),
    "nesting-100k-arrays": ("/v1/track", deep(100_000), {}, 400, "invalid_json"),
    "nesting-100k-objects": (
        "/v1/track",
        deep(100_000, '{"a":', "}").replace(b'{"a":}', b'{"a":1}'),
        {},
        400,
        "invalid_json",
    ),
    "nesting-250": ("/v1/track", deep(250), {}, 200, None),
    # stored cut at 100 levels with a lint finding (I016): tests/ingest/test_poison.py
    "nesting-1000": ("/v1/track", deep(1000), {}, 200, None),
    # a number past 64 bits is parsed exactly by the stdlib, which stops near 1000 levels
    "nesting-1000-big-number": (
        "/v1/track",
        deep(1000).replace(b'"Deep"', b'"Deep","n":123456789012345678901234'),
        {},
        400,
        "invalid_json",
    ),
    "number-5000-digits": ("/v1/track", big_number(5000), {}, 400, "invalid_json"),
    "number-minus-5000-digits": ("/v1/track", big_number(5000, "-"), {}, 400, "invalid_json"),
    "number-4000-digits": ("/v1/track", big_number(4000), {}, 200, None),
    "number-1e999": (
        "/v1/track",
        b'{"event":"E","properties":{"n":1e999}}',
        {},
        400,
        "invalid_json",
    ),
    "float-5000-digits": (
        "/v1/track",
        b'{"event":"E","properties":{"n":0.' + b"1" * 5000 + b"}}",
        {},
        200,
        None,
    ),
    "nan": ("/v1/track", b'{"event":"E","properties":{"n":NaN}}', {}, 400, "invalid_json"),
    "infinity": (
        "/v1/track",
        b'{"event":"E","properties":{"n":-Infinity}}',
        {},
        400,
        "invalid_json",
    ),
    "duplicate-keys": ("/v1/track", b'{"userId":"a","userId":"b","event":"Dup"}', {}, 200, None),
    "raw-nul-byte": ("/v1/track", b'{"userId":"u\x00","event":"E"}', {}, 400, "invalid_json"),
    "escaped-nul": ("/v1/track", b'{"userId":"u\\u0000v","event":"N\\u0000ul"}', {}, 200, None),
    "keys-100k": (
        "/v1/track",
        json.dumps({"event": "Keys", "properties": {f"k{i}": i for i in range(100_000)}}).encode(),
        {},
        200,
        None,
    ),
    "name-1mb": (
        "/v1/track",
        json.dumps({"event": "N" * MiB, "userId": "u"}).encode(),
        {},
        200,
        None,
    ),
    "property-name-1mb": (
        "/v1/track",
        json.dumps({"event": "E", "properties": {"p" * MiB: 1}}).encode(),
        {},
        200,
        None,
    ),
    "unknown-route": ("/v1/../v1/nothing", TRACK, {}, 200, "unknown_route"),
}


@pytest.mark.parametrize(
    ("path", "body", "headers", "status", "code"), list(NAMED.values()), ids=list(NAMED)
)
def test_named_hostile_bodies(hostile, http, path, body, headers, status, code):
    before = stats(http, hostile)
    r = post(http, hostile, path, body, **headers)
    assert r.status_code == status, r.text[:300]
    after = stats(http, hostile)
    if code is None:
        assert r.json() == {"success": True}
        assert after["events"] > before["events"]  # stored, whatever it held
    else:
        if status >= 400:
            assert r.json()["code"] == code and r.json()["message"]
        assert after["rejected"] == before["rejected"] + 1
        kept = last_rejected(http, hostile)
        assert kept["error"]["code"] == code and kept["error"]["message"]
    still_answers(http, hostile)


def test_invalid_utf8_is_kept_with_replacement_characters(hostile, http):
    post(http, hostile, "/v1/track", b'{"userId":"\xffx","event":"Utf8 Check"}')
    (ev,) = http.get(hostile.url + '/api/events?q=event:"Utf8 Check"', timeout=30).json()["events"]
    assert ev["message"]["userId"] == "\ufffdx"


def test_a_10k_event_batch(hostile, http):
    batch = [{"type": "track", "userId": f"u{i}", "event": "Ten K"} for i in range(10_000)]
    r = post(http, hostile, "/v1/batch", json.dumps({"batch": batch}).encode())
    assert r.status_code == 200
    got = http.get(hostile.url + '/api/events?q=event:"Ten K"&limit=0', timeout=60).json()
    assert got["total"] == 10_000
    still_answers(http, hostile)


# -- HTTP no client library sends: raw sockets ----------------------------------------------
def raw(c, data: bytes, *, send_in_thread: bool = False) -> bytes:
    """Send bytes as they are; the answer (or what the server said before closing)."""
    s = socket.create_connection(("127.0.0.1", c.port), timeout=30)
    try:
        if send_in_thread:  # a body larger than the server will read: send while reading
            t = threading.Thread(target=_send_all, args=(s, data), daemon=True)
            t.start()
        else:
            s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            out += chunk
            if b"\r\n\r\n" in out and _complete(out):
                break
        return out
    finally:
        s.close()


def _send_all(s: socket.socket, data: bytes) -> None:
    # the server may answer and close before taking it all: as it should
    with contextlib.suppress(OSError):
        s.sendall(data)


def _complete(answer: bytes) -> bool:
    head, _, body = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def status_of(answer: bytes) -> int:
    assert answer.startswith(b"HTTP/"), answer[:200]
    return int(answer.split(b" ", 2)[1])


def test_a_64_mb_body_is_refused_and_kept(hostile, http):
    before = stats(http, hostile)
    body = b'{"batch":[' + b" " * (64 * MiB) + b"]}"
    head = (
        f"POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    answer = raw(hostile, head + body, send_in_thread=True)
    assert status_of(answer) in (400, 413)
    assert b"payload_too_large" in answer or b"too large" in answer.lower()
    assert stats(http, hostile)["rejected"] == before["rejected"] + 1
    assert last_rejected(http, hostile)["error"]["code"] == "payload_too_large"
    still_answers(http, hostile)


MALFORMED_HTTP = {
    "content-length-and-chunked": (
        b"POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
    ),
    "two-content-lengths": (
        b"POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n"
        b"Content-Length: 6\r\n\r\nhello!"
    ),
    "bad-chunk-size": (
        b"POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"zz\r\nhello\r\n0\r\n\r\n"
    ),
    "header-without-colon": b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nnonsense\r\n\r\n",
    "nul-in-header": b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\x00b\r\n\r\n",
    "bad-request-line": b"HELLO\r\n\r\n",
    "tls-client-hello": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,
    "header-over-64k": b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
    + b"a" * (70 * 1024)
    + b"\r\n\r\n",
    "request-line-over-1mb": b"GET /e?_k=KEY&x=" + b"a" * (MiB + 10_000) + b" HTTP/1.1\r\n\r\n",
    "crlf-in-target": b"GET /api/health\r\nX-Injected: 1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "http-0.9": b"GET /api/health\r\n\r\n",
    "control-chars-in-target": b"GET /v1/\x01\x7f HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
}


@pytest.mark.parametrize("data", list(MALFORMED_HTTP.values()), ids=list(MALFORMED_HTTP))
def test_malformed_http_is_refused(hostile, http, data):
    answer = raw(hostile, data)
    if answer:  # never a 5xx; some garbage gets the connection closed at once
        status = status_of(answer)
        # an HTTP/0.9-style line (no version, so no Host) is a GET aiohttp serves as such
        assert 400 <= status < 500 or (status == 200 and b" HTTP/1.1\r\n" not in data[:20])
    still_answers(http, hostile)


def test_chunked_body_in_tiny_chunks_and_pipelining(hostile, http):
    body = TRACK
    chunks = b"".join(b"1\r\n" + bytes([b]) + b"\r\n" for b in body) + b"0\r\n\r\n"
    one = (
        b"POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks
    )
    s = socket.create_connection(("127.0.0.1", hostile.port), timeout=30)
    try:
        s.sendall(one * 50)  # fifty requests pipelined on one connection
        out, deadline = b"", time.monotonic() + 30
        while out.count(b"HTTP/1.1 200") < 50 and time.monotonic() < deadline:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    finally:
        s.close()
    assert out.count(b"HTTP/1.1 200") == 50
    still_answers(http, hostile)


# -- query strings of every shape ----------------------------------------------------------
TRACK_QUERIES = [
    "?",
    "?&&&",
    "?a",
    "?=x",
    "?%",
    "?%zz",
    "?%00=%00",
    "?writeKey=%ff%fe",
    "?writeKey=a&writeKey=b",
    "?a=1&a=2&a=3",
    "?" + "k=v&" * 5000,
    "?x=" + "y" * 100_000,
    "?writeKey=" + "%41" * 2000,
    "?;;;",
    "?a[b]=c&a[]=d",
]


@pytest.mark.parametrize("query", TRACK_QUERIES, ids=range(len(TRACK_QUERIES)))
def test_tracking_query_strings(hostile, http, query):
    r = http.post(hostile.url + "/v1/track" + query, data=TRACK, timeout=30)
    assert r.status_code == 200, r.text[:300]
    r = http.get(hostile.url + "/e" + query + "&_n=Shape&_p=p", timeout=30)
    assert r.status_code == 200 and r.content.startswith(b"GIF89a")
    still_answers(http, hostile)


API_QUERIES = [
    "/api/events?q=(",
    "/api/events?q=" + "(" * 10_000,
    "/api/events?q=" + "(" * 500 + "type:track" + ")" * 500,
    "/api/events?q=properties.n:>" + "9" * 5000,
    "/api/events?q=properties.n:<-" + "9" * 5000,
    "/api/events?q=event:/^(a%2B)%2B$/",
    "/api/events?q=event:/(/",
    "/api/events?q=%ff%fe",
    "/api/events?q=%00",
    "/api/events?q=" + "a " * 5000,
    "/api/events?q=" + "*" * 5000,
    "/api/events?limit=100000",
    "/api/events?limit=-1",
    "/api/events?limit=1e9",
    "/api/events?limit=" + "9" * 5000,
    "/api/events?offset=99999999999999999999999",
    "/api/events?session=" + "x" * 10_000,
    "/api/events/" + "9" * 5000,
    "/api/events/-1",
    "/api/wait?timeout=0&count=" + "9" * 100,
    "/api/wait?timeout=nan&q=x",
    "/api/wait?timeout=1e308",
    "/api/identities?mode=%00",
    "/api/requests?q=status:>" + "9" * 5000,
    "/api/requests?q=(",
    "/api/requests?q=" + "(" * 10_000,
    "/api/requests?q=path:/^(a%2B)%2B$/",
    "/api/requests?q=%ff%fe%00",
    "/api/requests?limit=100000",
    "/api/requests?offset=99999999999999999999999",
    "/api/requests/" + "9" * 100,
    "/api/requests/-1",
    "/api/export?q=(",
    "/api/export?format=har&q=(",
    "/api/export?format=" + "x" * 10_000,
]


@pytest.mark.parametrize("path", API_QUERIES, ids=range(len(API_QUERIES)))
def test_api_query_strings(hostile, http, path):
    t0 = time.monotonic()
    r = http.get(hostile.url + path, timeout=60)
    assert r.status_code in (200, 400, 404, 408), (r.status_code, r.text[:300])
    if r.status_code != 200:
        assert r.json()["code"] and r.json()["message"]
    if r.status_code == 400 and r.json()["code"] == "invalid_query":
        assert isinstance(r.json()["column"], int)  # every bad query says where
    assert time.monotonic() - t0 < 30
    still_answers(http, hostile)


# -- generated --------------------------------------------------------------------------------
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec="utf-8"), max_size=30),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.text(st.characters(codec="utf-8"), max_size=10), inner, max_size=5)
    ),
    max_leaves=30,
)
messages = st.dictionaries(
    st.sampled_from(["type", "event", "userId", "anonymousId", "properties", "traits", "context"])
    | st.text(max_size=8),
    json_values,
    max_size=6,
)


def mangle(data: bytes, how: int, at: int) -> bytes:
    """Break valid JSON the ways a bad client or network does."""
    if not data:
        return data
    at %= len(data)
    return [
        data,
        data[:at],  # truncated
        data[:at] + b"\xff" + data[at:],  # an invalid byte
        data[:at] + b"\\ud800" + data[at:],  # a stray escape
        data.replace(b'"', b"'", 1),
        data + b",",
    ][how % 6]


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    route=st.sampled_from(["/v1/track", "/v1/batch", "/v1/b", "/v1/i", "/v1/p", "/v1/import"]),
    msgs=st.lists(messages, min_size=1, max_size=4),
    how=st.integers(0, 5),
    at=st.integers(0, 10_000),
    zipped=st.booleans(),
    raw_bytes=st.one_of(st.none(), st.binary(max_size=200)),
)
def test_generated_bodies(hostile, http, route, msgs, how, at, zipped, raw_bytes):
    if raw_bytes is not None:
        body = raw_bytes
    else:
        doc: Any = {"batch": msgs} if route in ("/v1/batch", "/v1/b", "/v1/import") else msgs[0]
        body = mangle(json.dumps(doc, ensure_ascii=bool(at % 2)).encode(), how, at)
    headers = {"Content-Encoding": "gzip"} if zipped else {}
    if zipped:
        body = gzip.compress(body)
    before = stats(http, hostile)["rejected"]
    r = post(http, hostile, route, body, **headers)
    assert r.status_code in (200, 400), (r.status_code, r.text[:300])
    answer = r.json()
    if r.status_code == 400:
        assert answer["code"] and answer["message"]
        assert stats(http, hostile)["rejected"] == before + 1  # kept, with its reason
        assert last_rejected(http, hostile)["error"]["code"] == answer["code"]
    else:
        assert answer == {"success": True}


@pytest.fixture(scope="module")
def queried(tmp_path_factory, http) -> Iterator[ThreadedCollector]:
    """A small session of varied events to run generated queries against."""
    with ThreadedCollector(tmp_path_factory.mktemp("queried") / "data", lint=False) as c:
        batch = [
            {
                "type": t,
                "userId": f"u{i % 7}",
                "event": f"Event {i % 5}",
                "properties": {"n": i, "s": "x" * (i % 4), "nested": {"k": [i, None]}},
            }
            for i, t in enumerate(["track", "identify", "page", "screen"] * 25)
        ]
        assert post(http, c, "/v1/batch", json.dumps({"batch": batch}).encode()).ok
        yield c


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    q=st.text(max_size=60)
    | st.lists(
        st.sampled_from(
            ["type:", "event:", "properties.n:>", "-", "(", ")", "or", "/", "*", '"', "user:"]
        )
        | st.text(max_size=6),
        max_size=12,
    ).map("".join),
    limit=st.integers(-5, 10**6) | st.none(),
)
def test_generated_queries(queried, http, q, limit):
    params: dict[str, Any] = {"q": q}
    if limit is not None:
        params["limit"] = limit
    hostile = queried
    r = http.get(hostile.url + "/api/events", params=params, timeout=60)
    assert r.status_code in (200, 400), (q, r.status_code, r.text[:300])
    if r.status_code == 400:
        assert r.json()["code"] and r.json()["message"]
    r = http.get(hostile.url + "/api/wait", params={"q": q, "timeout": 0}, timeout=60)
    assert r.status_code in (200, 400, 408), (q, r.status_code, r.text[:300])
