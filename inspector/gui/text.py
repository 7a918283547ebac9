"""Small text helpers shared by the window's labels: counts that read as English."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 event``, ``2 events``, ``1,234 events`` (``many`` for irregular plurals)."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"
