"""``build_events`` (what is the same for every event of a request worked out once) builds
exactly what the plain per-event rules build (tests/domain/plain_build.py): every field, the
message dicts, source and client label, the timestamp to the bit, and the same exception where
the plain way raises; over a generated corpus and hand-picked odd requests, and end to end
through ``build_request`` (KISSmetrics calls and write keys in query strings included)."""

from __future__ import annotations

import marshal
import uuid
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspector.domain import intake
from inspector.domain.capture import CapturedEvent
from inspector.domain.intake import Parsed, build_events
from inspector.ingest import build
from inspector.ingest.build import build_request
from inspector.ingest.records import KM_PREFIX, record

from .plain_build import build_events as plain_build_events

CALLS = ["identify", "track", "page", "screen", "group", "alias"]
LIBS = [
    "analytics-python",
    "analytics-node",
    "analytics.js",
    "@segment/analytics-node",
    "@customerio/cdp-analytics-node",
    "kissmetrics",
    "analytics-swift",
    "analytics-kotlin",
    "rudder-ios-library",
    "com.rudderstack.android.sdk.core",
    "some-lib",
    "",
]
VERSIONS = ["next-0.5.11", "npm:next-0.1", "next-1.84.3", "npm:next-1.0.0", "2.0.0", "", "x"]
AGENTS = [
    "analytics-python/2.3.2",
    "analytics-node/6.2.0",
    "python-urllib3/1.26.5",
    "Mozilla/5.0 (Macintosh) Chrome/120.0",
    "RudderLabs.rudder-sdk-python/2.0",
    "rudder-sdk-node/1.0",
    "curl/8.5.0",
    "Customer.io iOS Client/2.0.0",
    "Customer.io Android Client/3.1",
    "",
    "/",
    "@scope/pkg/1.2.3 extra",
]
TIMES = [
    "2026-11-22T10:31:19.522Z",
    "2026-11-22T10:31:19Z",
    "2026-11-22T10:31:19.522000+00:00",
    "2026-11-22T12:31:19.522+02:00",
    "2026-11-22T10:31:19.5220000Z",
    "2026-11-22T10:31:19.123456789Z",
    "2026-11-22 10:31:19",
    "2026-11-22T10:31:19,5Z",
    "2026-11-22T10:31",
    "2026-11-22",
    "2026-1-5T1:2:3Z",
    "2026-1-5T1:2:3.25+0530",
    "2026-1-5T1:2:3-08",
    "2026-02-30T10:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-11-22T24:00:00Z",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59.999999Z",
    "9999-12-31T23:59:59-01:00",
    "20261122T103119Z",
    "not a date",
    "",
    " 2026-11-22T10:31:19Z ",
    "２０２６-11-22T10:31:19Z",
    1732271479,
    1.5,
    None,
    True,
    ["2026-11-22T10:31:19Z"],
    {"at": "2026-11-22T10:31:19Z"},
]
KEYS = ["WK", "", "pk_us_abc", "sk_eu_x", 5, None]
MISSING = object()  # a key left out of the message

any_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda kids: (
        st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=6), kids, max_size=3)
    ),
    max_leaves=6,
)


def _maybe(values: list[Any] | st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    base = st.sampled_from(values) if isinstance(values, list) else values
    return st.just(MISSING) | base


@st.composite
def messages(draw: st.DrawFn) -> dict[str, Any]:
    msg: dict[str, Any] = {}

    def put(key: str, value: Any) -> None:
        if value is not MISSING:
            msg[key] = value

    put(
        "type",
        draw(
            _maybe([*CALLS, "Track", "GROUP", " Page ", "", "other", 5, None, ["track"]])
            | _maybe(any_json)
        ),
    )
    put(
        "messageId",
        draw(
            _maybe(
                st.sampled_from(["m-1", "", "ajs-next-123", "node-abc-1", None, 7, ["a"]])
                | st.uuids().map(str)
            )
        ),
    )
    for key in ("userId", "anonymousId", "groupId", "previousId"):
        put(key, draw(_maybe(["u", None, 3, ""])))
    for key in ("userID", "anonymousID", "groupID", "previousID", "messageID"):
        if draw(st.integers(0, 5)) == 0:
            msg[key] = draw(st.sampled_from(["v", None, 4]))
    for key in ("timestamp", "originalTimestamp", "sentAt"):
        put(key, draw(_maybe(TIMES)))
    put("writeKey", draw(_maybe(KEYS)))
    put("channel", draw(_maybe(["server", "web", None])))
    put(
        "integrations",
        draw(
            _maybe(
                [
                    {},
                    {"All": True},
                    {"All": True, "x": 1},
                    {"All": False},
                    {"Segment.io": True},
                    {"Customer.io Data Pipelines": {}},
                    [],
                    "All",
                ]
            )
        ),
    )
    put(
        "_metadata",
        draw(
            _maybe(
                [
                    {"bundled": ["Segment.io"]},
                    {"bundled": ["Customer.io Data Pipelines", "Segment.io"]},
                    {"bundled": "Segment.io"},
                    {"bundled": [1, {"a": 1}]},
                    {},
                    [],
                ]
            )
        ),
    )
    ctx = draw(st.sampled_from(["dict", "none", "other", "missing"]))
    if ctx == "dict":
        context: dict[str, Any] = {}
        lib = draw(st.sampled_from(["dict", "none", "other", "missing"]))
        if lib == "dict":
            library: dict[str, Any] = {}
            name = draw(_maybe(LIBS) | _maybe([None, 3]))
            version = draw(_maybe(VERSIONS) | _maybe([None, 1.5]))
            if name is not MISSING:
                library["name"] = name
            if version is not MISSING:
                library["version"] = version
            context["library"] = library
        elif lib == "none":
            context["library"] = None
        elif lib == "other":
            context["library"] = "analytics.js"
        agent = draw(_maybe(AGENTS) | _maybe([None, 9]))
        if agent is not MISSING:
            context["userAgent"] = agent
        msg["context"] = context
    elif ctx == "none":
        msg["context"] = None
    elif ctx == "other":
        msg["context"] = ["library"]
    if draw(st.booleans()):
        msg["properties"] = draw(any_json)
    return msg


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    items = draw(st.lists(messages(), min_size=1, max_size=6))
    single = len(items) == 1 and draw(st.booleans())
    envelope: dict[str, Any] | None = None
    if not single:
        envelope = {}
        sent = draw(_maybe(TIMES))
        if sent is not MISSING:
            envelope["sentAt"] = sent
        key = draw(_maybe(KEYS))
        if key is not MISSING:
            envelope["writeKey"] = key
        for outer in ("context", "integrations"):
            value = draw(
                _maybe(
                    [
                        {},
                        {"library": {"name": "analytics-python", "version": "2.3.2"}},
                        {"library": {"name": "analytics.js"}, "userAgent": "x"},
                        {"All": True},
                        {"Segment.io": False},
                        "text",
                    ]
                )
            )
            if value is not MISSING:
                envelope[outer] = value
    headers: dict[str, str] = {}
    agent = draw(_maybe(AGENTS))
    if agent is not MISSING:
        headers[draw(st.sampled_from(["User-Agent", "user-agent"]))] = agent
    if draw(st.booleans()):
        headers[draw(st.sampled_from(["X-Retry-Count", "x-retry-count"]))] = draw(
            st.sampled_from(["1", "0", ""])
        )
    auth = draw(
        _maybe(
            ["Basic V0s6", "Basic V0s=", "Bearer pk_us_abc", "Bearer sk_eu_1", "Basic", "Token x"]
        )
    )
    if auth is not MISSING:
        headers[draw(st.sampled_from(["Authorization", "authorization"]))] = auth
    query: dict[str, str] = {}
    qkey = draw(_maybe(["writeKey", "writekey"]))
    if qkey is not MISSING:
        query[qkey] = draw(st.sampled_from(["QK", ""]))
    return {
        "parsed": Parsed(items, envelope, draw(st.sampled_from([None, *CALLS]))),
        "received_at": draw(
            st.sampled_from([0.0, 1732271480.5, 1764590000.1234567, 1e9 + 0.0000005])
            | st.floats(min_value=0, max_value=4e9)
        ),
        "headers": headers,
        "query": query,
        "request_id": draw(st.integers(0, 3)),
        "header_auth": draw(
            st.sampled_from([None, None, ("WK", "basic"), (None, "basic-invalid"), (None, "none")])
        ),
    }


def _frozen(request: dict[str, Any]) -> bytes:
    """A request as bytes: marshal format 2 (no references, so the same bytes for the same
    values), deep enough for 1,000 levels, telling 1, 1.0 and True apart."""
    parsed = request["parsed"]
    rest = {k: v for k, v in request.items() if k != "parsed"}
    return marshal.dumps((parsed.messages, parsed.envelope, parsed.route_type, rest), 2)


def _built(fn: Any, request: dict[str, Any]) -> tuple[str, Any]:
    """What ``fn`` builds of a copy of a request, as text that tells 1, 1.0, True and -0.0
    apart, or the exception it raises; generated message ids (random) are checked and
    replaced by their position."""
    messages, envelope, route_type, args = marshal.loads(_frozen(request))
    parsed = Parsed(messages, envelope, route_type)
    try:
        events: list[CapturedEvent] = fn(parsed, session_id=3, **args)
    except Exception as exc:
        return "raised", (type(exc), str(exc))
    try:
        repr(events)
    except RecursionError:  # (a message too deep for repr: compared as marshal writes it)
        return "built deep", marshal.dumps([(ev.message, ev.message_id) for ev in events], 2)
    for ev in events:
        if ev.generated_message_id:
            assert uuid.UUID(ev.message_id).version == 4
            assert str(uuid.UUID(ev.message_id)) == ev.message_id
            ev.message_id = f"generated-{ev.batch_index}"
    return "built", repr(events)


def assert_same(request: dict[str, Any]) -> None:
    before = _frozen(request)
    assert _built(build_events, request) == _built(plain_build_events, request)
    assert _frozen(request) == before  # neither way changes what it was given


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_generated_requests_build_the_same(request: dict[str, Any]) -> None:
    assert_same(request)


def _request(items: list[dict[str, Any]], envelope: dict[str, Any] | None = None, **kw: Any):
    return {
        "parsed": Parsed(items, envelope, kw.pop("route_type", None)),
        "received_at": kw.pop("received_at", 1764590000.1234567),
        "headers": kw.pop("headers", {}),
        "query": kw.pop("query", {}),
        "request_id": 0,
        "header_auth": kw.pop("header_auth", None),
    }


PY = {"library": {"name": "analytics-python", "version": "2.3.2"}}
NODE = {"library": {"name": "analytics-node", "version": "6.2.0"}}
ODD = [
    # no User-Agent at all, no context, no type, no id
    _request([{}]),
    _request([{"event": "x"}], route_type="track"),
    # write key in the body, in the header, in the query (both spellings), and nowhere
    _request([{"type": "track", "writeKey": "BODY"}], query={"writeKey": "Q"}),
    _request([{"type": "track"}], {"writeKey": "ENV"}, query={"writekey": "q"}),
    _request([{"type": "track", "writeKey": ""}], {"writeKey": 5}, query={"writeKey": ""}),
    _request([{"type": "track"}], headers={"authorization": "Bearer pk_us_1"}),
    # segment-analytics-python vs customerio-cdp-analytics vs rudder-sdk-python
    _request([{"type": "track", "context": PY}], {"writeKey": "W"}),
    _request([{"type": "track", "context": PY}], {}),
    _request([{"type": "track", "context": PY}], {}, headers={"X-Retry-Count": "1"}),
    _request(
        [{"type": "track", "context": PY}],
        {},
        headers={"Authorization": "Bearer sk_eu_abc"},
    ),
    _request(
        [{"type": "track", "context": PY, "channel": "server", "originalTimestamp": TIMES[0]}],
        {"sentAt": TIMES[1]},
    ),
    _request(
        [
            {
                "type": "track",
                "integrations": {"All": True},
                "originalTimestamp": TIMES[0],
                "sentAt": TIMES[3],
            }
        ],
        {"context": PY},
        headers={"User-Agent": "RudderLabs/1.0"},
    ),
    # legacy analytics-node vs rudder node
    _request([{"type": "track", "context": NODE, "timestamp": TIMES[0]}], {"sentAt": TIMES[2]}),
    _request([{"type": "track", "context": NODE, "originalTimestamp": TIMES[0]}], {}),
    # Astronomer dialect spellings and capitalised types
    _request([{"type": "Group", "userID": "u", "groupID": "g", "messageID": "m"}]),
    _request([{"type": "track", "userID": "u", "userId": None}]),
    _request([{"type": " IDENTIFY ", "userId": "u", "userID": "v"}]),
    # Customer.io mobile (no library, userAgent in the context) and a KISSmetrics-shaped one
    _request([{"type": "screen", "context": {"userAgent": "Customer.io iOS Client/2.0"}}]),
    _request(
        [{"type": "track", "context": {"library": {"name": "kissmetrics"}}}],
        headers={"User-Agent": "python-urllib3/1.26"},
    ),
    # clock skew past the ends of time: both ways raise
    _request([{"type": "track", "timestamp": "0001-01-01T00:00:00Z"}], {"sentAt": TIMES[0]}),
    _request([{"type": "track", "timestamp": "9999-12-31T23:00:00Z"}], {"sentAt": TIMES[16]}),
    _request([{"type": "track", "timestamp": "9999-12-31T23:00:00-05:00"}], {"sentAt": TIMES[0]}),
    # a messageId nested deeper than str() can go: both ways raise
    _request(
        [
            {
                "type": "track",
                "messageId": orjson.loads(b"[" * 1020 + b"]" * 1020),
                "context": {"library": {"name": "analytics.js"}},
            }
        ]
    ),
    _request([{"type": "track", "messageId": orjson.loads(b"[" * 1020 + b"]" * 1020)}]),
]


@pytest.mark.parametrize("request_", ODD)
def test_odd_requests_build_the_same(request_: dict[str, Any]) -> None:
    assert_same(request_)


def _row(route: str, body: bytes, query: str = "", headers: dict[str, str] | None = None):
    return (
        1,
        *record(
            session_id=2,
            received_at=1764590000.25,
            route=route,
            method="POST",
            path=f"/{route}",
            query=query,
            headers=headers or {},
            content_type="application/json",
            content_encoding="",
            size=len(body),
            body=body,
        ),
    )


ROWS = [
    _row(
        "batch",
        orjson.dumps({"batch": [{"type": "track", "event": "a"}, {"event": "b"}], "sentAt": "x"}),
        "writeKey=Q",
        {"User-Agent": "analytics-python/2.3.2", "X-Retry-Count": "2"},
    ),
    _row("track", b'{"event":"x","userId":"u","timestamp":"2026-11-22T10:31:19.522Z"}'),
    _row(f"{KM_PREFIX}e", b"", "_k=KEY&_p=bob&_n=Signed+Up&_t=1732271479&_d=1"),
    _row(f"{KM_PREFIX}s", b"_k=KEY&_p=bob&plan=pro", "", {"User-Agent": "Mozilla/5.0"}),
    _row(f"{KM_PREFIX}a", b"", "_p=a&_n=b", {"User-Agent": "python-urllib3/2.0"}),
]


@pytest.mark.parametrize("row", ROWS)
def test_inbox_rows_build_the_same(row: tuple[Any, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    raw, events = build_request(row)
    monkeypatch.setattr(build, "build_events", plain_build_events)
    plain_raw, plain_events = build_request(row)
    for evs in (events, plain_events):
        for ev in evs:
            if ev.generated_message_id:
                ev.message_id = "generated"
    assert events and repr((raw, events)) == repr((plain_raw, plain_events))


def test_new_ids_are_the_uuid4_of_their_random_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generated messageIds: each the text ``uuid.UUID(bytes=..., version=4)`` gives for its
    16 random bytes (what ``uuid.uuid4()`` does), also past the first read's bytes."""
    reads: list[bytes] = []

    def urandom(n: int) -> bytes:
        reads.append(bytes((len(reads) * 97 + i * 31) % 256 for i in range(n)))
        return reads[-1]

    monkeypatch.setattr(intake.os, "urandom", urandom)
    ids = intake.NewIds(3)
    got = [ids.next() for _ in range(5)]
    pool = b"".join(reads)
    assert [len(r) for r in reads] == [48, 16, 16]
    assert got == [str(uuid.UUID(bytes=pool[k : k + 16], version=4)) for k in range(0, 80, 16)]
    monkeypatch.undo()
    fresh = [intake.NewIds(2).next() for _ in range(50)]
    assert len(set(fresh)) == 50 and {uuid.UUID(s).version for s in fresh} == {4}
