"""An evidence bundle: one zip file with everything about a session, to attach to a bug report.

``manifest.json`` says what is inside; ``session.ndjson`` the session in the capture format
(``export --format capture``: each message with its arrival, source, request, batch place and
lint, and the requests that stored no event, so ``import`` restores it whole);
``requests.har`` every request as HAR 1.2; ``report.html`` the standalone report;
``lint.json`` every finding; ``identity.json`` the identity graph. Write keys and credential
headers are masked in every file. The domain does not know the capture format (it lives in
:mod:`inspector.ingest.capture`): the caller passes its lines.
"""

from __future__ import annotations

import os
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from inspector import __version__
from inspector.domain import jsoncodec
from inspector.domain.capture import CapturedEvent, epoch_iso
from inspector.domain.har import har_chunks
from inspector.domain.report import build_report, render_html
from inspector.domain.requests_read import iter_requests
from inspector.domain.store import Session, Store

# file in the zip -> what it holds (for the manifest)
CONTENTS = {
    "session.ndjson": "the session in the capture format (as `event-inspector export --format "
    "capture`; `event-inspector import` restores it whole)",
    "requests.har": "every request of the session as HAR 1.2, credentials masked",
    "report.html": "the session's report (as `event-inspector report --format html`)",
    "lint.json": "every lint finding, by event, and a count by rule",
    "identity.json": "the identity graph (people, edges, warnings) in the session's merge mode",
}


def lint_findings(events: Iterable[CapturedEvent]) -> dict[str, Any]:
    findings = []
    by_rule: Counter[str] = Counter()
    for ev in events:
        for f in ev.lint:
            by_rule[f.rule] += 1
            findings.append(
                {
                    "eventId": ev.id,
                    "messageId": ev.message_id,
                    "type": ev.type,
                    "label": ev.label,
                    **f.to_dict(),
                }
            )
    return {"byRule": dict(sorted(by_rule.items())), "findings": findings}


def _write_text(zf: zipfile.ZipFile, name: str, pieces: Iterable[str]) -> None:
    with zf.open(name, "w") as fh:
        for piece in pieces:
            fh.write(piece.encode())


def write_bundle(
    store: Store,
    session: Session,
    out: Path,
    *,
    capture_lines: Callable[[Store, Session], Iterable[str]],
) -> dict[str, Any]:
    """Write the bundle of ``session`` to ``out`` (a zip, created ``0600``: it holds captured
    data) and return its manifest. ``capture_lines``: the session's capture lines (without
    their newline), :func:`inspector.ingest.capture.export_lines`."""
    from inspector.domain.identity import replay

    events = list(store.iter_events(session.id))
    _, rejected = store.rejected(session.id, limit=None)
    graph = replay(events, session.merge_mode)
    identity = graph.snapshot()
    report = build_report(session.to_dict(), events, rejected, identity.get("warnings", []))
    lint = lint_findings(events)
    lines = (line + "\n" for line in capture_lines(store, session))

    def counted() -> Iterator[Any]:
        return iter(iter_requests(store, session.id))

    tmp = out.with_name(out.name + ".part")
    try:
        tmp.unlink(missing_ok=True)
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        manifest = _zip(tmp, session, events, lines, counted, report, lint, identity)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)
    return manifest


def _zip(
    tmp: Path,
    session: Session,
    events: list[CapturedEvent],
    lines: Iterable[str],
    counted: Callable[[], Iterator[Any]],
    report: dict[str, Any],
    lint: dict[str, Any],
    identity: dict[str, Any],
) -> dict[str, Any]:
    requests = 0

    def counting() -> Iterator[Any]:
        nonlocal requests
        for r in counted():
            requests += 1
            yield r

    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        _write_text(zf, "session.ndjson", lines)
        _write_text(zf, "requests.har", har_chunks(counting(), comment=f"session {session.name}"))
        zf.writestr("report.html", render_html(report))
        zf.writestr("lint.json", jsoncodec.pretty(lint) + "\n")
        zf.writestr("identity.json", jsoncodec.pretty(identity) + "\n")
        manifest = {
            "createdAt": epoch_iso(time.time()),
            "creator": {"name": "Event Inspector", "version": __version__},
            "session": session.to_dict(),
            "events": len(events),
            "requests": requests,
            "lintFindings": len(lint["findings"]),
            "people": len(identity.get("people", [])),
            "contents": CONTENTS,
        }
        zf.writestr("manifest.json", jsoncodec.pretty(manifest) + "\n")
    return manifest
