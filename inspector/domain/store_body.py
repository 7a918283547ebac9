"""Request bodies as the store keeps them: compressed when that saves space.

An accepted batch repeats most of its text from event to event (context, user agent, keys),
and the store keeps each request's body whole next to the events it carried (to show the
request, send it again, or export it): kept as sent, bodies were a third of the data
directory. A body over :data:`MIN_SIZE` bytes is stored as :data:`MAGIC` followed by its zlib
stream (level 1: ~3 µs an event, about a tenth of the size) when that is smaller; every
reader goes through :func:`unpack`. A body that itself begins with :data:`MAGIC` (no JSON
body can: it starts with a NUL byte) is always packed, so unpacking is never ambiguous.
Stores written before this keep their bodies as they were: :func:`unpack` leaves them alone.
"""

from __future__ import annotations

import zlib

MAGIC = b"\x00EIz"
MIN_SIZE = 256


def pack(body: bytes | None) -> bytes | None:
    """What the store keeps of ``body``."""
    if not body:
        return body
    mine = body.startswith(MAGIC)
    if len(body) < MIN_SIZE and not mine:
        return body
    packed = MAGIC + zlib.compress(body, 1)
    return packed if mine or len(packed) < len(body) else body


def unpack(stored: bytes | None) -> bytes:
    """The body as it came, from what the store keeps."""
    if not stored:
        return b""
    data = bytes(stored)
    return zlib.decompress(data[len(MAGIC) :]) if data.startswith(MAGIC) else data
