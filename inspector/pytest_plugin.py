"""pytest plugin (entry point ``event_inspector``): a real collector for your tests.

    def test_checkout(event_inspector):
        client = segment.analytics.Client(
            event_inspector.write_key, host=event_inspector.url, sync_mode=True
        )
        client.track("u1", "Order Completed", {"revenue": 9.99})
        [ev] = event_inspector.wait_for('type:track event:"Order Completed"')
        assert ev.properties["revenue"] == 9.99
        event_inspector.assert_no_lint_errors()

One headless collector per test session (127.0.0.1, a free port, a temporary data dir) runs in
a background thread with its own asyncio loop; ``event_inspector`` clears it before each test.
Or point every test at one running collector with ``--event-inspector-url URL`` (or the
``EVENT_INSPECTOR_URL`` environment variable), which is never cleared.

The collector the plugin starts is emptied before each test, so a test sees every event it
sent, whatever write key the app uses (each pytest-xdist worker starts a collector of its own).
Against a shared collector each test gets its own write key (``event_inspector.write_key``):
send your events with it, and the test's queries, waits, assertions and flow checks see only
them, so tests running in parallel never see each other's events. ``unscoped()`` sees every
event; ``scoped_to(key)`` only one write key's.

Assertion failures show what did arrive as a table. This module imports neither Qt nor aiohttp
until a test asks for the fixture.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "CollectorThread",
    "Event",
    "EventInspector",
    "EventInspectorError",
    "IdentityView",
    "format_events",
    "format_misses",
]


class EventInspectorError(AssertionError):
    """An expectation on the captured events failed; the message says what did arrive."""

    def __init__(self, message: str, body: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.body = body or {}


# -- events and their table ------------------------------------------------------------------
class Event(dict[str, Any]):
    """One captured event as the query API returns it, with attribute shortcuts."""

    @property
    def id(self) -> int:
        return int(self.get("id", 0))

    @property
    def type(self) -> str:
        return str(self.get("type", ""))

    @property
    def message(self) -> dict[str, Any]:
        m = self.get("message")
        return m if isinstance(m, dict) else {}

    @property
    def event(self) -> str | None:
        return self.message.get("event")

    @property
    def name(self) -> str | None:
        return self.message.get("name")

    @property
    def label(self) -> str | None:
        m, t = self.message, self.type
        if t == "track":
            return m.get("event")
        if t in ("page", "screen"):
            return m.get("name") or m.get("category")
        if t == "group":
            return m.get("groupId")
        if t == "alias":
            return m.get("previousId")
        return None

    @property
    def properties(self) -> dict[str, Any]:
        p = self.message.get("properties")
        return p if isinstance(p, dict) else {}

    @property
    def traits(self) -> dict[str, Any]:
        t = self.message.get("traits")
        return t if isinstance(t, dict) else {}

    @property
    def context(self) -> dict[str, Any]:
        c = self.message.get("context")
        return c if isinstance(c, dict) else {}

    @property
    def user_id(self) -> str | None:
        return self.message.get("userId")

    @property
    def anonymous_id(self) -> str | None:
        return self.message.get("anonymousId")

    @property
    def lint(self) -> list[dict[str, Any]]:
        return list(self.get("lint") or [])

    @property
    def lint_level(self) -> str:
        return str(self.get("lintLevel") or "none")


def _cell(value: Any, width: int) -> str:
    s = "" if value is None else str(value)
    s = " ".join(s.split())
    return s if len(s) <= width else s[: width - 1] + "…"


def _lint_cell(ev: dict[str, Any]) -> str:
    findings = ev.get("lint") or []
    if not findings:
        return "-"
    worst = ev.get("lintLevel") or findings[0].get("severity", "")
    rules = sorted({f.get("rule", "?") for f in findings})
    return f"{worst}: {', '.join(rules)}"


def _label(ev: dict[str, Any]) -> Any:
    if "label" in ev:  # an event summary (closest misses)
        return ev.get("label")
    return Event(ev).label


def _time(ev: dict[str, Any]) -> str:
    ts = str(ev.get("receivedAt") or "")
    return ts[11:23] if len(ts) >= 23 else ts


def format_events(
    events: Sequence[dict[str, Any]], *, limit: int = 25, title: str | None = None
) -> str:
    """A readable table: time, type, event/name, userId, anonymousId, lint."""
    total = len(events)
    shown = list(events)[-limit:] if limit else list(events)
    if title is None:
        title = f"{total} event{'s' * (total != 1)} arrived"
        if total > len(shown):
            title += f" (last {len(shown)} shown)"
    if not shown:
        return f"{title}: none"
    head = ("#", "time", "type", "event/name", "userId", "anonymousId", "lint")
    widths = (6, 12, 8, 32, 20, 20, 40)
    rows = [head]
    for ev in shown:
        msg = ev.get("message") if isinstance(ev.get("message"), dict) else ev
        rows.append(
            (
                str(ev.get("id", "")),
                _time(ev),
                ev.get("type") or "",
                _label(ev),
                msg.get("userId"),
                msg.get("anonymousId"),
                _lint_cell(ev) if "lint" in ev else ev.get("lintLevel", "-"),
            )
        )
    cells = [[_cell(v, w) for v, w in zip(row, widths, strict=True)] for row in rows]
    used = [max(len(r[i]) for r in cells) for i in range(len(head))]
    lines = [title + ":"]
    for n, r in enumerate(cells):
        lines.append("  " + "  ".join(c.ljust(used[i]) for i, c in enumerate(r)).rstrip())
        if n == 0:
            lines.append("  " + "  ".join("-" * used[i] for i in range(len(head))))
    return "\n".join(lines)


def format_misses(body: dict[str, Any]) -> str:
    misses = (body.get("closestMisses") or {}).get("events") or []
    if not misses:
        return "closest misses: none (nothing matched any term, the name or the type)"
    lines = ["closest misses (best first):"]
    for m in misses:
        ev = m.get("event") or {}
        label = repr(ev["label"]) if ev.get("label") else "(no name)"
        lines.append(f"  #{ev.get('id')} {ev.get('type')} {label}: {m.get('why')}")
    return "\n".join(lines)


# -- the collector in a thread ---------------------------------------------------------------
class CollectorThread:
    """A headless collector on its own asyncio loop in a daemon thread."""

    def __init__(
        self,
        data_dir: str | Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        session: str = "pytest",
        api_token: str | None = None,
        service_kwargs: dict[str, Any] | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.host, self.port, self.session_name = host, port, session
        self.api_token = api_token
        self.service_kwargs = service_kwargs or {}
        self.url = ""
        self.service: Any = None
        self.server: Any = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None

    def start(self, timeout: float = 30) -> CollectorThread:
        self._thread = threading.Thread(target=self._main, name="event-inspector", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("the Event Inspector collector did not start in time")
        if self._error is not None:
            raise RuntimeError(
                f"the Event Inspector collector failed to start: {self._error}"
            ) from self._error
        return self

    def _main(self) -> None:
        loop = asyncio.new_event_loop()
        self.loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:  # reported to start() when it happens before ready
            self._error = exc
            self._ready.set()
        finally:
            loop.close()

    async def _serve(self) -> None:
        from inspector.collector.server import CollectorServer
        from inspector.collector.service import CollectorService
        from inspector.domain.store import Store

        store = Store(self.data_dir)
        svc = CollectorService(store, store.open_session(self.session_name), **self.service_kwargs)
        server = CollectorServer(svc, self.host, self.port, api_token=self.api_token)
        self._stop = asyncio.Event()
        try:
            self.url = await server.start()
            self.port = server.port
            self.service, self.server = svc, server
            self._ready.set()
            await self._stop.wait()
        finally:
            await server.stop()
            store.close()

    def call(self, fn: Callable[[], Any], timeout: float = 30) -> Any:
        """Run ``fn`` on the collector's loop thread (where its state lives)."""
        assert self.loop is not None

        async def run() -> Any:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout)

    def stop(self, timeout: float = 30) -> None:
        if self.loop is not None and self._stop is not None and not self.loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed already
                self.loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


# -- identities ------------------------------------------------------------------------------
class IdentityView:
    """A snapshot of the identity graph: who is who, and what looks wrong."""

    def __init__(self, snapshot: dict[str, Any] | None) -> None:
        self.raw: dict[str, Any] = snapshot or {"people": [], "warnings": []}

    @property
    def people(self) -> list[Any]:
        return list(self.raw.get("people") or [])

    @property
    def warnings(self) -> list[Any]:
        return list(self.raw.get("warnings") or [])

    def __len__(self) -> int:
        return len(self.people)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.people)

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    def person_with(self, identifier: str) -> Any:
        """The person whose identifiers include ``identifier`` (a userId, anonymousId...)."""
        for p in self.people:
            if identifier in json.dumps(p, default=str):
                return p
        return None

    def __repr__(self) -> str:
        return f"IdentityView({len(self.people)} people, {len(self.warnings)} warnings)"


# -- the client ------------------------------------------------------------------------------
class EventInspector:
    """What the ``event_inspector`` fixture yields: the collector's URL and assertions on it."""

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        collector: CollectorThread | None = None,
        write_key: str = "test-write-key",
        scoped: bool = False,
    ):
        self.url = url.rstrip("/")
        self.token = token
        self.collector = collector
        self.write_key = write_key
        # scoped: every query, wait, assertion and flow check sees only this write key's events
        self.scope = f"writekey:{_quoted(write_key)}" if scoped else ""

    def __repr__(self) -> str:
        scope = f", {self.scope}" if self.scope else ""
        return f"EventInspector({self.url}{scope})"

    def unscoped(self) -> EventInspector:
        """A client for the same collector that sees every event, whatever its write key."""
        return EventInspector(self.url, token=self.token, collector=self.collector)

    def scoped_to(self, write_key: str) -> EventInspector:
        """A client that sees only the events sent with ``write_key``."""
        return EventInspector(
            self.url, token=self.token, collector=self.collector, write_key=write_key, scoped=True
        )

    def q(self, q: str = "") -> str:
        """``q`` limited to this client's write key (as sent to the collector)."""
        if not self.scope:
            return q
        return f"{self.scope} ({q})" if q.strip() else self.scope

    # -- HTTP --------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        body: Any = None,
        timeout: float = 30,
    ) -> tuple[int, dict[str, Any]]:
        url = self.url + path
        if params:
            url += "?" + urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("X-Inspector-Token", self.token)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as err:
            raw = err.read()
            try:
                return err.code, json.loads(raw or b"{}")
            except ValueError:
                return err.code, {"message": raw.decode("utf-8", "replace")}

    def _ok(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        status, body = self.request(method, path, **kw)
        if status != 200:
            raise EventInspectorError(
                f"{method} {path} answered {status}: {body.get('message', body)}", body
            )
        return body

    # -- reading -----------------------------------------------------------------------
    def events(self, q: str = "", *, limit: int = 10_000) -> list[Event]:
        """Stored events of the current session matching ``q`` (query language), oldest first."""
        body = self._ok("GET", "/api/events", params={"q": self.q(q), "limit": limit})
        return [Event(e) for e in body.get("events", [])]

    def count(self, q: str = "") -> int:
        return int(self._ok("GET", "/api/events", params={"q": self.q(q), "limit": 0})["total"])

    def stats(self) -> dict[str, Any]:
        return self._ok("GET", "/api/stats")

    def rejected(self) -> list[dict[str, Any]]:
        return list(self._ok("GET", "/api/rejected")["requests"])

    def identities(self, user: str | None = None, mode: str | None = None) -> IdentityView:
        """The identity graph of the session (``GET /api/identities``): people and warnings."""
        return IdentityView(self._ok("GET", "/api/identities", params={"user": user, "mode": mode}))

    # -- waiting and asserting ---------------------------------------------------------
    def wait_for(
        self, q: str = "", count: int = 1, timeout: float = 10, *, after: int | Event | None = None
    ) -> list[Event]:
        """Block until ``count`` events match ``q``; return them, or fail with what arrived.

        ``after`` (an event or its id) counts only events stored after that one.
        """
        after_id = after.id if isinstance(after, Event) else after
        status, body = self.request(
            "GET",
            "/api/wait",
            params={
                "q": q,
                "scope": self.scope or None,
                "count": count,
                "timeout": timeout,
                "after": after_id,
            },
            timeout=timeout + 30,
        )
        if status == 200:
            return [Event(e) for e in body.get("events", [])]
        if status == 408:
            got = body.get("total", 0)
            everything = self.events(limit=200)
            msg = [
                f"timed out after {timeout:g} s waiting for {count} event"
                f"{'s' * (count != 1)} matching {q or '(everything)'!r}: {got} matched",
                format_events(everything),
                format_misses(body),
            ]
            raise EventInspectorError("\n".join(msg), body)
        raise EventInspectorError(f"/api/wait answered {status}: {body.get('message', body)}", body)

    def assert_no_lint_errors(self, q: str = "") -> None:
        """Fail when any event matching ``q`` has a lint error; the message lists findings."""
        evs = self.events(q)
        bad = [e for e in evs if e.lint_level == "error"]
        if not bad:
            return
        lines = [
            f"{len(bad)} of {len(evs)} event{'s' * (len(evs) != 1)} "
            f"{'matching ' + repr(q) + ' ' if q else ''}have lint errors",
            format_events(bad, title="events with errors"),
        ]
        lines.append("findings:")
        for e in bad[:20]:
            for f in e.lint:
                if f.get("severity") == "error":
                    where = f" at {f['path']}" if f.get("path") else ""
                    lines.append(f"  #{e.id} {f.get('rule')}{where}: {f.get('message')}")
        raise EventInspectorError("\n".join(lines))

    def check(self, expectations: Iterable[dict[str, Any]]) -> dict[str, Any]:
        """``POST /api/assert``: the pass/fail report, without raising."""
        scoped = [{**e, "q": self.q(str(e.get("q") or ""))} for e in expectations]
        return self._ok("POST", "/api/assert", body={"expectations": scoped})

    def expect(self, *expectations: dict[str, Any]) -> dict[str, Any]:
        """Assert a list of expectations (see ``POST /api/assert``); fail with the report."""
        report = self.check(expectations)
        if report["passed"]:
            return report
        lines = [
            f"{report['summary']['failed']} of {report['summary']['expectations']} "
            "expectations failed:"
        ]
        for r in report["results"]:
            mark = "ok  " if r["passed"] else "FAIL"
            lines.append(f"  {mark} {r['name']}: {r['message']}")
        lines.append(format_events(self.events(limit=200)))
        raise EventInspectorError("\n".join(lines), report)

    def check_flow(self, flow: str | Path | dict[str, Any], timeout: float = 10) -> dict[str, Any]:
        """Wait up to ``timeout`` seconds for one person to go through the flow's steps in
        order (a flow file, YAML or JSON, or the flow as a dict); fail with the checklist:
        which step is missing or out of order, the closest misses, and what arrived."""
        from inspector.domain.flows import checklist_text, flow_from_data, load_flow

        data = (flow_from_data(flow) if isinstance(flow, dict) else load_flow(flow)).to_data()
        status, body = self.request(
            "POST",
            "/api/flows/check",
            params={"timeout": timeout, "scope": self.scope or None},
            body=data,
            timeout=timeout + 30,
        )
        if status != 200:
            raise EventInspectorError(
                f"/api/flows/check answered {status}: {body.get('message', body)}", body
            )
        if body.get("passed"):
            return body
        lines = [
            checklist_text(body),
            f"(waited {timeout:g} s)",
            format_events(self.events(limit=200)),
        ]
        raise EventInspectorError("\n".join(lines), body)

    def reset(self) -> None:
        """Forget every captured event and request of the current session."""
        self._ok("DELETE", "/api/events")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_write_key(nodeid: str, worker: str = "") -> str:
    """A write key of one test: readable (the test's name) and unique (a random tail)."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", nodeid.rsplit("::", 1)[-1]).strip("-")[:48]
    return f"ei-{worker + '-' if worker else ''}{name}-{secrets.token_hex(4)}"


test_write_key.__test__ = False  # type: ignore[attr-defined]  # not a test of pytest's


# -- fixtures --------------------------------------------------------------------------------
def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("event-inspector")
    group.addoption(
        "--event-inspector-url",
        default=os.environ.get("EVENT_INSPECTOR_URL"),
        help="use this running collector (e.g. `event-inspector serve`) instead of starting "
        "one; tests are told apart by their write keys (default: $EVENT_INSPECTOR_URL)",
    )


@pytest.fixture(scope="session")
def event_inspector_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CollectorThread | str]:
    """One collector for the test session (cleared per test), or the URL of a shared one."""
    url = request.config.getoption("event_inspector_url", None)
    if url:
        yield str(url)
        return
    collector = CollectorThread(tmp_path_factory.mktemp("event-inspector")).start()
    try:
        yield collector
    finally:
        collector.stop()


@pytest.fixture
def event_inspector(
    request: pytest.FixtureRequest, event_inspector_server: CollectorThread | str
) -> Iterator[EventInspector]:
    """This test's client: ``url``, ``write_key``, ``events(q)``, ``wait_for(q, count,
    timeout)``, ``assert_no_lint_errors(q)``, ``expect(...)``, ``check_flow(flow, timeout)``,
    ``identities()``, ``unscoped()``, ``scoped_to(key)``. A collector this plugin started is
    emptied before the test and every event in it is the test's; a shared one
    (``--event-inspector-url``) is never emptied, and the client sees only the events sent
    with the test's ``write_key``."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    key = test_write_key(request.node.nodeid, worker)
    if isinstance(event_inspector_server, str):
        client = EventInspector(event_inspector_server, write_key=key, scoped=True)
    else:
        client = EventInspector(
            event_inspector_server.url, collector=event_inspector_server, write_key=key
        )
        client.reset()
    yield client
