"""Files that hold captured data are the user's alone: created ``0600`` (as the store and the
inbox are), and made so when they existed with a wider mode."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import IO


def open_private(path: str | os.PathLike[str], append: bool = False) -> IO[str]:
    """``path`` opened for text (UTF-8), truncated or appended to, readable by its owner only."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    fd = os.open(path, flags, 0o600)
    with contextlib.suppress(OSError):  # a file that was there keeps its mode on open
        os.fchmod(fd, 0o600)
    return open(fd, "a" if append else "w", encoding="utf-8")


def make_private(path: str | os.PathLike[str]) -> None:
    """A file another library wrote (an image) made readable by its owner only."""
    with contextlib.suppress(OSError):
        Path(path).chmod(0o600)
