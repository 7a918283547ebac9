"""Request bodies as the store keeps them: compressed, or rebuilt from the events they carried.

An accepted batch repeats most of its text from event to event (context, user agent, keys),
and the store keeps each request's body whole next to the events it carried (to show the
request, send it again, or export it): kept as sent, bodies were a third of the data
directory. Two ways to keep less, each behind a marker no JSON body can start with (a NUL
byte); a body that itself begins with a marker is always packed, so reading is never
ambiguous:

* **A recipe** (:data:`RECIPE`): most clients send compact JSON, so an accepted batch is
  ``prefix + m1 + "," + m2 + ... + mN + suffix`` where each ``m`` is an event's stored
  message text, byte for byte. Such a body is kept as its prefix, suffix and the ids of its
  events (consecutive: one write transaction stores them), and read back by SQL
  (:data:`BODY_SQL`, in every select of requests: ``Store.request_columns``), so that every
  reader gets the bytes as they came. A request whose events are not all there (a damaged
  store, saved by ``repair``) reads as an empty body.
* **zlib** (:data:`MAGIC`): any other body over :data:`MIN_SIZE` bytes, level 1 (~3 µs an
  event, about a tenth of the size) when that is smaller; :func:`unpack` reads it.

Stores written before these keep their bodies as they were.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from inspector.domain import jsoncodec

MAGIC = b"\x00EIz"
RECIPE = b"\x00EIr"
MIN_SIZE = 256

# The body column as selected: a recipe rebuilt from the events it names, anything else as
# stored. (No ", " inside: requests_read splits the column list on it.)
_R = "json_extract(CAST(substr(requests.body,5) AS TEXT),'$[{}]')"
BODY_SQL = (
    "CASE WHEN substr(body,1,4)=X'00454972' THEN (SELECT CASE WHEN COUNT(*)="
    + _R.format(3)
    + " THEN CAST("
    + _R.format(0)
    + "||group_concat(m,',')||"
    + _R.format(1)
    + " AS BLOB) ELSE X'' END FROM (SELECT message AS m FROM events WHERE id>="
    + _R.format(2)
    + " AND id<"
    + _R.format(2)
    + "+"
    + _R.format(3)
    + " ORDER BY id)) ELSE body END AS body"
)


def pack(body: bytes | None) -> bytes | None:
    """What the store keeps of ``body`` (compressed, when that is smaller)."""
    if not body:
        return body
    mine = body.startswith((MAGIC, RECIPE))
    if len(body) < MIN_SIZE and not mine:
        return body
    packed = MAGIC + zlib.compress(body, 1)
    return packed if mine or len(packed) < len(body) else body


def unpack(stored: bytes | None) -> bytes:
    """The body as it came, from what the store keeps (a recipe is read by
    :data:`BODY_SQL`: here it reads as empty)."""
    if not stored:
        return b""
    data = bytes(stored)
    if data.startswith(RECIPE):
        return b""
    return zlib.decompress(data[len(MAGIC) :]) if data.startswith(MAGIC) else data


def recipe(body: bytes, messages: Sequence[str]) -> tuple[str, str] | None:
    """``(prefix, suffix)`` when ``body`` is ``prefix`` + the ``messages`` joined by commas +
    ``suffix``, byte for byte (None otherwise)."""
    if not messages or not body or body.startswith((MAGIC, RECIPE)):
        return None
    first = messages[0].encode()
    start = body.find(first)
    if start < 0:
        return None
    pos = start + len(first)
    for text in messages[1:]:
        m = text.encode()
        if body[pos : pos + 1] != b"," or not body.startswith(m, pos + 1):
            return None
        pos += 1 + len(m)
    try:
        return body[:start].decode(), body[pos:].decode()
    except UnicodeDecodeError:
        return None


def recipe_blob(prefix: str, suffix: str, first_id: int, n: int) -> bytes:
    """What the store keeps of a body made of the ``n`` events from ``first_id`` on."""
    return RECIPE + jsoncodec.dumps_str([prefix, suffix, first_id, n]).encode()
