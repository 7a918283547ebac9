"""``device:`` — the same answer from the Python predicate and the SQL (hypothesis), on events
from phones, emulators, browsers and servers with awkward device fields."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspector.domain.query import QueryError, parse
from inspector.domain.store import Store

from .conftest import Corpus, _ev


def _ctx(device: Any = None, os: Any = None, **extra: Any) -> dict[str, Any]:
    ctx: dict[str, Any] = dict(extra)
    if device is not None:
        ctx["device"] = device
    if os is not None:
        ctx["os"] = os
    return {"context": ctx}


MESSAGES: list[dict[str, Any]] = [
    {  # analytics-swift on an iPhone
        "type": "track",
        "event": "Order Completed",
        "userId": "u1",
        **_ctx(
            {
                "id": "3F2504E0-4F89-11D3-9A0C",
                "manufacturer": "Apple",
                "model": "iPhone15,2",
                "name": "iPhone",
                "type": "ios",
            },
            {"name": "iOS", "version": "17.2"},
        ),
    },
    {  # analytics-kotlin on a Pixel
        "type": "screen",
        "name": "Home",
        "userId": "u1",
        **_ctx(
            {
                "id": "a1b2c3d4e5f6",
                "manufacturer": "Google",
                "model": "Pixel 7",
                "name": "panther",
                "type": "android",
            },
            {"name": "Android", "version": "14"},
        ),
    },
    {  # the Android emulator
        "type": "track",
        "event": "Signed Up",
        "anonymousId": "anon-emu",
        **_ctx(
            {"id": "emulator-5554", "manufacturer": "Google", "model": "sdk_gphone64_x86_64"},
            {"name": "Android", "version": "14"},
        ),
    },
    {  # awkward: case, Unicode folding, a numeric id, a non-string model
        "type": "identify",
        "userId": "u2",
        **_ctx(
            {"id": 12345, "manufacturer": "STRASSE", "model": 7, "name": "Zoë's Phone"},
            {"name": "straße"},
        ),
    },
    {  # device is not an object
        "type": "track",
        "event": "Broken",
        **_ctx("pixel", {"name": ["iOS"]}),
    },
    {  # a browser: os but no device
        "type": "page",
        "name": "Docs",
        **_ctx(None, {"name": "Mac OS X"}, userAgent="Mozilla/5.0 (iPhone; pixel)"),
    },
    {  # a server library: no context at all, but device words elsewhere in the message
        "type": "track",
        "event": "Pixel Fired",
        "properties": {"model": "Pixel 7", "device": "iPhone"},
    },
    {"type": "track", "event": "Emoji", **_ctx({"id": "📱-1", "model": "K\u212aelvin"}, None)},
]

WORDS = [
    "apple",
    "APPLE",
    "Pixel",
    "pixel*",
    "PIXEL*",
    '"Pixel 7"',
    '"pixel 7"',
    "iphone*",
    "iPhone15,2",
    "ios",
    "android",
    "Android",
    "emulator-*",
    "*5554",
    "12345",
    "7",
    "strasse",
    "STRAẞE",
    "straße",
    '"Zoë\'s Phone"',
    "zoë*",
    "a1b2c3d4e5f6",
    "A1B2*",
    "📱-1",
    "kkelvin",
    "k*",
    "*",
    '""',
    "mac*",
    "x",
    "/^Pix/",
    "/pix/i",
    "/\\d{4}$/",
    "/^$/",
    "google",
]
OTHERS = ["type:track", "userId:u1", "event:Pixel*", "context.os.version:14", "pixel", "lint:none"]


@pytest.fixture(scope="module")
def devices(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    path: Path = tmp_path_factory.mktemp("devicestore")
    store = Store(path)
    sid = store.open_session("devices").id
    evs = [_ev(i, m) for i, m in enumerate(MESSAGES)]
    for e in evs:
        e.session_id = sid
    store.allocate(None, evs)
    store.write([], evs)
    index_pending = getattr(store, "index_pending", None)
    if index_pending is not None:
        index_pending(4)  # part indexed, part not yet: both routes must agree
    yield Corpus(store, sid, store.events(sid, limit=None))
    store.close()


def both(c: Corpus, text: str) -> tuple[set[str], set[str]]:
    q = parse(text)
    py = {e.message_id for e in c.events if q.matches(e)}
    where, params = q.to_sql()
    ids = set(c.store.event_ids(c.session_id, where, params))
    return py, {e.message_id for e in c.events if e.id in ids}


def expr() -> st.SearchStrategy[str]:
    device = st.sampled_from(WORDS).map(lambda w: f"device:{w}")
    leaf = st.one_of(device, device, st.sampled_from(OTHERS))
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.tuples(inner, inner).map(" ".join),
            st.tuples(inner, inner).map(" or ".join),
            inner.map(lambda e: f"-({e})"),
            inner.map(lambda e: f"({e})"),
        ),
        max_leaves=5,
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expr())
def test_python_and_sql_agree_on_device(devices: Corpus, text: str) -> None:
    try:
        py, sql = both(devices, text)
    except QueryError:
        return
    assert py == sql, text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("device:apple", {0}),
        ("device:pixel*", {1}),  # the model; never the event name or properties
        ('device:"pixel 7"', {1}),
        ("device:ios", {0}),  # the device type and the OS name
        ("device:android", {1, 2}),
        ("device:emulator-5554", {2}),
        ("device:google", {1, 2}),
        ("device:strasse", {3}),  # Unicode case folding: straße
        ("device:12345", set()),  # strings only: a numeric id is not a device name
        ("device:mac*", {5}),
        ("device:/^Pix/", {1}),
        ("device:📱-1", {7}),
        ("device:kkelvin", {7}),
        ("device:*", {0, 1, 2, 3, 5, 7}),
        ("-device:*", {4, 6}),
        ("device:android type:screen", {1}),
    ],
)
def test_device_matches(devices: Corpus, query: str, expected: set[int]) -> None:
    py, sql = both(devices, query)
    want = {e.message_id for e in devices.events if int(e.message_id.split("-")[1]) in expected}
    assert py == sql == want


def test_device_takes_no_comparison() -> None:
    with pytest.raises(QueryError) as info:
        parse("device:>3")
    assert info.value.column == 8
