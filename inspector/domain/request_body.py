"""A request body as a person reads it: as received and as decoded.

JSON is shown pretty; text as text; anything else as a hex dump. A gzip (or deflate) body that
is broken is decoded as far as the stream allows, and what did decode is shown with where it
stopped, instead of the compressed bytes as mojibake. A JSON body that does not parse says the
line and column of the error (the window draws a caret there).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from inspector.domain import jsoncodec
from inspector.domain.secrets import mask_text

TEXT_LIMIT = 1024 * 1024  # characters of a body shown (the rest is said to be cut)
HEX_LIMIT = 16 * 1024  # bytes of a binary body shown as hex
_STEP = 1024  # bytes fed to the decompressor at a time, so a break loses at most this much


@dataclass(slots=True)
class Inflated:
    """What a compressed stream gave: the bytes, whether it ended properly, and why not."""

    data: bytes
    complete: bool
    error: str | None = None
    consumed: int = 0  # compressed bytes read before it stopped


def inflate_partial(body: bytes, encoding: str, limit: int = 16 * 1024 * 1024) -> Inflated:
    """Decompress ``body`` as far as it goes (bounded by ``limit`` output bytes)."""
    enc = encoding.strip().lower()
    wbits = zlib.MAX_WBITS if enc == "deflate" else 16 + zlib.MAX_WBITS
    d = zlib.decompressobj(wbits)
    out: list[bytes] = []
    size = 0
    at = 0
    while at < len(body):
        chunk = body[at : at + _STEP]
        try:
            piece = d.decompress(chunk, max(1, limit - size))
        except zlib.error as exc:
            if "incorrect data check" in str(exc) or "incorrect length check" in str(exc):
                why = f"{enc} check failed at the end: some decoded bytes may be wrong ({exc})"
            else:
                why = f"{enc} data is broken near byte {at}: {exc}"
            return Inflated(b"".join(out), False, why, at)
        out.append(piece)
        size += len(piece)
        if size >= limit or d.unconsumed_tail:
            return Inflated(b"".join(out), False, f"decompressed body is over {limit} bytes", at)
        at += len(chunk)
        if d.eof:
            break
    if not d.eof:
        return Inflated(b"".join(out), False, f"{enc} stream is truncated (it did not end)", at)
    return Inflated(b"".join(out), True, None, at - len(d.unused_data))


def hex_dump(data: bytes, limit: int = HEX_LIMIT) -> str:
    """``offset  hex bytes  |ascii|`` lines, 16 bytes a line (like ``hexdump -C``)."""
    lines = []
    for off in range(0, min(len(data), limit), 16):
        row = data[off : off + 16]
        hx = " ".join(f"{b:02x}" for b in row)
        asc = "".join(chr(b) if 32 <= b < 127 else "." for b in row)
        lines.append(f"{off:08x}  {hx:<47}  |{asc}|")
    if len(data) > limit:
        lines.append(f"… {len(data) - limit:,} more bytes")
    return "\n".join(lines)


def _is_text(data: bytes) -> str | None:
    """The UTF-8 text of ``data`` if it is text a person can read, else None."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    controls = sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\t\r\n")
    return text if controls <= len(text[:4096]) // 100 else None


def view(data: bytes) -> dict[str, Any]:
    """How to show some bytes: ``kind`` json / text / binary / empty, and the text to show.

    A JSON-looking body that does not parse is ``text`` with ``jsonError`` {message, line,
    column, offset}."""
    if not data:
        return {"kind": "empty", "text": ""}
    text = _is_text(data)
    if text is None:
        return {"kind": "binary", "hex": hex_dump(data), "truncated": len(data) > HEX_LIMIT}
    out: dict[str, Any] = {"kind": "text"}
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            out = {"kind": "json", "text": jsoncodec.pretty(jsoncodec.loads(data))}
        except jsoncodec.JSONDecodeError as exc:
            out["jsonError"] = {
                "message": str(exc),
                "line": exc.line,
                "column": exc.column,
                "offset": exc.pos,
            }
        except (RecursionError, ValueError) as exc:  # nested too deep for the pretty printer
            out["jsonError"] = {"message": str(exc), "line": None, "column": None, "offset": None}
    if out["kind"] == "text":
        out["text"] = text
    out["text"] = mask_text(out["text"])  # write keys in JSON fields and form parameters
    if len(out["text"]) > TEXT_LIMIT:
        out["text"] = out["text"][:TEXT_LIMIT]
        out["truncated"] = True
    return out


def describe(body: bytes, content_encoding: str, *, stored_decoded: bool) -> dict[str, Any]:
    """The body ``received`` and ``decoded``.

    ``stored_decoded``: the store kept the body after ``Content-Encoding`` was undone (what
    the collector does for every request it could read); a rejected request is kept exactly
    as it arrived."""
    enc = (content_encoding or "").strip().lower()
    compressed = enc in ("gzip", "x-gzip", "deflate")
    received: dict[str, Any] = {"contentEncoding": content_encoding or None}
    if stored_decoded or not compressed:
        decoded = view(body)
        decoded["complete"] = True
        if compressed:
            received.update(kept=False, note=f"the {enc} bytes are not kept; decoded below")
        else:
            received.update(kept=True, sameAsDecoded=True)
        return {"received": received, "decoded": decoded}
    received.update(kept=True, size=len(body), **_bytes_view(body))
    inflated = inflate_partial(body, enc)
    decoded = view(inflated.data)
    decoded["complete"] = inflated.complete
    if inflated.error:
        decoded["error"] = inflated.error
        decoded["decodedBytes"] = len(inflated.data)
    return {"received": received, "decoded": decoded}


def _bytes_view(body: bytes) -> dict[str, Any]:
    text = _is_text(body)
    if text is not None:
        return {"text": mask_text(text[:TEXT_LIMIT])}
    return {"hex": hex_dump(body)}


def display(body: bytes, content_encoding: str, *, stored_decoded: bool) -> tuple[list[str], str]:
    """What a raw view shows of a body: notes (what was done to it) and the text, which is
    the pretty JSON, the text, or a hex dump; a broken gzip shows the part that decoded."""
    d = describe(body, content_encoding, stored_decoded=stored_decoded)
    dec = d["decoded"]
    notes = []
    if dec.get("error"):
        n = dec.get("decodedBytes", 0)
        notes.append(f"({dec['error']}; showing the {n:,} bytes that decoded)")
    elif d["received"].get("kept") is False:
        notes.append(f"(received {content_encoding}, shown decoded)")
    if dec["kind"] == "empty":
        if "hex" in d["received"]:  # nothing decoded: the bytes as they came
            notes.append(f"(nothing decoded: the {len(body):,} bytes received, as hex)")
            return notes, d["received"]["hex"]
        return notes, "(empty body)"
    if dec["kind"] == "binary":
        notes.append(f"(not text: {len(body):,} bytes as hex)")
        return notes, dec["hex"]
    text = dec["text"]
    if dec.get("truncated"):
        notes.append(f"(the first {len(text):,} characters)")
    return notes, text
