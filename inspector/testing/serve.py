"""``event-inspector serve`` as users run it: a subprocess on 127.0.0.1 and a free port.

    with Served(tmp_path / "data", "--plan", "plan.yaml") as s:
        post(s.url + "/v1/track", ...)
        code, stderr = s.stop()      # SIGTERM; what it said
    with serve(tmp_path / "data") as url:  # the same, when the URL is all a test needs
        ...

and :func:`cli` for a command run to its end. Tests that must see the topology users run (the
writer processes, a killed server, another process on the same data directory) use these.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CLI = [sys.executable, "-m", "inspector"]


def cli(*args: str, timeout: float = 120, **kw: Any) -> subprocess.CompletedProcess[str]:
    """``event-inspector ARGS`` run to its end; its exit status and output."""
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout, **kw)


class Served:
    """``serve --port 0 --data-dir DIR [--session NAME] EXTRA…``, started and listening.

    ``url`` is its address, ``lines`` what it printed on standard output up to then (the
    ``listening on`` line, and with ``--tls`` the HTTPS one: see ``extra_lines``)."""

    def __init__(
        self,
        data_dir: str | Path,
        *extra: str,
        session: str | None = "qa",
        extra_lines: int = 0,
        **popen: Any,
    ) -> None:
        args = [*CLI, "serve", "--port", "0", "--data-dir", str(data_dir)]
        if session is not None:
            args += ["--session", session]
        self.proc = subprocess.Popen(
            [*args, *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            **popen,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if "listening on http" not in line:
            self.proc.kill()
            err = self.proc.stderr.read() if self.proc.stderr else ""
            self.proc.wait(10)
            raise AssertionError(f"serve did not start: {line}{err}")
        self.lines = [line, *(self.proc.stdout.readline() for _ in range(extra_lines))]
        self.url = line.split("listening on ")[1].split()[0]

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def stop(self, timeout: float = 30) -> tuple[int, str]:
        """SIGTERM, then its exit status and what it said on stderr (killed if it ignores it)."""
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
            raise AssertionError(f"serve ignored SIGTERM for {timeout} s") from None
        return self.proc.returncode, err

    def kill(self) -> None:
        """SIGKILL (a crash), and wait for it."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@contextlib.contextmanager
def serve(data_dir: str | Path, *extra: str, session: str | None = "qa") -> Iterator[str]:
    """:class:`Served` as a context that gives its URL (stopped on exit)."""
    with Served(data_dir, *extra, session=session) as served:
        yield served.url
