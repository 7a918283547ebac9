"""The one NDJSON reader: files of messages, one JSON value a line, read the same way by every
command and the window (``import``, ``lint``, ``diff``, ``flow check``, ``coverage``, Compare).

    for n, obj in objects(path):            # parsed lines, numbered from 1 ('-': stdin)
        for message in messages_of(obj):    # a message, a batch, an API event or page
            ...

A file is streamed, never read whole. An unreadable file or a line that is not JSON raises
:class:`NdjsonError`, whose text names the file and the line; ``import`` keeps such lines
instead (:func:`lines` and :func:`parse_line`).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from inspector.domain import jsoncodec

STDIN = "-"
# the envelope keys a batch's items inherit (as the collector merges them)
ENVELOPE_KEYS = ("context", "integrations")


class NdjsonError(ValueError):
    """The file cannot be read, or a line is not usable (the message names file and line;
    ``line`` is its number, None when the file itself cannot be read)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def display_name(path: str | Path) -> str:
    """How messages name the file (``<stdin>`` for ``-``)."""
    return "<stdin>" if str(path) == STDIN else str(path)


def _open(path: str | Path) -> BinaryIO:
    if str(path) == STDIN:
        buffer = getattr(sys.stdin, "buffer", None)  # a test's StringIO has none
        return buffer if buffer is not None else io.BytesIO(sys.stdin.read().encode())
    try:
        return Path(path).open("rb")
    except FileNotFoundError:
        raise NdjsonError(f"{path}: no such file") from None
    except OSError as exc:
        raise NdjsonError(f"{path}: cannot read: {exc.strerror or exc}") from None


def lines(path: str | Path) -> Iterator[tuple[int, bytes]]:
    """The non-blank lines of ``path`` (``-``: standard input) with their numbers from 1."""
    fh = _open(path)
    try:
        for n, line in enumerate(fh, 1):
            if line.strip():
                yield n, line
    except OSError as exc:
        raise NdjsonError(f"{path}: cannot read: {exc.strerror or exc}") from None
    finally:
        if str(path) != STDIN:
            fh.close()


def parse_line(line: bytes | str) -> tuple[Any, str | None]:
    """The line's JSON value, or why it is not JSON (``(None, "not JSON: …")``)."""
    try:
        return jsoncodec.loads(line), None
    except (jsoncodec.JSONDecodeError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        return None, f"not JSON: {exc}"


def objects(path: str | Path) -> Iterator[tuple[int, Any]]:
    """Each non-blank line of ``path`` parsed, with its number; a line that is not JSON raises
    :class:`NdjsonError`."""
    for n, line in lines(path):
        obj, why = parse_line(line)
        if why is not None:
            raise NdjsonError(f"{display_name(path)}: line {n} is {why}", n)
        yield n, obj


def is_batch(obj: Any) -> bool:
    """A batch envelope (``{"batch": [...], ...}`` without a ``type``)."""
    return isinstance(obj, dict) and "type" not in obj and isinstance(obj.get("batch"), list)


def messages_of(obj: Any, *, keep_invalid: bool = False) -> list[Any]:
    """A line's messages: a message; a batch envelope's items (each inheriting the envelope's
    ``context`` and ``integrations``); a query API event (``{"message": …}``, its ``type``
    kept); a query API page (``{"events": [...]}``). A value that is not an object is no
    message (``keep_invalid``: it is returned as it is, for a linter to report)."""
    if not isinstance(obj, dict):
        return [obj] if keep_invalid else []
    if is_batch(obj):
        env = {k: v for k, v in obj.items() if k in ENVELOPE_KEYS and isinstance(v, Mapping)}
        out = []
        for item in obj["batch"]:
            if isinstance(item, dict):
                for k, v in env.items():
                    own = item.get(k, {})
                    if isinstance(own, Mapping):
                        item = {**item, k: {**v, **own}}
                out.append(item)
            elif keep_invalid:
                out.append(item)
        return out
    events = obj.get("events")
    if isinstance(events, list) and "type" not in obj:
        return [m for e in events for m in messages_of(e, keep_invalid=keep_invalid)]
    inner = obj.get("message")
    if isinstance(inner, dict) and ("receivedAt" in obj or "messageId" in obj):
        if "type" in obj and "type" not in inner:
            inner = {**inner, "type": obj["type"]}
        return [inner]
    return [obj]
