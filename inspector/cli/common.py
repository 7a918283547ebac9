"""What the commands share: the collector's flags, opening a data directory, quiet pipes."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from typing import IO, Any

from inspector import paths
from inspector.domain.private_files import open_private


class Unusable(Exception):
    """An input the command cannot use (exit status 2, the message on stderr)."""


class _Given(argparse.Action):
    """Store the value and note that it was given (the window's own settings apply to the
    others, and its Settings dialog says which values the command line set)."""

    def __call__(self, parser: Any, ns: Any, values: Any, option_string: Any = None) -> None:
        setattr(ns, self.dest, values)
        ns.given = {*getattr(ns, "given", ()), self.dest}


def server_flags(p: argparse.ArgumentParser) -> None:
    """The flags of everything that runs a collector (the window and ``serve``)."""
    p.set_defaults(given=set())
    p.add_argument(
        "--host",
        action=_Given,
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; anything else is reachable "
        "from other machines)",
    )
    p.add_argument(
        "--port",
        action=_Given,
        type=int,
        default=None,
        help="port to listen on (default 8787; 0 picks a free port)",
    )
    p.add_argument(
        "--data-dir", action=_Given, help="where sessions are stored (default: platform data dir)"
    )
    p.add_argument(
        "--session", help="session to resume or create (default: new, named by start time)"
    )
    p.add_argument(
        "--fault",
        action="append",
        metavar="SPEC",
        help="inject a fault: 429, 503:count=3, 500:share=0.5, delay=2000, "
        "429:key=WRITEKEY,retry-after=2 (repeatable)",
    )
    p.add_argument("--no-lint", action="store_true", help="do not lint incoming events")
    p.add_argument(
        "--forward",
        metavar="URL",
        type=forward_url,
        help="send every accepted tracking request on to URL + the same path, after it is "
        "stored (e.g. https://api.segment.io); the client's answer never waits for it",
    )
    p.add_argument("--token", help="require this token (X-Inspector-Token or ?token=) on /api")
    p.add_argument(
        "--lan",
        action="store_true",
        help="let phones on this network connect: listen on this machine's LAN addresses as "
        "well as loopback, with HTTPS on a second port (the local CA) and a token on /api",
    )
    p.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="let pages on this origin (e.g. https://app.test:3000) use /api from a browser; "
        "loopback origins always may (repeatable)",
    )
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="accept requests addressed to this host name or address (the Host header), e.g. "
        "a dev proxy's name; loopback and the addresses listened on always are (repeatable)",
    )


def forward_url(value: str) -> str:
    """``--forward``: an http(s) URL (checked here, so a typo stops the command at once)."""
    from inspector.collector.forward import ForwardUrlError, check_url

    try:
        return check_url(value)
    except ForwardUrlError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def open_store(data_dir: str | None) -> Any:
    """The data directory's store, with what a killed collector acknowledged stored first."""
    from inspector.domain.store import Store
    from inspector.ingest import default_linter, recover

    store = Store(paths.data_dir(data_dir))
    recover(store, default_linter)
    return store


def pick_session(store: Any, name: str | None, where: str = "") -> Any:
    """The session named ``--session`` (or the latest); :class:`Unusable` saying which is
    missing (``where``: " in DIR", for the commands that name the data directory)."""
    session = store.find_session(name) if name else store.latest_session()
    if session is None:
        raise Unusable(f"no session {name!r}{where}" if name else f"no sessions{where}")
    return session


def say_unusable(exc: Unusable) -> int:
    print(f"error: {exc}", file=sys.stderr)
    return 2


@contextlib.contextmanager
def output(path: str | None) -> Iterator[IO[str]]:
    """Standard output (``None`` or ``-``) or a file, for a command's report. A file made
    here is created ``0600``, as the data files are: it holds captured data."""
    if path in (None, "-"):
        yield sys.stdout
        return
    assert path is not None
    with open_private(path) as fh:
        yield fh


def quiet_broken_pipe() -> None:
    """``event-inspector lint … | head``: a reader that went away ends the command quietly."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def damaged_line(exc: BaseException, data_dir: str | None) -> str | None:
    """One line for a data file SQLite cannot read (found on opening it, or later while
    reading it), saying which and what to do; None for any other error."""
    import sqlite3

    from inspector.domain.errors import DamagedFile

    if isinstance(exc, DamagedFile):
        return str(exc)
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        root = paths.data_dir(data_dir)
        return str(DamagedFile(root / "inspector.sqlite3", str(exc), root))
    return None
