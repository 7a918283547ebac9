"""Check the declared minimum versions: install the lowest version ``pyproject.toml`` allows of
every runtime dependency, Qt's included, into a fresh venv and run the tests there.

    python packaging/min_versions.py [--venv DIR] [--keep] [--log FILE] [pytest args...]

Each runtime requirement must name its minimum as ``name>=X`` (an upper bound may follow; an
environment marker may give another minimum for some Pythons); the venv gets ``name==X`` of each
that applies to this Python (the direct dependencies at their lowest, what they need at whatever
version the resolver picks: uv's ``--resolution lowest-direct``, spelled out). First, for every
Python version ``requires-python`` allows, the minimums that apply there must resolve from wheels
alone (pip's dry run; a minimum that installs only with a compiler, or not at all, is
wrong). The test tools and the client libraries come from the ``dev`` extra; the app is
installed editable from this checkout. uv (a ``dev`` dependency) makes the venv and installs
into it in seconds.
``make test`` runs this beside the main suite (``--log``: everything goes to the file, whose
last lines say what was pinned and how the tests went); ``make min-versions`` runs it alone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
# dev tools the tests here do not run (linters, type checker, the browser driver, uv itself)
NOT_FOR_TESTS = frozenset({"import-linter", "ruff", "mypy", "types-pyyaml", "playwright", "uv"})
# every package's tests that need neither Node, a browser nor whole-process crash drills
# (tests/ingest: its code is reached through tests/collector; most of its time is waiting):
# each runtime dependency is imported by code these reach (mcp: tests/mcp; PySide6 and qasync:
# tests/gui, the window on qasync's loop; cryptography and segno: tests/domain, tests/collector)
TESTS = [
    "tests/domain",
    "tests/collector",
    "tests/cli",
    "tests/mcp",
    "tests/gui",
    "-n",
    "2",
]


def _name(req: str) -> str:
    return canonicalize_name(Requirement(req).name)


def minimum(req: str) -> str:
    """``name>=X[,<Y][; marker]`` -> ``name==X``; a requirement without ``>=`` is an error."""
    r = Requirement(req)
    found = [s.version for s in r.specifier if s.operator == ">="]
    if len(found) != 1:
        raise ValueError(f"{req!r} declares no minimum (name>=X)")
    return f"{r.name}=={found[0]}"


def applies(req: str, python: str | None = None) -> bool:
    """Whether ``req``'s marker holds for ``python`` ("3.12"; default: this interpreter)."""
    marker = Requirement(req).marker
    if marker is None:
        return True
    env = None if python is None else {"python_version": python, "python_full_version": python}
    return marker.evaluate(env)


def supported_pythons() -> list[str]:
    """The ``3.X`` versions ``requires-python`` allows."""
    allowed = SpecifierSet(project()["requires-python"])
    return [f"3.{m}" for m in range(8, 20) if allowed.contains(f"3.{m}.0")]


def project() -> dict[str, Any]:
    data: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return dict(data["project"])


def runtime_minimums(python: str | None = None) -> list[str]:
    """``name==X`` for each runtime dependency that applies to ``python`` (default: this one)."""
    return [minimum(r) for r in project()["dependencies"] if applies(r, python)]


def test_tools() -> list[str]:
    return [r for r in project()["optional-dependencies"]["dev"] if _name(r) not in NOT_FOR_TESTS]


def wheels_only(python: str, target: Path) -> list[str]:
    """pip's dry run of installing the minimums for ``python`` on this platform from wheels
    alone. pip, not uv: uv ignores a package's upper bound on Requires-Python, pip honours it
    (PySide6 6.6 declares ``<3.13``)."""
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--dry-run",
        "--ignore-installed",
        "--only-binary",
        ":all:",
        "--python-version",
        python,
        "--target",
        str(target),
        *runtime_minimums(python),
    ]


def uv_binary() -> str:
    """uv from the ``dev`` extra (next to this Python), else on PATH."""
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("uv")
        if found is None:
            raise SystemExit("uv is needed (pip install uv; `make install` installs it)") from None
        return found


@contextmanager
def _output(log: Path | None) -> Iterator[IO[str] | None]:
    if log is None:
        yield None
        return
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as fh:
        yield fh


def run(venv: Path, pytest_args: list[str], out: IO[str] | None) -> int:
    def say(text: str) -> None:
        print(text, file=out or sys.stdout, flush=True)

    def call(cmd: list[str], **kw: Any) -> int:
        return subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, **kw).returncode

    uv = uv_binary()
    py = str(venv / "bin" / "python")
    pins = runtime_minimums()
    started = time.monotonic()
    for python in supported_pythons():
        say(f"Python {python}: do the minimums that apply there install from wheels?")
        with tempfile.TemporaryDirectory(prefix="ei-min-dry-") as target:
            failed = call(wheels_only(python, Path(target)))
        if failed:
            say(f"minimum versions: FAILED: not installable on Python {python} (see above)")
            return 1
    if call([uv, "venv", "--quiet", "--python", sys.executable, str(venv)]):
        say("minimum versions: FAILED to make the venv")
        return 1
    say(f"installing the declared minimums: {' '.join(pins)}")
    install = [uv, "pip", "install", "--quiet", "--python", py]
    if call([*install, *pins, *test_tools(), "-e", str(ROOT)]):
        say("minimum versions: FAILED to install the declared minimums (see above)")
        return 1
    installed = time.monotonic() - started
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONPATH", None)
    cmd = [py, "-m", "pytest", "-q", "-p", "no:cacheprovider", *(pytest_args or TESTS)]
    say(" ".join(cmd))
    rc = call(cmd, cwd=ROOT, env=env)
    verdict = "passed" if rc == 0 else f"FAILED (pytest exit {rc})"
    say(
        f"minimum versions: {verdict}; installed in {installed:.0f} s, tests "
        f"{' '.join(pytest_args or TESTS)} under {' '.join(pins)}"
    )
    return rc


def _stop(*_: object) -> None:
    raise KeyboardInterrupt  # subprocess.run kills the tests; the venv is removed


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _stop)  # `make test` interrupted
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--venv", type=Path, help="where to make the venv (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the venv afterwards")
    ap.add_argument("--log", type=Path, help="write everything to this file, not the terminal")
    args, pytest_args = ap.parse_known_args(argv)
    venv = args.venv or Path(tempfile.mkdtemp(prefix="ei-min-versions-"))
    try:
        if venv.exists():
            shutil.rmtree(venv)
        with _output(args.log) as out:
            return run(venv, pytest_args, out)
    finally:
        if not args.keep:
            shutil.rmtree(venv, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
