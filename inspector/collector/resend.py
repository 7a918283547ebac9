"""Send a request again (the window's Resend and Edit and resend), to this collector or to the
forward URL, with aiohttp; what came back is reported, nothing is raised."""

from __future__ import annotations

import time
from dataclasses import dataclass

import aiohttp

from inspector.domain.replay import Outgoing


@dataclass(slots=True)
class Sent:
    status: int | None  # None: no answer (the error says why)
    ms: float
    body: bytes = b""
    error: str | None = None

    def summary(self) -> str:
        if self.status is None:
            return f"not sent: {self.error}"
        return f"{self.status} in {self.ms:,.0f} ms"


async def send(req: Outgoing, base_url: str, timeout: float = 15.0) -> Sent:
    """Send ``req`` to ``base_url`` + its path; returns the status, time and answer body."""
    t0 = time.monotonic()
    try:
        async with (
            aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=timeout), auto_decompress=False
            ) as session,
            session.request(
                req.method,
                req.url(base_url),
                headers=req.headers,
                data=req.body if req.body or req.method not in ("GET", "HEAD") else None,
                skip_auto_headers=("User-Agent", "Content-Type", "Accept-Encoding"),
            ) as resp,
        ):
            body = await resp.read()
            return Sent(resp.status, (time.monotonic() - t0) * 1000, body)
    except (aiohttp.ClientError, TimeoutError, ValueError, OSError) as exc:
        return Sent(None, (time.monotonic() - t0) * 1000, error=str(exc) or type(exc).__name__)
