"""``event-inspector`` as users run it: subprocesses on one data directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests


def cli(*args: str, timeout: float = 120, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inspector", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        **kw,
    )


class Serve:
    """``event-inspector serve --port 0`` in a subprocess (its two worker processes too)."""

    def __init__(self, data_dir: Path, session: str = "s", *extra: str) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "inspector",
                "serve",
                "--port",
                "0",
                "--data-dir",
                str(data_dir),
                "--session",
                session,
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if "listening on http://" not in line:
            self.proc.kill()
            raise AssertionError(line + (self.proc.stderr.read() if self.proc.stderr else ""))
        self.url = line.split("listening on ")[1].split()[0]
        self.http = requests.Session()

    def post(self, path: str, body: Any, timeout: float = 10, **kw: Any) -> requests.Response:
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        return self.http.post(self.url + path, data=data, timeout=timeout, **kw)

    def get(self, path: str, timeout: float = 40, **kw: Any) -> requests.Response:
        return self.http.get(self.url + path, timeout=timeout, **kw)

    def events(self, q: str = "") -> list[dict[str, Any]]:
        r = self.get("/api/events", params={"q": q, "limit": 100000})
        assert r.status_code == 200, r.text
        return r.json()["events"]  # type: ignore[no-any-return]

    def stop(self, timeout: float = 30) -> tuple[int, str]:
        """SIGTERM; the exit status and what it said on stderr."""
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
            raise AssertionError(f"serve ignored SIGTERM for {timeout} s") from None
        return self.proc.returncode, err

    def __enter__(self) -> Serve:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


def wait_for(check: Any, timeout: float, what: str) -> float:
    """Poll ``check()`` until true; the seconds it took."""
    t0 = time.monotonic()
    while not check():
        if time.monotonic() - t0 > timeout:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.05)
    return time.monotonic() - t0


def env_without_display() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
