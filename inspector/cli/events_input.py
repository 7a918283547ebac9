"""Where a QA command reads events: an NDJSON file, or a stored session (``--session``,
``--data-dir``; the latest session by default). Shared by ``flow check`` and ``coverage``."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

from inspector.cli.common import Unusable, open_store, pick_session


def add_input_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", help="NDJSON file of messages ('-' for standard input)")
    p.add_argument("--session", help="a stored session, by name or id (default: the latest)")
    p.add_argument("--data-dir", help="the data directory of the stored sessions")


@dataclass
class Input:
    """A file's events (``events``) or a stored session (``store``, ``session``)."""

    label: str
    events: list[Any] | None = None
    store: Any = None
    session: Any = None

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


def open_input(args: argparse.Namespace) -> Input:
    """Raises :class:`Unusable` (exit 2) with a message that says what is wrong."""
    from inspector.domain.eventfile import read_events
    from inspector.domain.ndjson import NdjsonError, display_name

    if args.file and (args.session or args.data_dir):
        raise Unusable("give an NDJSON file or --session/--data-dir, not both")
    if args.file:
        try:
            return Input(display_name(args.file), events=read_events(args.file))
        except NdjsonError as exc:
            raise Unusable(str(exc)) from None
    store = open_store(args.data_dir)
    try:
        session = pick_session(store, args.session)
    except Unusable:
        store.close()
        raise
    return Input(f"session {session.name!r}", store=store, session=session)


def reload(inp: Input, args: argparse.Namespace) -> Input:
    """The same input read again (``--wait``: a file that grows, a session being written)."""
    if inp.store is not None:
        return inp
    return open_input(args) if args.file != "-" else inp
