"""Run a scenario in a private network namespace: nothing in it reaches the real network.

Tests of ``--lan`` and ``--host 0.0.0.0`` must never bind this machine's real addresses. A
scenario runs as ``python -m tests.lan.<module> ARGS`` inside ``unshare -n`` (a new, empty
network namespace: only ``lo``), after ``lo`` is brought up and given ``10.99.0.1/32`` — the
namespace's "LAN address", which :func:`inspector.domain.netaddrs.lan_addresses` then sees as
this machine's. The server *and* its clients run inside; the scenario prints one JSON line
(its observations) last, which the test asserts on. Skipped where ``unshare -n`` is refused.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAN_ADDRESS = "10.99.0.1"


@functools.cache
def netns_refusal() -> str | None:
    """Why a network namespace cannot be made here (None: it can)."""
    unshare, ip = shutil.which("unshare"), shutil.which("ip")
    if unshare is None or ip is None:
        return "unshare and ip (util-linux, iproute2) are needed for network-namespace tests"
    try:
        r = subprocess.run(
            [
                unshare,
                "-n",
                "sh",
                "-c",
                f"ip link set lo up && ip addr add {LAN_ADDRESS}/32 dev lo",
            ],
            capture_output=True,
            text=True,
            timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"cannot make a network namespace: {exc}"
    if r.returncode != 0:
        return f"cannot make a network namespace (unshare -n): {r.stderr.strip()[:200]}"
    return None


def require_netns() -> None:
    why = netns_refusal()
    if why:
        pytest.skip(why)


def run_scenario(
    module: str, *args: str, timeout: float = 120, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """``python -m tests.lan.MODULE ARGS`` in a fresh namespace; its last stdout line as JSON."""
    require_netns()
    setup = f'ip link set lo up && ip addr add {LAN_ADDRESS}/32 dev lo && exec "$@"'
    cmd = [
        "unshare",
        "-n",
        "sh",
        "-c",
        setup,
        "sh",
        sys.executable,
        "-m",
        f"tests.lan.{module}",
        *args,
    ]
    r = subprocess.run(
        cmd,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    assert r.returncode == 0, f"scenario {module} failed:\n{r.stdout[-4000:]}\n{r.stderr[-6000:]}"
    lines = [ln for ln in r.stdout.splitlines() if ln.strip()]
    assert lines, r.stderr[-4000:]
    return dict(json.loads(lines[-1]))
