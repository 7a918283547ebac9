"""What the Compare view compares: a stored session (the live one included) or an NDJSON file.

Qt-free. A side is reduced to a :class:`inspector.domain.diff.Profile` the same way
``event-inspector diff`` does it (stored events with their resolved type; files through
:func:`~inspector.domain.diff.profile_file`), so the window and the CLI agree on every difference.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspector.domain import jsoncodec
from inspector.domain.diff import (
    DEFAULT_TOLERANCE,
    DiffResult,
    Profile,
    compare,
    profile_file,
    profile_typed,
)
from inspector.domain.ndjson import NdjsonError
from inspector.domain.store import Store


class SourceError(Exception):
    """A side that cannot be read (missing file, not NDJSON, deleted session)."""


@dataclass(frozen=True, slots=True)
class DiffSource:
    kind: str  # "session" or "file"
    session_id: int = 0
    path: str = ""
    name: str = ""

    @staticmethod
    def session(session_id: int, name: str) -> DiffSource:
        return DiffSource("session", session_id=session_id, name=name)

    @staticmethod
    def file(path: str) -> DiffSource:
        return DiffSource("file", path=path, name=os.path.basename(path) or path)

    def label(self, live_id: int | None = None) -> str:
        if self.kind == "file":
            return self.name
        live = " (live)" if self.session_id == live_id else ""
        return f"{self.name}{live}"


def load_profile(store: Store, source: DiffSource) -> Profile:
    """The profile of one side (runs in a worker thread: the store's reader is locked)."""
    if source.kind == "file":
        try:
            profile = profile_file(Path(source.path))
        except NdjsonError as exc:
            raise SourceError(str(exc)) from exc
        profile.label = source.path
        return profile
    session = store.find_session(source.session_id)
    if session is None:
        raise SourceError(f"session {source.name!r} no longer exists")
    return profile_typed(
        ((ev.type, ev.message) for ev in store.iter_events(session.id)),
        f"session {session.name!r} (#{session.id})",
    )


def file_stamp(source: DiffSource) -> Any:
    try:
        st = os.stat(source.path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


class ProfileCache:
    """Profiles of sides that do not change: stored sessions other than the live one, files
    (until they change on disk). The live session is read again on every comparison."""

    def __init__(self) -> None:
        self._cache: dict[DiffSource, tuple[Any, Profile]] = {}

    def clear(self) -> None:
        self._cache.clear()

    def get(self, store: Store, source: DiffSource, live_id: int) -> Profile:
        if source.kind == "session" and source.session_id == live_id:
            return load_profile(store, source)
        stamp = file_stamp(source) if source.kind == "file" else 0
        hit = self._cache.get(source)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        profile = load_profile(store, source)
        self._cache[source] = (stamp, profile)
        return profile


def run_compare(
    store: Store,
    cache: ProfileCache,
    baseline: DiffSource,
    current: DiffSource,
    live_id: int,
    tolerance: float = DEFAULT_TOLERANCE,
) -> DiffResult:
    b = cache.get(store, baseline, live_id)
    c = cache.get(store, current, live_id)
    return compare(b, c, tolerance)


def export_text(result: DiffResult, fmt: str) -> str:
    """The report as the CLI writes it: ``text``, ``json`` or ``junit``."""
    from inspector.domain.diff import render_junit, render_text

    if fmt == "json":
        body = result.to_dict()
        body["failed"] = result.failed()
        return jsoncodec.pretty(body) + "\n"
    if fmt == "junit":
        return render_junit(result)
    return render_text(result) + "\n"


def format_for(path: str, selected_filter: str = "") -> str:
    low = path.lower()
    if low.endswith(".json") or "JSON (" in selected_filter:
        return "json"
    if low.endswith(".xml") or "JUnit" in selected_filter:
        return "junit"
    return "text"
