"""``event-inspector serve`` as users run it: a subprocess on 127.0.0.1, a free port."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

CLI = [sys.executable, "-m", "inspector"]


@contextlib.contextmanager
def serve(data_dir: Path, *extra: str, session: str = "qa") -> Iterator[str]:
    """Start ``serve --port 0`` and yield its URL; stopped (SIGTERM, then killed) on exit."""
    proc = subprocess.Popen(
        [*CLI, "serve", "--port", "0", "--data-dir", str(data_dir), "--session", session, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        if "listening on http://" not in line:
            proc.kill()
            raise AssertionError(line + (proc.stderr.read() if proc.stderr else ""))
        yield line.split("listening on ")[1].split()[0]
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def run(
    *args: str, cwd: Path | None = None, timeout: float = 90
) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd)
