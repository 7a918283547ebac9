"""The pytest plugin's client: what ``event_inspector`` yields, over the query API (HTTP only:
it needs nothing but a collector's URL)."""

from __future__ import annotations

import json
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector.testing.api_events import (
    Event,
    EventInspectorError,
    format_events,
    format_misses,
)

if TYPE_CHECKING:
    from inspector.testing.collector import ThreadedCollector


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
        collector: ThreadedCollector | None = None,
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
