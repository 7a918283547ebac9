"""What the screenshot scripts share: a scratch directory for the window's own files, the
``--out`` argument, Qt's event loop, the window's arguments and letting the window settle."""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any


def scratch(prefix: str) -> Path:
    """A temporary directory holding the window's config and log (call before the window's
    modules are imported: they read these variables)."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["EVENT_INSPECTOR_CONFIG_DIR"] = str(tmp / "config")
    os.environ["EVENT_INSPECTOR_LOG_DIR"] = str(tmp / "log")
    return tmp


def arguments(ap: argparse.ArgumentParser | None = None) -> tuple[argparse.Namespace, Path]:
    """``--out DIR`` (default: docs/) and the script's own flags; the directory made."""
    ap = ap or argparse.ArgumentParser()
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent))
    args = ap.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    return args, out


def qt_loop() -> tuple[Any, asyncio.AbstractEventLoop]:
    """The application (light theme) and its qasync loop, set as the current loop."""
    import qasync

    from inspector.gui.main import apply_theme, make_qapp

    app = make_qapp()
    apply_theme("light")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    return app, loop


def window_args(data_dir: Path | str, session: str, **more: Any) -> SimpleNamespace:
    """What ``event-inspector`` would parse: a collector on 127.0.0.1, a free port."""
    return SimpleNamespace(
        host="127.0.0.1",
        port=0,
        data_dir=str(data_dir),
        session=session,
        fault=None,
        no_lint=False,
        token=None,
        **more,
    )


async def settle(window: Any, seconds: float = 0.6) -> None:
    """Let the window show what arrived: the feed flushed, Qt's events run."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        window.feed.flush_now()
        await asyncio.sleep(0.05)
